/**
 * Ship or not, in one line: the decision panel's verdict and the checks behind it, computed from the
 * release view alone so that the page, the card and the tests judge alike.
 */
import type { ReleaseView } from '../../../../../src/contract';
import type { ShownReleaseState } from '../../components/lozenge';
import { plural } from '../../format';

export type Tone = 'ready' | 'waiting' | 'blocked' | 'progress' | 'failed' | 'done';

export interface Verdict {
  tone: Tone;
  title: string;
  detail: string | null;
}

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'info';

export interface Check {
  id: 'compliance' | 'reviews' | 'issues' | 'untracked' | 'staging' | 'approvals';
  label: string;
  status: CheckStatus;
  text: string;
}

/** What the page and the card show as the release's state: a valid decline is a state of its own. */
export function displayState(state: ReleaseView['state'], declined: boolean): ShownReleaseState {
  return state === 'open' && declined ? 'declined' : state;
}

export function names(list: readonly string[]): string {
  if (list.length <= 1) return list.join('');
  return `${list.slice(0, -1).join(', ')} and ${list[list.length - 1] ?? ''}`;
}

/** Apps whose staging no longer runs what the candidate holds. */
export function driftedApps(release: ReleaseView): string[] {
  return release.environments.filter((row) => row.stagingDiffersFromCandidate).map((row) => row.app);
}

const FAILED_DOING: Record<NonNullable<ReleaseView['deploy']['failure']>['step'], string> = {
  attest: 'recording the approval in Kosli',
  dispatch: 'starting the prod deploy',
  follow: 'running the prod deploy',
  verify: 'checking what runs in prod',
  release: 'releasing the Jira version',
};

export function failedDoing(step: keyof typeof FAILED_DOING): string {
  return FAILED_DOING[step];
}

const DEPLOY_STEP: Record<string, string> = {
  approved: 'recording the approval in Kosli',
  attested: 'starting the prod deploy',
  dispatched: 'the prod deploy is running',
  deployed: 'checking that prod runs the approved artifacts',
  verified: 'releasing the Jira version',
};

export function deployStepLabel(step: string): string {
  return DEPLOY_STEP[step] ?? step;
}

export function verdictOf(release: ReleaseView): Verdict {
  const { approvals, deploy } = release;
  const { progress } = approvals;
  if (release.state === 'released') {
    return {
      tone: 'done',
      title: 'Released to prod',
      detail: release.releaseDate ? `Prod runs this release since ${release.releaseDate}.` : null,
    };
  }
  if (deploy.failure) {
    return {
      tone: 'failed',
      title: `Not shipped: the deploy failed while ${failedDoing(deploy.failure.step)}`,
      detail: deploy.failure.reason,
    };
  }
  if (release.state === 'approved' || release.state === 'deploying') {
    return { tone: 'progress', title: 'Shipping to prod', detail: `Approved; now ${deployStepLabel(deploy.step)}.` };
  }
  const declined = progress.declinedBy[0];
  if (declined) {
    return {
      tone: 'blocked',
      title: `Blocked: declined by ${names(progress.declinedBy.map((d) => d.displayName))}`,
      detail: `${declined.reason ? `“${declined.reason}” ` : ''}It ships once the cause is fixed and a new candidate is approved, or once ${declined.displayName} approves this one.`,
    };
  }
  const drifted = driftedApps(release);
  if (drifted.length > 0) {
    return {
      tone: 'blocked',
      title: 'Blocked: staging no longer runs this candidate',
      detail: `Staging now runs something else for ${names(drifted)}. A developer refreshes the candidate; then it needs approving again.`,
    };
  }
  if (release.artifacts.length === 0) {
    return { tone: 'blocked', title: 'Nothing to ship', detail: 'Staging runs what prod runs.' };
  }
  if (approvals.satisfied) {
    return { tone: 'ready', title: 'Ready to ship: approved', detail: 'The deploy to prod starts within moments.' };
  }
  if (progress.waitingFor.length > 0) {
    const others = progress.waitingFor.filter((name) => !(progress.myTurn && name === meName(release)));
    const who = progress.myTurn ? (others.length > 0 ? `you and ${names(others)}` : 'you') : names(progress.waitingFor);
    return {
      tone: 'waiting',
      title: `Waiting for ${who}`,
      detail: `${progress.approved} of ${progress.needed} approvals given.${progress.myTurn ? ' Your decision is needed.' : ''}`,
    };
  }
  return {
    tone: 'blocked',
    title: 'Blocked: the approval policy cannot be met',
    detail: approvals.outstanding.join(' ') || null,
  };
}

function meName(release: ReleaseView): string | null {
  return release.approvals.approvers.find((a) => a.accountId === release.approvals.me.accountId)?.displayName ?? null;
}

export function checksOf(release: ReleaseView): Check[] {
  const { artifacts, issues, approvals } = release;
  const nonCompliant = artifacts.filter((a) => a.compliance !== 'COMPLIANT');
  const shown = artifacts.reduce((n, a) => n + a.commits.length, 0);
  const reviewed = artifacts.reduce((n, a) => n + a.reviewedCommits, 0);
  const notDone = issues.filter((i) => i.statusCategory !== 'done');
  const drifted = driftedApps(release);
  const { progress } = approvals;
  return [
    {
      id: 'compliance',
      label: 'Kosli compliance',
      status: nonCompliant.length === 0 ? 'ok' : 'fail',
      text:
        nonCompliant.length === 0
          ? `${artifacts.length === 1 ? 'The artifact is' : `All ${artifacts.length} artifacts are`} compliant in Kosli.`
          : nonCompliant
              .map(
                (a) =>
                  `${a.app}: ${a.compliance.toLowerCase()}${a.failing.length > 0 ? ` (${a.failing.join(', ')})` : ''}`,
              )
              .join('; '),
    },
    {
      id: 'reviews',
      label: 'Pull request reviews',
      status: reviewed === shown ? 'ok' : 'warn',
      text: `${reviewed} of ${plural(shown, 'commit')} reviewed by someone other than the author.`,
    },
    {
      id: 'issues',
      label: 'Jira issues',
      status: notDone.length === 0 ? 'ok' : 'warn',
      text:
        issues.length === 0
          ? 'No Jira issue in this release.'
          : `${issues.length - notDone.length} of ${plural(issues.length, 'issue')} done${notDone.length > 0 ? `; not done: ${notDone.map((i) => `${i.key} (${i.status})`).join(', ')}` : ''}.`,
    },
    {
      id: 'untracked',
      label: 'Untracked commits',
      status: release.untracked.length === 0 ? 'ok' : 'warn',
      text:
        release.untracked.length === 0
          ? 'Every commit references a Jira issue.'
          : `${plural(release.untracked.length, 'commit')} without a Jira key: ${release.untracked.map((c) => `“${c.title}”`).join(', ')}.`,
    },
    {
      id: 'staging',
      label: 'Staging',
      status: drifted.length === 0 ? 'ok' : 'fail',
      text:
        drifted.length === 0
          ? 'Staging still runs this candidate.'
          : `Staging now runs something else for ${names(drifted)}.`,
    },
    {
      id: 'approvals',
      label: 'Approvals',
      status: progress.declinedBy.length > 0 ? 'fail' : approvals.satisfied ? 'ok' : 'info',
      text:
        progress.declinedBy.length > 0
          ? `Declined by ${names(progress.declinedBy.map((d) => d.displayName))}.`
          : `${progress.approved} of ${progress.needed} approved${progress.waitingFor.length > 0 && !approvals.satisfied ? ` — waiting for ${names(progress.waitingFor)}` : ''}.${progress.myTurn ? ' Your decision is needed.' : ''}`,
    },
  ];
}
