import { growHistory, startPlannedWorld } from '../history';
import { developer, ok, productOwners } from '../people';
const plan = { apps: 2, commitsPerApp: 20, commitsPerIssue: 2 };
const world = await startPlannedWorld(plan);
growHistory(world, plan);
const created = ok(await world.invoke(developer(world), 'candidate/refresh', {}));
const [viewer, other] = productOwners(world);
ok(await world.invoke(other!, 'release/decide', { versionId: created.versionId, decision: 'approved', contentHash: created.contentHash }));
for (let i = 0; i < 3; i++) ok(await world.invoke(viewer!, 'release/get', { versionId: created.versionId }));
for (const s of [world.jira.service, world.kosli.service, world.github.service]) s.setLatency('*', 100);
world.runtime.storage.latencyMs = 10;
let t0 = 0; const events: string[] = [];
for (const s of [world.jira.service, world.kosli.service, world.github.service]) {
  const orig = s.handle.bind(s);
  s.handle = async (req, res) => { const a = performance.now() - t0; await orig(req, res); events.push(`${a.toFixed(0).padStart(5)}→${(performance.now() - t0).toFixed(0).padStart(5)} ${s.system} ${req.method} ${req.url?.slice(0, 90)}`); };
}
const st = world.runtime.storage; const oh = st.handle.bind(st);
st.handle = async (path: string, body: unknown) => { const a = performance.now() - t0; const r = await oh(path, body); events.push(`${a.toFixed(0).padStart(5)}→${(performance.now() - t0).toFixed(0).padStart(5)} kvs ${path} ${JSON.stringify(body).slice(0, 80)}`); return r; };
for (let i = 0; i < 3; i++) {
  events.length = 0; t0 = performance.now();
  ok(await world.invoke(viewer!, 'release/get', { versionId: created.versionId }));
  console.log('total', (performance.now() - t0).toFixed(0)); if (i === 2) console.log(events.sort().join('\n'));
}
await world.stop();
