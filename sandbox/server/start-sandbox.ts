/**
 * The sandbox server: one loopback HTTP server with the host page and the panel (static-site.ts)
 * and the control API (control-api.ts), over the persisted world (sandbox-world.ts).
 * `npm start`, `npm run demo` and the sandbox and browser tests all start it here.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { GitRepository } from '../world/git-repository';
import type { Scenario } from '../world/scenario';
import type { FaultProfile } from '../fakes/http-fake';
import { type Realism, SANDBOX_REALISM, type World } from '../world/start-world';
import { CspReports } from '../host/csp-reports';
import { CSP_REPORT_PATH } from '../host/forge-frame';
import { controlApi } from './control-api';
import { HttpError, sendError } from './http-io';
import { openSandboxWorld, type LogLine, type SandboxWorld } from './sandbox-world';
import { staticSite } from './static-site';

export const DEFAULT_PANEL_DIR = fileURLToPath(new URL('../../static/panel/build', import.meta.url));

export interface SandboxOptions {
  /** The folder that persists the world (`.sandbox` for npm start; a temporary one for tests). */
  dataDir: string;
  fresh?: boolean;
  scenario?: Scenario;
  /** 0 picks a free port. */
  port?: number;
  /** queued → in_progress at half this delay, completed at all of it. */
  workflowDelayMs?: number;
  /** Null turns the automatic scheduled trigger off. */
  triggerIntervalMs?: number | null;
  /** The fakes' delays; SANDBOX_REALISM (Kosli reports every 30 s) unless given. */
  realism?: Partial<Realism>;
  /** Random faults on all three fakes (off unless given). */
  faults?: FaultProfile;
  panelDir?: string;
  log?: LogLine;
}

export interface Sandbox {
  /** http://127.0.0.1:<port> */
  url: string;
  world: World;
  repository: GitRepository;
  sandbox: SandboxWorld;
  /** Content-Security-Policy violations the panel reported so far. */
  cspReports: CspReports;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const log = options.log ?? (() => undefined);
  const pages = staticSite(options.panelDir ?? DEFAULT_PANEL_DIR);
  let control: ((req: IncomingMessage, res: ServerResponse, path: string) => Promise<void>) | undefined;
  const cspReports = new CspReports(log);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://sandbox').pathname;
    if (path === CSP_REPORT_PATH && req.method === 'POST') return cspReports.receive(req, res);
    if (path.startsWith('/sandbox/')) {
      if (!control) throw new HttpError(503, 'STARTING', 'The sandbox is still starting.');
      await control(req, res, path);
      return;
    }
    if (!pages(req, res, path)) throw new HttpError(404, 'NOT_FOUND', `Nothing at ${path}.`);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const answer =
        error instanceof HttpError
          ? error
          : new HttpError(500, 'INTERNAL', error instanceof Error ? error.message : String(error));
      if (answer.status === 500) log(`${req.method ?? ''} ${req.url ?? ''} failed: ${answer.message}`);
      if (res.headersSent) res.end();
      else sendError(res, answer);
    });
  });
  // The URL must be known before the world starts: the app writes it into Jira links.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('The sandbox server has no TCP address.');
  const url = `http://${HOST}:${address.port}`;

  let sandbox: SandboxWorld;
  try {
    sandbox = await openSandboxWorld({
      dataDir: options.dataDir,
      fresh: options.fresh ?? false,
      ...(options.scenario ? { scenario: options.scenario } : {}),
      siteUrl: url,
      workflowDelayMs: options.workflowDelayMs ?? 3_000,
      realism: { ...SANDBOX_REALISM, ...options.realism },
      ...(options.faults ? { faults: options.faults } : {}),
      triggerIntervalMs: options.triggerIntervalMs === undefined ? 30_000 : options.triggerIntervalMs,
      log,
    });
  } catch (error) {
    server.close();
    throw error;
  }
  control = controlApi(sandbox);

  let stopped: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await Promise.all([closed, sandbox.stop()]);
  };
  return {
    url,
    world: sandbox.world,
    repository: sandbox.repository,
    sandbox,
    cspReports,
    stop: () => (stopped ??= stop()),
  };
}
