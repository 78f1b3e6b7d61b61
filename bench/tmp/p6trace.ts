import { growHistory, startPlannedWorld } from '../history';
import { developer, ok, productOwners } from '../people';
const plan = { apps: 2, commitsPerApp: 10, commitsPerIssue: 5 };
const world = await startPlannedWorld(plan);
world.github.world.settleAfterMs = 0;
growHistory(world, plan);
const created = ok(await world.invoke(developer(world), 'candidate/refresh', {}));
const [a, b] = productOwners(world);
const decide = (who: string) => world.invoke(who, 'release/decide', { versionId: created.versionId, decision: 'approved', contentHash: created.contentHash });
ok(await decide(a!));
world.resetCalls();
const events: string[] = []; let t0 = performance.now();
for (const s of [world.jira.service, world.kosli.service, world.github.service]) {
  const orig = s.handle.bind(s);
  s.handle = async (req, res) => { const st = performance.now() - t0; await orig(req, res); events.push(`${st.toFixed(0).padStart(5)} ${s.system} ${req.method} ${req.url?.slice(0, 100)}`); };
}
t0 = performance.now();
ok(await decide(b!)); events.push(`${(performance.now()-t0).toFixed(0).padStart(5)} ---- decide returned`);
await world.drain(); events.push(`${(performance.now()-t0).toFixed(0).padStart(5)} ---- drained`);
console.log(events.sort().join('\n'));
const view = ok(await world.invoke(a!, 'release/get', { versionId: created.versionId }));
console.log(view.audit.map((e) => `${e.at} ${e.action}`).join('\n'));
await world.stop();
