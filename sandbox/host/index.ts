/**
 * The sandbox's Jira-like host page, for the sandbox server to mount: the page at `/`, its script and
 * styles under `/host/`, and the bridge shim the panel loads from `/panel/bridge-shim.js`.
 * The server serves the built panel (static/panel/build) under `/panel/`, passing its index.html
 * through `injectBridgeShim`, and answers `GET /sandbox/users` and `POST /sandbox/invoke`
 * (see bridge-shim.js for the exact messages; the @forge/bridge protocol itself is bridge-protocol.ts).
 */
import { readFileSync } from 'node:fs';
import ts from 'typescript';

export interface HostAsset {
  contentType: string;
  body: string;
}

const FILES: Record<string, { file: string; contentType: string }> = {
  '/': { file: 'index.html', contentType: 'text/html; charset=utf-8' },
  '/host/host.js': { file: 'host.js', contentType: 'text/javascript; charset=utf-8' },
  '/host/host.css': { file: 'host.css', contentType: 'text/css; charset=utf-8' },
  '/host/tokens.css': { file: 'tokens.css', contentType: 'text/css; charset=utf-8' },
  '/panel/bridge-shim.js': { file: 'bridge-shim.js', contentType: 'text/javascript; charset=utf-8' },
  // Jira's issue view with the issue-context module, and Jira's Deployments view (issue #20).
  '/issue.html': { file: 'issue.html', contentType: 'text/html; charset=utf-8' },
  '/host/issue.js': { file: 'issue.js', contentType: 'text/javascript; charset=utf-8' },
  '/deployments.html': { file: 'deployments.html', contentType: 'text/html; charset=utf-8' },
  '/host/deployments.js': { file: 'deployments.js', contentType: 'text/javascript; charset=utf-8' },
  '/host/jira-views.css': { file: 'jira-views.css', contentType: 'text/css; charset=utf-8' },
};

/** URL path → file content; read at each call so edits show on reload while the sandbox runs. */
export function hostAssets(): Record<string, HostAsset> {
  const assets: Record<string, HostAsset> = {};
  for (const [path, { file, contentType }] of Object.entries(FILES)) {
    assets[path] = { contentType, body: readFileSync(new URL(file, import.meta.url), 'utf8') };
  }
  const shim = assets['/panel/bridge-shim.js'];
  if (shim) shim.body = withBridgeProtocol(shim.body);
  return assets;
}

/**
 * The shim as the panel loads it: the one source of the @forge/bridge protocol (bridge-protocol.ts,
 * which the panel's test fake imports too), its types stripped, in front of the shim's host code, in
 * one scope so nothing leaks onto `window` but `__bridge`.
 */
function withBridgeProtocol(shim: string): string {
  const source = readFileSync(new URL('bridge-protocol.ts', import.meta.url), 'utf8');
  const compiled = ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.ESNext },
  }).outputText;
  const protocol = compiled.replace(/^export \{\};?$/m, '').replace(/^export /gm, '');
  return `(function () {\n${protocol}\n${shim}\n})();\n`;
}

export const BRIDGE_SHIM_TAG = '<script src="/panel/bridge-shim.js"></script>';

/**
 * Puts the bridge shim just before the panel's first script (its module entry), so that
 * `window.__bridge` exists when @forge/bridge loads.
 */
export function injectBridgeShim(panelIndexHtml: string): string {
  if (panelIndexHtml.includes(BRIDGE_SHIM_TAG)) return panelIndexHtml;
  const anchor = /<script\b/i.exec(panelIndexHtml) ?? /<\/head>/i.exec(panelIndexHtml);
  if (!anchor) throw new Error('The panel index.html has no <script> or </head>: was it built by `npm run build`?');
  return `${panelIndexHtml.slice(0, anchor.index)}${BRIDGE_SHIM_TAG}\n    ${panelIndexHtml.slice(anchor.index)}`;
}
