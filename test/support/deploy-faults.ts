/**
 * A fault at each deploy step, shared by the forward and rollback reliability tests: each case
 * names the service, the operation and the faults injected there.
 */
import type { Fault, FakeHttpService } from '../../sandbox/fakes/http-fake';
import type { World } from '../../sandbox/world/start-world';

export interface FaultCase {
  name: string;
  service: (w: World) => FakeHttpService;
  operation: string;
  faults: Fault[];
}

/**
 * Time passes for a dispatch that may or may not have started a run: the worker looks for the run
 * for a grace period before it dispatches again. Rewinding the recorded dispatch time stands in
 * for waiting out that grace period.
 */
export async function letDispatchGraceExpire(w: World, versionId: string): Promise<void> {
  const record = await w.store.releases.get(w.scenario.project.key, versionId);
  if (record?.pendingDispatch) {
    // The grace period (minutes) outlasts GitHub's listing delay (seconds): a run the dispatch did start is listed by then.
    await new Promise((resolve) => setTimeout(resolve, w.github.world.runListingDelayMs));
    await w.store.releases.put({
      ...record,
      pendingDispatch: { ...record.pendingDispatch, since: new Date(Date.now() - 3_600_000).toISOString() },
    });
  }
}

export const faultCases: FaultCase[] = [
  {
    name: 'Kosli 503 on the approval attestation',
    service: (w) => w.kosli.service,
    operation: 'POST /api/v2/attestations/{org}/{flow}/trail/{trail}/custom',
    faults: [{ kind: 'status', status: 503 }],
  },
  {
    name: 'Kosli 5xx after the attestation was stored',
    service: (w) => w.kosli.service,
    operation: 'POST /api/v2/attestations/{org}/{flow}/trail/{trail}/custom',
    faults: [{ kind: 'after', status: 502 }],
  },
  {
    name: 'Kosli 429 on the approval attestation',
    service: (w) => w.kosli.service,
    operation: 'POST /api/v2/attestations/{org}/{flow}/trail/{trail}/custom',
    faults: Array.from({ length: 5 }, () => ({ kind: 'status' as const, status: 429, retryAfterSeconds: 0 })),
  },
  {
    name: 'GitHub 5xx after the dispatch started a run',
    service: (w) => w.github.service,
    operation: 'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
    faults: [{ kind: 'after', status: 502 }],
  },
  {
    name: 'GitHub 503 before the dispatch',
    service: (w) => w.github.service,
    operation: 'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
    faults: [{ kind: 'status', status: 503 }],
  },
  {
    name: 'GitHub 503s following the run',
    service: (w) => w.github.service,
    operation: 'GET /repos/{owner}/{repo}/actions/runs/{run_id}',
    faults: Array.from({ length: 5 }, () => ({ kind: 'status' as const, status: 503 })),
  },
  {
    name: 'Kosli 503s reading prod for verification',
    service: (w) => w.kosli.service,
    operation: 'GET /api/v2/snapshots/{org}/{env}/{expression}',
    faults: Array.from({ length: 5 }, () => ({ kind: 'status' as const, status: 503 })),
  },
  {
    name: 'Jira 503s releasing the version',
    service: (w) => w.jira.service,
    operation: 'PUT /rest/api/3/version/{id}',
    faults: Array.from({ length: 5 }, () => ({ kind: 'status' as const, status: 503 })),
  },
  {
    name: 'Jira 429 linking the run',
    service: (w) => w.jira.service,
    operation: 'POST /rest/api/3/version/{id}/relatedwork',
    faults: Array.from({ length: 5 }, () => ({ kind: 'status' as const, status: 429, retryAfterSeconds: 0 })),
  },
];
