/**
 * The pages of the sandbox: the Jira-like host page (sandbox/host) at `/`, the built panel
 * (static/panel/build) under `/panel/` with the bridge shim injected into its index.html and Forge's
 * Content-Security-Policy (../host/forge-frame.ts), and
 * redirects from the Jira URLs the app writes into links (the release page's Related-work link,
 * Jira's own version page) to the host page showing that release.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { panelContentSecurityPolicy } from '../host/forge-frame';
import { hostAssets, injectBridgeShim } from '../host/index';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

/** `/jira/software/projects/OPS/apps/<app>/<env>/release/10001` (links.ts) and `/projects/OPS/versions/10001`. */
const APP_RELEASE_URL = /^\/jira\/[^/]+\/projects\/[^/]+\/apps\/[^/]+\/[^/]+\/release\/(\d+)\/?$/;
const JIRA_VERSION_URL = /^\/projects\/[^/]+\/versions\/(\d+)\/?$/;

export function staticSite(panelDir: string): (req: IncomingMessage, res: ServerResponse, path: string) => boolean {
  const root = resolve(panelDir);
  return (req, res, path) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const release = APP_RELEASE_URL.exec(path) ?? JIRA_VERSION_URL.exec(path);
    if (release) return redirect(res, `/#/release-gate/release/${release[1]}`);
    if (path === '/jira' || path.startsWith('/jira/')) return redirect(res, '/#/release-gate/');

    const asset = hostAssets()[path === '/index.html' ? '/' : path];
    if (asset) return send(res, 200, asset.contentType, asset.body, 'no-cache');

    if (path === '/panel' || path === '/panel/' || path === '/panel/index.html') {
      const index = join(root, 'index.html');
      if (!existsSync(index)) {
        return send(
          res,
          503,
          'text/html; charset=utf-8',
          '<p>The panel is not built yet: run <code>npm run build</code> (npm start does it for you).</p>',
          'no-store',
        );
      }
      // Served as Forge serves a Custom UI resource: under the CSP @forge/csp computes for it.
      const html = injectBridgeShim(readFileSync(index, 'utf8'));
      return send(res, 200, 'text/html; charset=utf-8', html, 'no-cache', {
        'content-security-policy': panelContentSecurityPolicy(html),
      });
    }
    if (path.startsWith('/panel/')) {
      const file = resolve(root, `.${path.slice('/panel'.length)}`);
      if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) return false;
      // Vite names assets by content hash: they never change under the same name.
      const cache = path.startsWith('/panel/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
      return send(res, 200, CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', readFileSync(file), cache);
    }
    if (path === '/favicon.ico') return send(res, 204, 'image/x-icon', '', 'public, max-age=86400');
    return false;
  };
}

function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string | Buffer,
  cache: string,
  headers: Record<string, string> = {},
): true {
  res.writeHead(status, {
    'content-type': contentType,
    'cache-control': cache,
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(body);
  return true;
}

function redirect(res: ServerResponse, location: string): true {
  res.writeHead(302, { location, 'cache-control': 'no-store' });
  res.end();
  return true;
}
