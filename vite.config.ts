import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * The strict Content-Security-Policy (docs/RELIABILITY.md, "The static site"): no inline script or style, no eval,
 * no blob: workers. `vite preview` (and so every end-to-end run) sends it as a header; the
 * built index.html and embed.html carry a <meta> copy for static hosts that cannot set headers.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "worker-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/**
 * Header only: browsers ignore frame-ancestors in a <meta> CSP (and log an error about it). The
 * page itself may be framed by this site only (clickjacking: it can delete saved models).
 */
export const CONTENT_SECURITY_POLICY_HEADER = `${CONTENT_SECURITY_POLICY}; frame-ancestors 'self'`;

/**
 * The embed entry (docs/ARCHITECTURE.md, "Embedding"): a page of its own that shows only the
 * heatmap and the stepper, whatever its link asks for, so that any site may frame it. The
 * same policy otherwise: `frame-ancestors *` is the one difference.
 */
export const EMBED_PAGE = 'embed.html';
export const EMBED_CONTENT_SECURITY_POLICY_HEADER = `${CONTENT_SECURITY_POLICY}; frame-ancestors *`;

/** The CSP header a path gets: the embed entry's for /embed.html, the page's for everything else. */
export function cspHeaderFor(url: string): string {
  const path = new URL(url, 'http://host').pathname;
  return path === `/${EMBED_PAGE}` ? EMBED_CONTENT_SECURITY_POLICY_HEADER : CONTENT_SECURITY_POLICY_HEADER;
}

/**
 * Cross-origin isolation (README, "Cross-origin isolation"; docs/ARCHITECTURE.md, "Training on
 * every core"): with these two headers `crossOriginIsolated` is true, SharedArrayBuffer exists, and
 * the Train view computes gradients on several workers that share the weights. `require-corp`
 * rather than `credentialless`: the page loads nothing from another origin (the CSP above allows
 * only 'self', data: and blob:), so require-corp costs nothing here, and it is the value every
 * browser with SharedArrayBuffer understands (Safari has no `credentialless`). Sent on every path,
 * scripts included: a dedicated worker's own response decides its policy. Where a host cannot
 * send them (GitHub Pages), the page trains on one worker and the Train view says so.
 */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * The embed entry is framed by other sites. COOP is ignored in a frame, and COEP only governs what
 * the frame itself loads (all same-origin). A host page that is itself cross-origin isolated
 * (COEP require-corp) may frame a cross-origin document only if that document opts in with
 * `Cross-Origin-Resource-Policy: cross-origin`, so embed.html says so; nothing else does.
 */
export const EMBED_RESOURCE_POLICY = 'cross-origin';

/**
 * Checkpoint weights are binary: `application/octet-stream`, as other hosts of safetensors files
 * serve them. Without a type the preview server called them text and gzipped 3 MB of float16 on
 * every load, on a core the browser needed (issue 18's first heatmap: docs/ARCHITECTURE.md,
 * "Loading a model"); compressing them saves under 10%.
 */
export const WEIGHTS_CONTENT_TYPE = 'application/octet-stream';

/** The headers a path gets beyond the preview's common ones: its CSP, embed.html's CORP, and the weights' type. */
export function headersFor(url: string): Record<string, string> {
  const path = new URL(url, 'http://host').pathname;
  return {
    'Content-Security-Policy': cspHeaderFor(url),
    ...(path === `/${EMBED_PAGE}` ? { 'Cross-Origin-Resource-Policy': EMBED_RESOURCE_POLICY } : {}),
    ...(path.endsWith('.safetensors') ? { 'Content-Type': WEIGHTS_CONTENT_TYPE } : {}),
  };
}

/** `vite preview` sends the CSP header by path (preview.headers would give every path one policy). */
function cspHeader(): Plugin {
  return {
    name: 'rnnsearch:csp-header',
    configurePreviewServer(server) {
      server.middlewares.use((req, res, next) => {
        for (const [name, value] of Object.entries(headersFor(req.url ?? '/'))) res.setHeader(name, value);
        next();
      });
    },
  };
}

/**
 * Puts the <meta> CSP into the built index.html only. Not in dev: React's fast-refresh
 * preamble is an inline script, which this policy (rightly) blocks.
 */
function cspMetaTag(): Plugin {
  if (/["<>&]/.test(CONTENT_SECURITY_POLICY)) throw new Error('CSP must be safe in an attribute');
  const tag = `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}" />`;
  return {
    name: 'rnnsearch:csp-meta',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      // Right after <meta charset>: before every script and stylesheet the policy must govern.
      handler(html) {
        const charset = /<meta\s+charset=[^>]*>/i.exec(html);
        if (!charset) throw new Error('index.html needs <meta charset> for the CSP <meta> to follow');
        const at = charset.index + charset[0].length;
        return `${html.slice(0, at)}\n    ${tag}${html.slice(at)}`;
      },
    },
  };
}

export default defineConfig({
  // Relative asset URLs, so the built page works from any folder of any static host
  // (e.g. a GitHub Pages project site under /<repo>/), not only from a domain root.
  base: './',
  plugins: [react(), cspMetaTag(), cspHeader()],
  server: {
    port: 5173,
    strictPort: true,
    // isolated in development too, so the Train view's workers behave as in production
    headers: { ...ISOLATION_HEADERS },
  },
  preview: {
    port: 4173,
    strictPort: true,
    // Content-Security-Policy: by path, from cspHeader()
    headers: {
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      ...ISOLATION_HEADERS,
    },
  },
  build: {
    // The modulepreload polyfill is bundled into the entry chunk (not inlined into the
    // HTML), so it is CSP-safe; keep it for browsers without <link rel="modulepreload">.
    modulePreload: { polyfill: true },
    // two pages: the explorer, and the embed entry that other sites may frame
    rolldownOptions: {
      input: {
        main: fileURLToPath(new URL('index.html', import.meta.url)),
        embed: fileURLToPath(new URL(EMBED_PAGE, import.meta.url)),
      },
    },
  },
  worker: {
    format: 'es',
  },
});
