import { startWorld } from '../../sandbox/world/start-world';
const world = await startWorld();
const base = (world.runtime as unknown as { options?: { jiraBaseUrl: string } });
void base;
const url = await (async () => { const s = world.jira.service as unknown as { server: { address(): { port: number } } }; return `http://127.0.0.1:${s.server.address().port}`; })();
for (const [method, path, body] of [['GET', '/rest/api/3/user?accountId=po0001', undefined], ['PUT', '/rest/api/3/issue/OPS-11', JSON.stringify({ update: { fixVersions: [] } })]] as const) {
  const t = performance.now();
  for (let i = 0; i < 50; i++) { const r = await fetch(url + path, { method, body, headers: { 'content-type': 'application/json', authorization: 'Basic x' } }); await r.arrayBuffer(); }
  console.log(method, ((performance.now() - t) / 50).toFixed(2), 'ms/call direct');
}
// through the app: release/get-like path: time invokes of settings/get?
const t = performance.now();
for (let i = 0; i < 20; i++) await world.invoke('dev0001', 'candidate/refresh', {});
console.log('refresh (nothing to release)', ((performance.now() - t) / 20).toFixed(2), 'ms', world.calls());
await world.stop();
