/**
 * The panel's conditions in the sandbox are Forge's: the CSP @forge/csp computes for this manifest,
 * and the iframe sandbox and feature policies Forge documents for Custom UI.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CSP_REPORT_PATH,
  CUSTOM_UI_ALLOW,
  panelContentSecurityPolicy,
  panelSandboxTokens,
} from '../../sandbox/host/forge-frame';
import { injectBridgeShim } from '../../sandbox/host/index';

const HOST_PAGE = readFileSync(new URL('../../sandbox/host/index.html', import.meta.url), 'utf8');
const PANEL_HTML = injectBridgeShim(
  '<!doctype html><html><head><script type="module" src="./assets/index.js"></script></head><body><div id="root"></div></body></html>',
);

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(';').map((part) => {
      const [name = '', ...values] = part.trim().split(/\s+/);
      return [name, values];
    }),
  );
}

describe("the panel's Content-Security-Policy", () => {
  const policy = directives(panelContentSecurityPolicy(PANEL_HTML));

  it('is the production policy: own origin and Forge hosts only, no inline script or style, no eval', () => {
    expect(policy.get('default-src')?.[0]).toBe("'self'");
    for (const name of ['script-src', 'style-src', 'connect-src']) {
      expect(policy.get(name)).toContain("'self'");
      expect(policy.get(name)).not.toContain("'unsafe-inline'");
      expect(policy.get(name)).not.toContain("'unsafe-eval'");
    }
    expect(policy.get('script-src')).toContain('https://forge.cdn.prod.atlassian-dev.net');
    expect(policy.get('frame-ancestors')).toEqual(expect.arrayContaining(["'self'", '*.atlassian.net']));
    expect(policy.get('form-action')).toEqual(["'self'"]);
  });

  it('lets the backend egress stay out of the page: no Kosli or GitHub address in connect-src', () => {
    expect((policy.get('connect-src') ?? []).filter((source) => /kosli|github/.test(source))).toEqual([]);
  });

  it('sends violation reports to the sandbox', () => {
    expect(policy.get('report-uri')).toEqual([CSP_REPORT_PATH]);
  });

  it('allows an inline script only by its hash', () => {
    const inline = directives(
      panelContentSecurityPolicy(PANEL_HTML.replace('</head>', '<script>window.x = 1;</script></head>')),
    );
    expect(inline.get('script-src')).toEqual(
      expect.arrayContaining([expect.stringMatching(/^'sha256-[A-Za-z0-9+/=]+'$/)]),
    );
  });
});

describe("the panel's iframe on the host page", () => {
  const iframe = /<iframe\b[^>]*id="panel"[^>]*>/s.exec(HOST_PAGE)?.[0] ?? '';

  it('has exactly the sandbox tokens Forge documents for Custom UI, so no popups', () => {
    const tokens = /\ssandbox="([^"]*)"/.exec(iframe)?.[1]?.split(/\s+/) ?? [];
    expect([...tokens].sort()).toEqual([...panelSandboxTokens()].sort());
    expect(tokens).not.toContain('allow-popups');
  });

  it('has the feature policies Forge documents, clipboard-write included (the copy buttons use it)', () => {
    const allow = /\sallow="([^"]*)"/.exec(iframe)?.[1]?.split(/;\s*/) ?? [];
    expect(allow).toEqual([...CUSTOM_UI_ALLOW]);
  });
});
