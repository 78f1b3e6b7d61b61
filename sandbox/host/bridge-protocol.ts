/**
 * The `@forge/bridge` protocol, written once for both stand-ins of the Forge host: the sandbox's
 * bridge shim (bridge-shim.js, served with this file compiled in front of it; see ./index.ts) and
 * the panel's component-test fake (static/panel/src/test/fake-bridge.ts). `@forge/bridge` 7.2 calls
 * `window.__bridge.callBridge(command, args)` (node_modules/@forge/bridge/out):
 *   invoke        ('invoke', { functionKey, payload, metadata })  → the resolver's return value
 *   getContext    ('getContext')                                   → FullContext
 *   createHistory ('createHistory')                                → a history v4 object
 *   theme.enable  ('enableTheming')
 *   router.navigate / router.open ('navigate', { url, type: 'same-tab' | 'new-tab' })
 *   router.reload ('reload')
 * What differs between the two hosts (where answers come from, where history lives, what theming and
 * navigation do) is the `BridgeHost` each passes in. No imports and no Node: it runs in the browser.
 */

export interface BridgeProject {
  id: string;
  key: string | null;
  type: string;
}

/** What a host knows of the page it shows; `forgeContext` shapes it as Forge's FullContext. */
export interface BridgeContext {
  accountId: string;
  moduleKey: string;
  siteUrl: string;
  cloudId: string;
  environmentId: string;
  localId: string;
  colorMode: 'light' | 'dark';
  /** The project of a project page or an issue module; null on the admin page. */
  project: BridgeProject | null;
  /** The issue of an issue module (jira:issueContext). */
  issue: { id: string; key: string | null; type: string } | null;
}

export interface BridgeHost {
  /** Names the host in the refusal of a command it does not implement. */
  name: string;
  invoke(functionKey: unknown, payload: Record<string, unknown>): unknown;
  context(): BridgeContext;
  history(): unknown;
  enableTheming(): void;
  navigate(args: unknown): void;
  /** Optional: a host without it refuses `router.reload` like any command it does not implement. */
  reload?: () => void;
}

export interface ForgeBridge {
  callBridge(command: string, args?: unknown): Promise<unknown>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The FullContext `view.getContext()` resolves with, for the module the host shows. */
export function forgeContext(page: BridgeContext): Record<string, unknown> {
  return {
    accountId: page.accountId,
    cloudId: page.cloudId,
    environmentId: page.environmentId,
    environmentType: 'DEVELOPMENT',
    localId: page.localId,
    locale: 'en-US',
    moduleKey: page.moduleKey,
    siteUrl: page.siteUrl,
    timezone: 'UTC',
    theme: { colorMode: page.colorMode },
    extension: page.issue
      ? { type: 'jira:issueContext', project: page.project, issue: page.issue }
      : page.project
        ? { type: 'jira:projectPage', project: page.project }
        : { type: 'jira:adminPage' },
  };
}

/** `window.__bridge` for a host: each command answers as a promise, a throw becomes a rejection. */
export function createForgeBridge(host: BridgeHost): ForgeBridge {
  const commands: Record<string, ((args: unknown) => unknown) | undefined> = {
    invoke: (args) =>
      host.invoke(
        isRecord(args) ? args['functionKey'] : undefined,
        isRecord(args) && isRecord(args['payload']) ? args['payload'] : {},
      ),
    getContext: () => forgeContext(host.context()),
    createHistory: () => host.history(),
    enableTheming: () => host.enableTheming(),
    navigate: (args) => host.navigate(args),
    reload: host.reload ? () => host.reload?.() : undefined,
  };
  return {
    callBridge(command, args) {
      const handler = Object.prototype.hasOwnProperty.call(commands, command) ? commands[command] : undefined;
      if (!handler) return Promise.reject(new Error(`${host.name} does not implement "${command}".`));
      try {
        return Promise.resolve(handler(args));
      } catch (error) {
        return Promise.reject(error);
      }
    },
  };
}
