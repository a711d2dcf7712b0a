import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App.tsx';
import './ui/app.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
// embed.html (docs/ARCHITECTURE.md, "Embedding") shows the embed view whatever its link asks for
const embedOnly = document.documentElement.dataset.entry === 'embed';

createRoot(container).render(
  <StrictMode>
    <App embedOnly={embedOnly} />
  </StrictMode>,
);
