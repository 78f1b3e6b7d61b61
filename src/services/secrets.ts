/**
 * The Kosli and GitHub tokens of a project. An admin-entered token (stored with `kvs.setSecret`,
 * encrypted, never readable from the UI) wins over the app-wide Forge encrypted variable, so one
 * installation can serve projects in different Kosli orgs. The entered tokens and their metadata (when,
 * by whom: the settings page says "set" / "not set" without reading the value) are stored by
 * src/store/stored-secrets.ts.
 */
import type { SecretStatus } from '../contract';
import { AppError } from '../errors';
import type { StoredSecrets } from '../store/stored-secrets';
import type { SecretName, SecretSource } from './deps';

/** The Forge encrypted variable that holds each token app-wide. */
export const SECRET_VARIABLES: Readonly<Record<SecretName, string>> = {
  kosliToken: 'KOSLI_API_TOKEN',
  githubToken: 'GITHUB_TOKEN',
};

/** The human name of each token, for messages. */
export const SECRET_LABELS: Readonly<Record<SecretName, string>> = {
  kosliToken: 'Kosli API token',
  githubToken: 'GitHub token',
};

export const MAX_SECRET_LENGTH = 4096;
/**
 * Kosli and GitHub tokens are dozens of characters. A shorter value is a typo or a placeholder, and
 * a value that short could not be hidden in logs and messages without mangling ordinary text.
 */
export const MIN_SECRET_LENGTH = 16;

/** Reading, status and (for the settings page) writing of the project's tokens. */
export interface SecretStore extends SecretSource {
  status(projectKey: string, name: SecretName): Promise<SecretStatus>;
  /** Stores an admin-entered token; it wins over the Forge variable from now on. */
  set(projectKey: string, name: SecretName, value: string, by: { at: string; accountId: string }): Promise<void>;
  /** Forgets the admin-entered token; the Forge variable, when set, applies again. */
  clear(projectKey: string, name: SecretName): Promise<void>;
}

export function createSecretSource(
  stored: StoredSecrets,
  readVariable: (name: string) => string | undefined,
): SecretStore {
  const variable = (name: SecretName) => {
    const value = readVariable(SECRET_VARIABLES[name])?.trim();
    return value ? value : undefined;
  };
  return {
    async get(projectKey, name) {
      return (await stored.value(projectKey, name)) ?? variable(name);
    },

    async status(projectKey, name) {
      // The secret itself is the truth (the metadata may lag behind a write cut short); its value
      // is only tested for presence and goes no further.
      const [entered, meta] = await Promise.all([stored.value(projectKey, name), stored.meta(projectKey, name)]);
      if (entered) return { set: true, source: 'settings', updatedAt: meta?.updatedAt ?? null };
      if (variable(name)) return { set: true, source: 'forge-variable', updatedAt: null };
      return { set: false, source: null, updatedAt: null };
    },

    async set(projectKey, name, value, by) {
      checkSecretValue(name, value);
      await stored.put(projectKey, name, value, {
        set: true,
        source: 'settings',
        updatedAt: by.at,
        updatedBy: by.accountId,
      });
    },

    async clear(projectKey, name) {
      await stored.delete(projectKey, name);
    },
  };
}

/**
 * Why a token value cannot be stored, or null. The message never repeats the value. Whitespace is
 * refused rather than trimmed: a pasted token with a stray newline is better fixed by the admin
 * than guessed at.
 */
export function secretValueProblem(value: string): string | null {
  if (value.length === 0) return 'enter the token (it is empty)';
  if (value.length > MAX_SECRET_LENGTH) return `a token is at most ${MAX_SECRET_LENGTH} characters`;
  if (/\s/.test(value)) return 'a token contains no spaces or line breaks';
  if (value.length < MIN_SECRET_LENGTH)
    return `a token is at least ${MIN_SECRET_LENGTH} characters (this is shorter: check that it was copied whole)`;
  return null;
}

/** Throws INVALID_INPUT (without the value) when a token value cannot be stored. */
export function checkSecretValue(name: SecretName, value: string): void {
  const problem = secretValueProblem(value);
  if (problem)
    throw new AppError('INVALID_INPUT', `${SECRET_LABELS[name]}: ${problem}`, {
      details: { fields: { value: problem } },
    });
}

/**
 * The settings page writes tokens; `Deps.secrets` is typed as the read-only `SecretSource`, so this
 * finds the full store behind it (production and tests both build it with `createSecretSource`).
 */
export function secretStore(source: SecretSource): SecretStore {
  if (isSecretStore(source)) return source;
  throw new AppError('INTERNAL', 'This installation cannot store tokens entered in the settings.');
}

function isSecretStore(source: SecretSource): source is SecretStore {
  return 'status' in source && 'set' in source && 'clear' in source;
}
