/**
 * The web page of `recon serve`: public/index.html, its script public/app.js (type-checked with tsconfig.page.json,
 * linted with the rest) and its style sheet public/app.css, served as they are from beside this module — src/ under
 * tsx, dist/ in the built tool (the build copies public/); and the login page, public/login.html. No CDN, no inline
 * script, no inline style: the page's CSP allows scripts and style sheets from this server only.
 */
import { readFileSync } from 'node:fs';

export interface PageAsset {
  body: Buffer;
  type: string;
}

const TYPES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};

/** The page's files by the path they are served at (`/`, `/app.js`, `/app.css`), read once. */
export function pageAssets(): Map<string, PageAsset> {
  const out = new Map<string, PageAsset>();
  for (const [name, type] of Object.entries(TYPES)) {
    const body = readFileSync(new URL(`./public/${name}`, import.meta.url));
    out.set(name === 'index.html' ? '/' : `/${name}`, { body, type });
  }
  return out;
}

let loginTemplate: string | null = null;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The login page, with a message above the form (the server's own words, escaped all the same). */
export function loginPage(message: string | null): string {
  loginTemplate ??= readFileSync(new URL('./public/login.html', import.meta.url), 'utf8');
  const box = message ? `<p class="error" role="alert" data-testid="login-error">${escapeHtml(message)}</p>` : '';
  return loginTemplate.replace('<!--MESSAGE-->', box);
}

export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');
