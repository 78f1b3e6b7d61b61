/**
 * Where the app keeps its state: one repository per concern over the KeyValueStore port. This is
 * the one key map (the README's architecture section shows the same table); each repository's
 * header repeats its own keys. No value grows with the number of keys, commits, decisions or audit
 * entries of a release.
 *
 *   key                                         written by            holds
 *   config:<project>                            settings              the project's configuration
 *   site:identity                               settings              the site, app and environment ids
 *   candidate:<project>                         slots                 the open candidate's version id
 *   rollback:<project>                          slots                 the open rollback's version id
 *   pending-version:<project>[:rollback]        slots                 a version being created, until its slot is set
 *   release:<project>:<version>                 releases              the record (only its lock holder writes it)
 *   summary:<project>:<inv-time>:<version>      releases              the record's summary, newest first
 *   keys:<version>:<hash12>:<bucket>            keys                  the candidate's Jira keys, in buckets
 *   fixed:<version>:<chunk>                     keys                  keys whose fix version is written
 *   commits:<version>:<app>:<chunk>             commits               the candidate's commits, 200 a value
 *   decision:<version>:<inv-time>:<id>          decisions             one key per decision, append-only, newest first
 *   latest-decision:<version>:<account>         decisions             each approver's latest decision (theirs alone writes it)
 *   audit:<version>:<inv-time>:<id>             audit                 the audit log, newest first
 *   content:<version>:<hash>                    snapshots             what each content hash held
 *   lock:deploy:<version>                       locks                 the release worker's lease
 *   lock:takeover:<version>:<owner>:<expiry>    locks                 one contender's claim on a lapsed lease
 *   jira-deployment:<version>:<role>            deploymentReports     the last Jira deployment report
 *   jira-deployment-seq:<project>:<role>        deploymentReports     the next deploymentSequenceNumber
 *   user:<account>                              users                 a display name and e-mail (ttl 24 h)
 *   secret:<project>:<name>  (secret store)     secrets               an admin-entered token
 *   secretmeta:<project>:<name>                 secrets               when and by whom it was set, never the value
 *   progress:<version>                          compositions          a background composition's progress
 *   staged:<version>:<run>:list:<app>[:<chunk>] compositions          an app's finished listing (checkpoint), 200 a value
 *   staged:<version>:<run>:lookup:<sha12>       compositions          one Kosli look-up (checkpoint)
 */
import { AuditLog } from './audit-log';
import { CandidateCommits } from './candidate-commits';
import { CandidateKeys } from './candidate-keys';
import { CompositionStore } from './composition-store';
import { ContentSnapshots } from './content-snapshots';
import { Decisions } from './decisions';
import { DeploymentReports } from './deployment-reports';
import type { KeyValueStore } from './key-value-store';
import { ProjectSettings } from './project-settings';
import { ReleaseLocks } from './release-locks';
import { ReleaseSlots } from './release-slots';
import { Releases } from './releases';
import { StoredSecrets } from './stored-secrets';
import { UserCache } from './user-cache';

export interface Store {
  settings: ProjectSettings;
  slots: ReleaseSlots;
  releases: Releases;
  keys: CandidateKeys;
  commits: CandidateCommits;
  decisions: Decisions;
  audit: AuditLog;
  snapshots: ContentSnapshots;
  locks: ReleaseLocks;
  deploymentReports: DeploymentReports;
  users: UserCache;
  secrets: StoredSecrets;
  /** Background compositions' progress and checkpoints. */
  compositions: CompositionStore;
}

/** Every repository over one store; `newId` makes the append-only keys (decisions, audit) unique. */
export function createStore(kv: KeyValueStore, newId: () => string): Store {
  return {
    settings: new ProjectSettings(kv),
    slots: new ReleaseSlots(kv),
    releases: new Releases(kv),
    keys: new CandidateKeys(kv),
    commits: new CandidateCommits(kv),
    decisions: new Decisions(kv, newId),
    audit: new AuditLog(kv, newId),
    snapshots: new ContentSnapshots(kv),
    locks: new ReleaseLocks(kv),
    deploymentReports: new DeploymentReports(kv),
    users: new UserCache(kv),
    secrets: new StoredSecrets(kv),
    compositions: new CompositionStore(kv),
  };
}
