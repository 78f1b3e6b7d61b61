/**
 * Forge's backend egress rules, locally: which origins the app may `fetch` (the manifest's
 * `permissions.external.fetch.backend`), and where each allowed origin lives on loopback.
 *
 * Like Forge's proxy: only HTTPS, the host is matched and the path ignored, `*.example.com` covers
 * subdomains but not `example.com`, and a denied request gets a 403 Response rather than an
 * exception (platform.md §7). A request to an allowed origin with no loopback target is refused
 * with 502, so a sandbox that forgot a fake never reaches the real internet.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';

/** The repository's manifest, where the default egress list comes from. */
export const DEFAULT_MANIFEST_PATH = new URL('../../manifest.yml', import.meta.url);

const manifestSchema = z.object({
  permissions: z
    .object({
      external: z
        .object({
          fetch: z
            .object({ backend: z.array(z.union([z.string(), z.object({ address: z.string() })])).optional() })
            .optional(),
        })
        .optional(),
    })
    .optional(),
});

/** The backend egress addresses the manifest declares (plain strings or `{ address }` entries). */
export function manifestEgress(manifestPath: string | URL = DEFAULT_MANIFEST_PATH): string[] {
  const manifest = manifestSchema.parse(parse(readFileSync(manifestPath, 'utf8')));
  const entries = manifest.permissions?.external?.fetch?.backend ?? [];
  return entries.map((entry) => (typeof entry === 'string' ? entry : entry.address));
}

/** The host part of an egress address: "https://*.example.com/path" → "*.example.com". */
function addressHost(address: string): string {
  const withoutScheme = address.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  return (withoutScheme.split('/')[0] ?? '').replace(/:\d+$/, '').toLowerCase();
}

export function isEgressAllowed(url: URL, allowed: readonly string[]): boolean {
  if (url.protocol !== 'https:') return false;
  const host = url.hostname.toLowerCase();
  return allowed.some((address) => {
    const pattern = addressHost(address);
    if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1));
    return host === pattern;
  });
}

/** The loopback URL for `url`, or undefined when its origin has no entry in the map. */
export function rewriteEgress(url: URL, egress: Readonly<Record<string, string>>): string | undefined {
  for (const [origin, target] of Object.entries(egress)) {
    if (new URL(origin).origin !== url.origin) continue;
    return `${target.replace(/\/+$/, '')}${url.pathname}${url.search}`;
  }
  return undefined;
}

export function egressDenied(url: URL): Response {
  return Response.json(
    {
      message: `Egress to ${url.origin} is not allowed: add it to permissions.external.fetch.backend in manifest.yml.`,
    },
    { status: 403 },
  );
}

export function egressUnmapped(url: URL): Response {
  return Response.json(
    {
      message: `${url.origin} is allowed by the manifest but the local Forge runtime has no loopback target for it (runtime.egress).`,
    },
    { status: 502 },
  );
}
