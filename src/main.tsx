// The entry script: as small as it can be, so that it runs as soon as the page's HTML is in. It asks
// for the first model's files, then imports the page, which arrives while they download
// (docs/ARCHITECTURE.md, "Loading a model").
import { prefetchFirstModel } from './store/prefetch';
import './ui/app.css';

prefetchFirstModel();

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
// embed.html (docs/ARCHITECTURE.md, "Embedding") shows the embed view whatever its link asks for
const embedOnly = document.documentElement.dataset.entry === 'embed';
import('./ui/start')
  .then(({ start }) => start(container, embedOnly))
  .catch((err: unknown) => {
    // the page's code did not arrive (a dropped connection, a deploy in between): say so, in both
    // of the page's languages, rather than stay blank
    const detail = err instanceof Error ? err.message : String(err);
    container.textContent = `The page could not load (${detail}). Reload to try again. · 页面未能加载，请刷新重试。`;
  });
