import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App.tsx';
import { boot } from './ui/boot';
import './ui/app.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
// embed.html (docs/ARCHITECTURE.md, "Embedding") shows the embed view whatever its link asks for
const embedOnly = document.documentElement.dataset.entry === 'embed';

// before the first render: the model's files are on their way while React builds the page
// (docs/ARCHITECTURE.md, "Loading a model")
boot({ embedOnly });
createRoot(container).render(
  <StrictMode>
    <App embedOnly={embedOnly} />
  </StrictMode>,
);
