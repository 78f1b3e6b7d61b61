/**
 * The resolver pipeline every call goes through: read the Forge context (the caller's account id
 * comes from here, never from the payload), validate the payload, run, and wrap the outcome in the
 * shared Result envelope. Errors become `{ ok: false, error }` with a sentence for the user; nothing
 * thrown escapes, and no message carries a token. Every call leaves one log line: the key, the
 * caller's role, the outcome, the error code and how long it took (never the payload).
 */
import { z } from 'zod';
import type { ResolverKey, Result, ResultOf } from '../contract';
import { AppError, redact, toAppError, withoutSecrets } from '../errors';
import type { JiraClient } from '../jira/types';
import type { Deps } from '../services/deps';
import { linksFor, parseLocalId, type SiteIdentity } from '../services/links';
import { mapStrings } from '../release/display-text';
import type { ResolverDefinition } from './define';
import { projectKey as projectKeySchema } from './schemas';

const forgeContext = z.object({
  accountId: z.string().min(1).optional(),
  siteUrl: z.string().optional(),
  localId: z.string().optional(),
  moduleKey: z.string().optional(),
  extension: z
    .object({
      type: z.string().optional(),
      project: z
        .object({
          id: z.union([z.string(), z.number()]).transform(String),
          key: z.string(),
          type: z.string().optional(),
        })
        .optional(),
    })
    .optional(),
});

export interface CallEnvironment {
  deps: Deps;
  /** Jira as the calling user (Forge asUser); permission checks use it. */
  jiraAsUser: () => JiraClient;
  /** Token values to strip from any message, as a last line of defence. */
  secretValues: (projectKey: string | undefined) => Promise<string[]>;
}

/** Longest piece of caller input repeated in an error: an unknown 1 MB key is named, not echoed. */
const MAX_ECHO = 60;
/** Forge stops a resolver after 25 s (limits-invocation); deadlines inside count from the call's start. */
const RESOLVER_LIMIT_SECONDS = 25;

function clip(text: string): string {
  return text.length > MAX_ECHO ? `${text.slice(0, MAX_ECHO)}…` : text;
}

export async function handleCall<K extends ResolverKey>(
  env: CallEnvironment,
  definition: ResolverDefinition<K>,
  request: { payload: unknown; context: unknown },
): Promise<Result<ResultOf<K>>> {
  const started = Date.now();
  const result = await callResolver(env, definition, request);
  env.deps.log.log(result.ok ? 'info' : 'warn', 'resolver.call', {
    key: definition.key,
    role: definition.role ?? (definition.project === 'payload' ? 'admin' : 'viewer'),
    outcome: result.ok ? 'ok' : 'error',
    code: result.ok ? null : result.error.code,
    durationMs: Date.now() - started,
  });
  return result;
}

async function callResolver<K extends ResolverKey>(
  env: CallEnvironment,
  definition: ResolverDefinition<K>,
  request: { payload: unknown; context: unknown },
): Promise<Result<ResultOf<K>>> {
  const startedAt = env.deps.clock.now();
  let projectKey: string | undefined;
  try {
    const context = forgeContext.safeParse(request.context);
    if (!context.success || !context.data.accountId) {
      throw new AppError('FORBIDDEN', 'This action needs a signed-in Jira user.');
    }
    const parsed = definition.payload.safeParse(request.payload ?? {});
    if (!parsed.success) {
      const fields: Record<string, string> = {};
      for (const issue of parsed.error.issues.slice(0, 20)) {
        // zod names unknown keys in its message; a key is caller input, so both are clipped.
        const message =
          issue.code === 'unrecognized_keys'
            ? `unknown field(s): ${issue.keys.slice(0, 5).map(clip).join(', ')}`
            : clip(issue.message);
        fields[clip(issue.path.map(String).join('.')) || '(payload)'] ??= message;
      }
      throw new AppError(
        'INVALID_INPUT',
        `Invalid request: ${Object.entries(fields)
          .map(([k, v]) => `${k}: ${v}`)
          .join('; ')}`,
        { details: { fields } },
      );
    }
    const payload = parsed.data;
    const site = await siteIdentity(env.deps, context.data);
    let projectId = '';
    if (definition.project === 'context') {
      const project = context.data.extension?.project;
      if (!project) throw new AppError('INVALID_INPUT', 'Open this page from a Jira project.');
      projectKey = project.key;
      projectId = project.id;
    } else if (definition.project === 'payload') {
      const fromPayload = projectKeySchema.safeParse(
        typeof payload === 'object' && payload !== null && 'projectKey' in payload ? payload.projectKey : undefined,
      );
      if (!fromPayload.success) throw new AppError('INVALID_INPUT', 'Choose a Jira project (its key, e.g. OPS).');
      projectKey = fromPayload.data;
    }
    if (projectKey === undefined && definition.project !== 'site')
      throw new AppError('INVALID_INPUT', 'Choose a Jira project.');
    const data = await definition.run(
      env.deps,
      {
        projectKey: projectKey ?? '',
        projectId,
        actor: context.data.accountId,
        jiraAsUser: env.jiraAsUser(),
        links: linksFor(site),
        invocation: { startedAt, limitSeconds: RESOLVER_LIMIT_SECONDS },
      },
      payload,
    );
    // A last line of defence for stored text that quoted an upstream message: no token this call
    // came to know leaves in its answer (knowing them costs nothing more than the call did).
    return { ok: true, data: mapStrings(data, (text) => withoutSecrets(text, env.deps.log.secrets())) };
  } catch (thrown) {
    const error = toAppError(thrown);
    const secrets = [...(await env.secretValues(projectKey).catch(() => [])), ...env.deps.log.secrets()];
    return {
      ok: false,
      error: {
        code: error.code,
        message: redact(error.message, secrets),
        ...(error.details ? { details: mapStrings(error.details, (text) => redact(text, secrets)) } : {}),
      },
    };
  }
}

/** The identity this instance last stored, so a warm instance writes it once, not per call. */
let storedIdentity: string | undefined;

/**
 * The site and app identity of this call, remembered for jobs (which have no context). A resolver's
 * context carries it, so the hot path costs no storage read.
 */
async function siteIdentity(deps: Deps, context: z.output<typeof forgeContext>): Promise<SiteIdentity> {
  const ids = parseLocalId(context.localId);
  const fromContext = context.siteUrl !== undefined && ids !== null;
  const stored = fromContext ? undefined : await deps.store.settings.site<SiteIdentity>();
  const site: SiteIdentity = {
    siteUrl: context.siteUrl ?? stored?.siteUrl ?? '',
    appId: ids?.appId ?? stored?.appId ?? 'app',
    environmentId: ids?.environmentId ?? stored?.environmentId ?? 'env',
    projectType: context.extension?.project?.type ?? stored?.projectType ?? 'software',
  };
  const key = JSON.stringify(site);
  if (context.siteUrl !== undefined && storedIdentity !== key) {
    await deps.store.settings.saveSite(site);
    storedIdentity = key;
  }
  return site;
}
