/**
 * What an admin configured, and which site the app runs on:
 *   config:<project>   the project's settings (StoredConfig)
 *   site:identity      the site, app and environment ids, saved from the first resolver call
 */
import type { KeyValueStore } from './key-value-store';
import type { StoredConfig } from './records';

export class ProjectSettings {
  constructor(private readonly kv: KeyValueStore) {}

  config(projectKey: string): Promise<StoredConfig | undefined> {
    return this.kv.get<StoredConfig>(`config:${projectKey}`);
  }

  async saveConfig(projectKey: string, value: StoredConfig): Promise<void> {
    await this.kv.set(`config:${projectKey}`, value);
  }

  site<T>(): Promise<T | undefined> {
    return this.kv.get<T>('site:identity');
  }

  async saveSite<T>(site: T): Promise<void> {
    await this.kv.set('site:identity', site);
  }
}
