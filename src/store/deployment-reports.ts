/**
 * What the app has reported to Jira's Deployments API, over the KeyValueStore port:
 *   jira-deployment:<version>:<role>     the last report of the release in that environment
 *   jira-deployment-seq:<project>:<role> the next deploymentSequenceNumber of the project's pipeline
 * A report is written before it is submitted, so a retry re-sends the same sequence numbers (Jira
 * replaces a deployment with the same key) instead of inventing a second deployment.
 */
import type { DeploymentState, ReportedRole } from '../release/jira-deployments';
import type { KeyValueStore } from './key-value-store';

export interface StoredDeploymentReport {
  role: ReportedRole;
  /** What was deployed and how it ended: `staging:<hash>` or `prod:<run>:<state>`. */
  identity: string;
  state: DeploymentState;
  sequenceBase: number;
  count: number;
  url: string;
  at: string;
  /** Set once Jira accepted it; a report left unsubmitted is sent again by the next report call. */
  submittedAt: string | null;
  rejected: string[];
}

export class DeploymentReports {
  constructor(private readonly kv: KeyValueStore) {}

  get(versionId: string, role: ReportedRole): Promise<StoredDeploymentReport | undefined> {
    return this.kv.get<StoredDeploymentReport>(`jira-deployment:${versionId}:${role}`);
  }

  async put(versionId: string, report: StoredDeploymentReport): Promise<void> {
    await this.kv.set(`jira-deployment:${versionId}:${report.role}`, report);
  }

  /**
   * Reserves `count` consecutive sequence numbers. Callers hold the release's lock, and a project
   * has one open release, so two reservations of one project do not interleave.
   */
  async reserve(projectKey: string, role: ReportedRole, count: number): Promise<number> {
    const key = `jira-deployment-seq:${projectKey}:${role}`;
    const next = (await this.kv.get<{ next: number }>(key))?.next ?? 1;
    await this.kv.set(key, { next: next + count });
    return next;
  }
}
