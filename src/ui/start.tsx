// The page itself, imported by the entry script (src/main.tsx) once it has asked for the first
// model's files (docs/ARCHITECTURE.md, "Loading a model").

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { boot } from './boot';

export function start(container: HTMLElement, embedOnly: boolean): void {
  // before the first render: the model's files are on their way while React builds the page
  boot({ embedOnly });
  createRoot(container).render(
    <StrictMode>
      <App embedOnly={embedOnly} />
    </StrictMode>,
  );
}
