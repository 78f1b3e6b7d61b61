/**
 * `npm run demo -- --rollback`: after the original demo's release, a second release through the
 * gate, then prod is rolled back to the first release through the gate again (a rollback
 * candidate, both approvals, the same deploy workflow), and the prod tags end on the first
 * release's commits. Through the sandbox control API only, like the original demo.
 */
import { execFileSync } from 'node:child_process';
import { z } from 'zod';
import { demoTools, type DemoOutcome, type DemoReporter } from './demo-script';
import type { SandboxClient } from './server/control-client';

const refreshed = z.object({
  versionId: z.string(),
  name: z.string(),
  created: z.boolean(),
  contentHash: z.string(),
  addedKeys: z.array(z.string()),
});
const short = (sha: string) => sha.slice(0, 7);

export interface RollbackOutcome {
  secondVersionId: string;
  rollbackVersionId: string;
  rollbackName: string;
  /** `git rev-parse running-prod-<app>` after the rollback. */
  prodTags: Record<string, string>;
}

export async function runRollbackDemo(
  client: SandboxClient,
  reporter: DemoReporter,
  first: DemoOutcome,
): Promise<RollbackOutcome> {
  const {
    step,
    check,
    invokeOk,
    commitApps,
    getRelease,
    promoteAndSettle,
    deployOnSchedule,
    developer,
    owner1,
    owner2,
  } = await demoTools(client, reporter, 6);

  const second = await step('A second release: change both apps, promote, create the candidate', async () => {
    await commitApps([
      ['backend', 'OPS-13 Rank search results by delivery estimate'],
      ['frontend', 'OPS-13 Show the delivery estimate in checkout'],
    ]);
    await promoteAndSettle();
    const created = await invokeOk(developer.accountId, 'candidate/refresh', {}, refreshed);
    reporter.detail(`Jira version ${created.name} (${created.versionId}) with ${created.addedKeys.join(', ')}`);
    return created;
  });

  await step(`Approve ${second.name} and deploy it`, async () => {
    for (const owner of [owner1, owner2])
      await invokeOk(
        owner.accountId,
        'release/decide',
        { versionId: second.versionId, decision: 'approved', contentHash: second.contentHash },
        z.unknown(),
      );
    await deployOnSchedule(second.versionId);
  });

  const rollback = await step(`Roll prod back to ${first.versionName}`, async () => {
    const opened = await invokeOk(
      developer.accountId,
      'release/rollback',
      { versionId: first.versionId, reason: 'Checkout shows wrong delivery estimates since the second release' },
      refreshed,
    );
    const view = await getRelease(owner1.accountId, opened.versionId);
    reporter.detail(
      `${developer.displayName} opens rollback ${opened.name}: ${view.artifacts.map((a) => `${a.app} → ${short(a.commit)}`).join(', ')}`,
    );
    reporter.detail(`policy: ${view.approvals.outstanding.join(' ')}`);
    return opened;
  });

  await step('Approve the rollback and deploy it', async () => {
    for (const owner of [owner1, owner2])
      await invokeOk(
        owner.accountId,
        'release/decide',
        {
          versionId: rollback.versionId,
          decision: 'approved',
          reason: 'Agreed: roll back',
          contentHash: rollback.contentHash,
        },
        z.unknown(),
      );
    await deployOnSchedule(rollback.versionId);
  });

  const prodTags = await step(`Prod tags on ${first.versionName}'s commits again (git rev-parse)`, async () => {
    const { git } = await client.state();
    const tags: Record<string, string> = {};
    for (const [app, commit] of Object.entries(first.prodTags)) {
      const tag = `running-prod-${app}`;
      const sha = execFileSync('git', ['-C', git.directory, 'rev-parse', tag], { encoding: 'utf8' }).trim();
      tags[app] = sha;
      check(sha === commit, `${tag} is ${short(sha)}, the first release had ${short(commit)}`);
      reporter.detail(`git rev-parse ${tag} → ${short(sha)} = ${first.versionName}'s ${app}@${short(commit)}`);
    }
    return tags;
  });

  await step(`Jira shows ${second.name} rolled back (Deployments API)`, async () => {
    const state = await client.state();
    for (const versionId of [first.versionId, second.versionId]) {
      const version = state.jira.versions.find((v) => v.id === versionId);
      check(version !== undefined, `Jira version ${versionId} is missing`);
    }
    const rolledBack = state.jira.deployments
      .filter((d) => d.label === second.name && d.environmentType === 'production')
      .map((d) => d.state);
    check(
      rolledBack.includes('rolled_back'),
      `Jira's deployments of ${second.name} say ${rolledBack.join(', ') || 'nothing'}`,
    );
    reporter.detail(`${second.name} production: rolled_back in Jira's Deployments; ${rollback.name} released`);
  });

  return {
    secondVersionId: second.versionId,
    rollbackVersionId: rollback.versionId,
    rollbackName: rollback.name,
    prodTags,
  };
}
