/**
 * A typed client of the control API (control-api.ts), for the demo and the tests: every answer is
 * checked with zod. `invoke` takes the schema of the part of the resolver's data the caller reads.
 */
import { z } from 'zod';
import type { ResolverKey } from '../../src/contract';
import { runStateSchema, sandboxStateSchema, snapshotsSchema, type SandboxState } from './world-state';

export class ControlApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ControlApiError';
  }
}

const errorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
const commitReply = z.object({ sha: z.string(), app: z.string(), fingerprint: z.string(), keys: z.array(z.string()) });
const approversReply = z.object({
  versionId: z.string(),
  approvers: z.array(z.object({ accountId: z.string(), status: z.string(), declineReason: z.string().optional() })),
});
const usersReply = z.array(
  z.object({
    accountId: z.string(),
    displayName: z.string(),
    email: z.string(),
    role: z.string(),
    jiraAdmin: z.boolean(),
  }),
);

const resultEnvelope = z.union([
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({ ok: z.literal(false), error: z.object({ code: z.string(), message: z.string() }) }),
]);

export type InvokeOutcome<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

export class SandboxClient {
  constructor(readonly baseUrl: string) {}

  /** A raw call: the status and the parsed JSON body. */
  async request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const response = await fetch(new URL(path, this.baseUrl), {
      method,
      // The control API takes writes only as JSON (a browser sends other types cross-site unasked).
      ...(method === 'POST'
        ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) }
        : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  }

  private async call<S extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    schema: S,
    body?: unknown,
  ): Promise<z.output<S>> {
    const reply = await this.request(method, path, body);
    if (reply.status !== 200) {
      const error = errorBody.safeParse(reply.body);
      throw new ControlApiError(
        reply.status,
        error.success ? error.data.error.code : 'HTTP',
        error.success ? error.data.error.message : `${method} ${path} answered ${reply.status}`,
      );
    }
    return schema.parse(reply.body);
  }

  commit(app: string, message: string, author?: string) {
    return this.call('POST', '/sandbox/commits', commitReply, {
      app,
      message,
      ...(author === undefined ? {} : { author }),
    });
  }

  report() {
    return this.call('POST', '/sandbox/report', z.object({ environments: snapshotsSchema }));
  }

  settle() {
    return this.call('POST', '/sandbox/workflows/settle', z.object({ runs: z.array(runStateSchema) }));
  }

  setJiraApprover(
    versionId: string,
    accountId: string,
    status: 'PENDING' | 'APPROVED' | 'DECLINED',
    declineReason?: string,
  ) {
    return this.call('POST', '/sandbox/jira/approvers', approversReply, {
      versionId,
      accountId,
      status,
      ...(declineReason === undefined ? {} : { declineReason }),
    });
  }

  /** Calls a resolver as the user and returns its Result, its data checked against `data`. */
  async invoke<S extends z.ZodType>(
    accountId: string,
    key: ResolverKey,
    payload: unknown,
    data: S,
    moduleKey?: string,
  ): Promise<InvokeOutcome<z.output<S>>> {
    const outcome = await this.call('POST', '/sandbox/invoke', resultEnvelope, {
      accountId,
      key,
      payload,
      ...(moduleKey === undefined ? {} : { moduleKey }),
    });
    return outcome.ok ? { ok: true, data: data.parse(outcome.data) } : outcome;
  }

  /** Like invoke, but a failed Result throws with the resolver's code and message. */
  async invokeOk<S extends z.ZodType>(
    accountId: string,
    key: ResolverKey,
    payload: unknown,
    data: S,
  ): Promise<z.output<S>> {
    const outcome = await this.invoke(accountId, key, payload, data);
    if (!outcome.ok)
      throw new ControlApiError(200, outcome.error.code, `${key} as ${accountId}: ${outcome.error.message}`);
    return outcome.data;
  }

  runScheduledCheck() {
    return this.call(
      'POST',
      '/sandbox/scheduled/release-gate-check',
      z.object({ trigger: z.string(), result: z.unknown() }),
    );
  }

  /**
   * Resolves once Kosli's latest report of the environment shows these builds running, with the
   * milliseconds waited: environments report periodically, so a change shows in Kosli a while later.
   */
  async reported(
    environment: string,
    builds: readonly { name: string; fingerprint: string }[],
    timeoutMs = 120_000,
  ): Promise<number> {
    const since = Date.now();
    for (;;) {
      const running = (await this.state()).kosli.snapshots[environment]?.artifacts ?? [];
      if (builds.every((b) => running.some((a) => a.name === b.name && a.fingerprint === b.fingerprint)))
        return Date.now() - since;
      if (Date.now() - since > timeoutMs) {
        throw new Error(
          `Kosli's ${environment} report does not show ${builds.map((b) => `${b.name}@${b.fingerprint.slice(0, 12)}`).join(', ')} after ${timeoutMs / 1000} s`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /**
   * A developer's promotion as a person makes it: once Kosli's dev report shows the builds, promote
   * them, let the run finish, and wait until Kosli's staging report shows them too.
   */
  async promoteReported(accountId: string, builds: readonly { name: string; fingerprint: string }[]): Promise<void> {
    await this.reported('dev', builds);
    await this.invokeOk(accountId, 'staging/promote', {}, z.object({ runId: z.number() }));
    await this.settle();
    await this.reported('staging', builds);
  }

  state(): Promise<SandboxState> {
    return this.call('GET', '/sandbox/state', sandboxStateSchema);
  }

  users() {
    return this.call('GET', '/sandbox/users', usersReply);
  }
}
