/**
 * The conditions Forge gives a Custom UI panel, for the sandbox to give the same:
 * - the Content-Security-Policy Forge serves with the resource, computed by the real @forge/csp (the
 *   package `forge tunnel` of @forge/cli 13.3.0 computes it with, through @forge/tunnel 7.1.0) from the
 *   manifest's permissions and the panel's index.html as served. Production hosts ('prod'); only the
 *   report-uri points at the sandbox, which collects violations (Forge sends them to Atlassian);
 * - the iframe's `sandbox` and `allow` attributes that /platform/forge/custom-ui/iframe documents (no
 *   allow-popups: a panel cannot open windows, so external links go through router.open).
 */
import { readFileSync } from 'node:fs';
import { CSPInjectionService, CSPProcessingService } from '@forge/csp';
import { load } from 'cheerio';
import { parse } from 'yaml';
import { z } from 'zod';

const MANIFEST = new URL('../../manifest.yml', import.meta.url);

/** Where the sandbox collects the panel's CSP violation reports. */
export const CSP_REPORT_PATH = '/sandbox/csp-report';

/** /platform/forge/custom-ui/iframe: "Sandbox restrictions", applied to every Custom UI iframe. */
export const CUSTOM_UI_SANDBOX = [
  'allow-downloads',
  'allow-forms',
  'allow-modals',
  'allow-pointer-lock',
  'allow-same-origin',
  'allow-scripts',
] as const;
/** /platform/forge/custom-ui/iframe: "Feature policies". */
export const CUSTOM_UI_ALLOW = ['camera', 'clipboard-write', 'display-capture', 'fullscreen', 'microphone'] as const;

const egress = z.union([z.string(), z.object({ address: z.string() })]);
const egressList = z.array(egress).optional();
/** The parts of `permissions` that shape a Custom UI page (the rest concerns the backend). */
const permissionsSchema = z
  .object({
    content: z
      .object({ scripts: z.array(z.string()).optional(), styles: z.array(z.literal('unsafe-inline')).optional() })
      .optional(),
    external: z
      .object({
        fetch: z.object({ client: egressList }).optional(),
        fonts: egressList,
        frames: egressList,
        images: egressList,
        media: egressList,
        scripts: egressList,
        styles: egressList,
      })
      .optional(),
    sandbox: z.array(z.literal('allow-storage-access-by-user-activation')).optional(),
  })
  .default({});
const manifestSchema = z.object({ permissions: permissionsSchema });

type PanelPermissions = z.output<typeof permissionsSchema>;

function manifestPermissions(): PanelPermissions {
  return manifestSchema.parse(parse(readFileSync(MANIFEST, 'utf8'))).permissions;
}

/** As @forge/tunnel does: client egress entries become plain addresses before the CSP is computed. */
function withClientAddresses(permissions: PanelPermissions): PanelPermissions {
  const client = permissions.external?.fetch?.client?.map((entry) =>
    typeof entry === 'string' ? entry : entry.address,
  );
  if (!client) return permissions;
  return { ...permissions, external: { ...permissions.external, fetch: { client } } };
}

/** The Content-Security-Policy header value for the panel's index.html (as served, bridge shim included). */
export function panelContentSecurityPolicy(servedHtml: string, reportUri: string = CSP_REPORT_PATH): string {
  const details = new CSPProcessingService({ info: () => undefined }, load).getCspDetails(
    servedHtml,
    withClientAddresses(manifestPermissions()),
  );
  const directives = new CSPInjectionService().getInjectableCSP({ existingCSPDetails: details, microsEnv: 'prod' });
  return directives
    .map((directive) => (directive.startsWith('report-uri ') ? `report-uri ${reportUri}` : directive))
    .join('; ');
}

/** The iframe's sandbox tokens: Forge's fixed set plus what the manifest's permissions.sandbox adds. */
export function panelSandboxTokens(): string[] {
  return [...CUSTOM_UI_SANDBOX, ...(manifestPermissions().sandbox ?? [])];
}
