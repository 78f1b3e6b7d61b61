/**
 * The tokens an admin entered for a project, and beside each what the settings page may show:
 *   secret:<project>:<name>       the token (the KVS secret store: encrypted, never in a query)
 *   secretmeta:<project>:<name>   { set, source, updatedAt, updatedBy }, never the value
 * Which token applies (entered or the Forge variable) is services/secrets.ts's rule.
 */
import type { SecretName } from '../contract';
import type { KeyValueStore } from './key-value-store';

export interface SecretMeta {
  set: true;
  source: 'settings';
  updatedAt: string;
  updatedBy: string;
}

const secretKey = (projectKey: string, name: SecretName): string => `secret:${projectKey}:${name}`;
const metaKey = (projectKey: string, name: SecretName): string => `secretmeta:${projectKey}:${name}`;

export class StoredSecrets {
  constructor(private readonly kv: KeyValueStore) {}

  value(projectKey: string, name: SecretName): Promise<string | undefined> {
    return this.kv.getSecret(secretKey(projectKey, name));
  }

  meta(projectKey: string, name: SecretName): Promise<SecretMeta | undefined> {
    return this.kv.get<SecretMeta>(metaKey(projectKey, name));
  }

  /** The token first, then its metadata: a write cut short leaves the secret, the truth, in place. */
  async put(projectKey: string, name: SecretName, value: string, meta: SecretMeta): Promise<void> {
    await this.kv.setSecret(secretKey(projectKey, name), value);
    await this.kv.set(metaKey(projectKey, name), meta);
  }

  async delete(projectKey: string, name: SecretName): Promise<void> {
    await this.kv.deleteSecret(secretKey(projectKey, name));
    await this.kv.delete(metaKey(projectKey, name));
  }
}
