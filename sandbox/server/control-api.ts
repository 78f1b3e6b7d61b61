/**
 * The sandbox control API: JSON in, JSON out, on the sandbox server (127.0.0.1 only). Scripts, the
 * demo, the tests and the host page drive the simulated world with it. Errors answer
 * `{ "error": { "code", "message" } }` with 400 (bad body), 404 (unknown path or thing) or 405.
 * Bodies are checked strictly: an unknown field is a 400, so a typo does not pass silently.
 * A POST must say `content-type: application/json` (415 otherwise) and come from the sandbox's own
 * page or from no page at all (403 otherwise): a form or a `text/plain` fetch on any other web
 * page the user has open could otherwise act as any sandbox user on 127.0.0.1.
 *
 *   POST /sandbox/commits      { "app": "backend", "message": "OPS-12 faster search", "author"?: "<accountId>" }
 *        → { sha, app, fingerprint, keys }  a merged PR on main: git commit, Kosli source + build
 *          trails (Jira keys from the message, PR evidence, artifact), dev runs it
 *   POST /sandbox/report       → { environments: { <env>: { index, timestamp, artifacts } } }
 *          every environment reports what its running-<env>-<app> tags point at
 *   POST /sandbox/workflows/settle  → { runs: [...] }  completes every queued or running workflow run
 *   POST /sandbox/jira/approvers    { "versionId", "accountId", "status": "PENDING"|"APPROVED"|"DECLINED", "declineReason"? }
 *        → { versionId, approvers }  an approver decides in Jira's own release UI (no REST API can)
 *   POST /sandbox/invoke       { "accountId", "key": "<resolver key>", "payload"?: {...}, "moduleKey"?: "release-gate"|"release-gate-settings"|"issue-where-running" }
 *        → the resolver's Result { ok: true, data } | { ok: false, error }, called as that user from
 *          the project page (or the admin page for release-gate-settings), like the panel's invoke
 *   POST /sandbox/scheduled/release-gate-check  → { trigger, result }  runs the scheduled trigger
 *          once and waits for the deploy work it queued
 *   GET  /sandbox/state        → the world: Jira issues and versions (approvers, related work), git tags → sha,
 *          workflow runs, Kosli trails with their attestations, latest snapshot per environment
 *   GET  /sandbox/users        → [{ accountId, displayName, email, role, jiraAdmin }] (the host page's user switcher)
 *   GET  /sandbox/project      → { key, name, id } the scenario's Jira project
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { RESOLVER_KEYS } from '../../src/contract';
import { badRequest, HttpError, notFound, readJson, sendJson } from './http-io';
import type { SandboxWorld } from './sandbox-world';
import { describeWorld, latestSnapshots, runState } from './world-state';

type Handler = (req: IncomingMessage) => Promise<unknown>;

const TRIGGER_KEY = 'release-gate-check';
const PROJECT_MODULE = 'release-gate';
const ADMIN_MODULE = 'release-gate-settings';
const ISSUE_MODULE = 'issue-where-running';

function oneOf(what: string, allowed: readonly string[]) {
  return z
    .string()
    .refine((value) => allowed.includes(value), { message: `${what} must be one of: ${allowed.join(', ')}` });
}

export function controlApi(
  sandbox: SandboxWorld,
): (req: IncomingMessage, res: ServerResponse, path: string) => Promise<void> {
  const { world } = sandbox;
  const accountIds = world.scenario.users.map((u) => u.accountId);
  const knownUser = oneOf('accountId', accountIds);
  const empty = z.strictObject({});

  const commitBody = z.strictObject({
    app: oneOf(
      'app',
      world.config.apps.map((a) => a.name),
    ),
    message: z.string().trim().min(1, 'message must not be empty').max(1000),
    author: knownUser.optional(),
  });
  const approverBody = z.strictObject({
    versionId: z.string().regex(/^\d{1,18}$/, 'versionId is a Jira version id (digits)'),
    accountId: knownUser,
    status: z.enum(['PENDING', 'APPROVED', 'DECLINED']),
    declineReason: z.string().max(1000).optional(),
  });
  const invokeBody = z.strictObject({
    accountId: knownUser,
    key: z.enum(RESOLVER_KEYS),
    payload: z.unknown().optional(),
    moduleKey: z.enum([PROJECT_MODULE, ADMIN_MODULE, ISSUE_MODULE]).optional(),
  });

  const post = new Map<string, Handler>(
    Object.entries({
      '/sandbox/commits': async (req) => {
        const body = await readJson(req, commitBody);
        return world.simulation.commit(body.app, body.message, body.author);
      },
      '/sandbox/report': async (req) => {
        await readJson(req, empty);
        world.simulation.reportAll();
        return { environments: latestSnapshots(world) };
      },
      '/sandbox/workflows/settle': async (req) => {
        await readJson(req, empty);
        const runs = await world.github.world.settleRuns();
        return { runs: runs.map(runState) };
      },
      '/sandbox/jira/approvers': async (req) => {
        const body = await readJson(req, approverBody);
        const version = world.jira.world.version(body.versionId);
        if (!version) throw notFound(`No Jira version ${body.versionId}.`);
        if (body.declineReason !== undefined && body.status !== 'DECLINED')
          throw badRequest('declineReason goes with status DECLINED only.');
        world.jira.world.setApprover(body.versionId, body.accountId, body.status, body.declineReason);
        return { versionId: version.id, approvers: version.approvers };
      },
      '/sandbox/invoke': async (req) => {
        const body = await readJson(req, invokeBody);
        const payload = body.payload ?? {};
        const { project } = world.scenario;
        return body.moduleKey === ADMIN_MODULE
          ? world.runtime.invokeResolver(world.app.handler, {
              key: body.key,
              payload,
              accountId: body.accountId,
              moduleType: 'jira:adminPage',
            })
          : world.runtime.invokeResolver(world.app.handler, {
              key: body.key,
              payload,
              accountId: body.accountId,
              projectKey: project.key,
              projectId: project.id,
              ...(body.moduleKey ? { moduleKey: body.moduleKey } : {}),
            });
      },
      [`/sandbox/scheduled/${TRIGGER_KEY}`]: async (req) => {
        await readJson(req, empty);
        return { trigger: TRIGGER_KEY, result: await sandbox.runTrigger() };
      },
    }),
  );
  const get = new Map<string, Handler>(
    Object.entries({
      '/sandbox/state': async () => describeWorld(world, sandbox.repository),
      '/sandbox/project': async () => ({
        key: world.scenario.project.key,
        name: world.scenario.project.name,
        id: world.scenario.project.id,
      }),
      '/sandbox/users': async () =>
        world.scenario.users.map(({ accountId, displayName, email, role, jiraAdmin }) => ({
          accountId,
          displayName,
          email,
          role,
          jiraAdmin,
        })),
    }),
  );

  return async (req, res, path) => {
    const handler = (req.method === 'POST' ? post : req.method === 'GET' ? get : undefined)?.get(path);
    if (!handler) {
      const allowed = [post.has(path) ? 'POST' : null, get.has(path) ? 'GET' : null].filter((m) => m !== null);
      if (allowed.length > 0)
        throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${path} accepts ${allowed.join(', ')}.`, {
          allow: allowed.join(', '),
        });
      if (path.startsWith('/sandbox/scheduled/'))
        throw notFound(
          `No scheduled trigger '${path.slice('/sandbox/scheduled/'.length)}'; the app has '${TRIGGER_KEY}'.`,
        );
      throw notFound(`No control API route ${req.method ?? ''} ${path}.`);
    }
    if (req.method === 'POST') refuseForeignWrites(req);
    const body = await handler(req);
    if (req.method === 'POST') sandbox.touch();
    sendJson(res, 200, body);
  };
}

/**
 * Browsers send a cross-site POST with a "simple" content type (text/plain, form data) without
 * asking first, and say where it came from in `Origin` / `Sec-Fetch-Site`. JSON only, from our
 * own origin (or from a script or test, which sends neither header), closes that door.
 */
function refuseForeignWrites(req: IncomingMessage): void {
  const origin = req.headers.origin;
  const site = req.headers['sec-fetch-site'];
  const own = `http://${req.headers.host ?? ''}`;
  if ((origin !== undefined && origin !== own) || (site !== undefined && site !== 'same-origin' && site !== 'none')) {
    throw new HttpError(
      403,
      'FORBIDDEN_ORIGIN',
      'The sandbox control API answers only its own page and local scripts.',
    );
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json')
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as JSON, with content-type: application/json.');
}
