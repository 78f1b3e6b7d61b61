import { growHistory, startPlannedWorld } from '../history';
import { developer } from '../people';
import { fixVersionWrites } from '../measure';
const plan = { apps: 2, commitsPerApp: 10, commitsPerIssue: 2 };
const world = await startPlannedWorld(plan);
const h = growHistory(world, plan);
// Let 3 fix-version PUTs through, then one fails with a 503 that exhausts nothing but stops the loop.
world.jira.service.injectFaults('PUT /rest/api/3/issue/{issueIdOrKey}', ...[]);
let n = 0;
const orig = world.jira.service.handle.bind(world.jira.service);
world.jira.service.handle = async (req, res) => { if (req.method === 'PUT' && req.url?.startsWith('/rest/api/3/issue/') && ++n === 4) { res.writeHead(403, {'content-type':'application/json'}); res.end('{"errorMessages":["no"]}'); return; } return orig(req, res); };
const first = await world.invoke(developer(world), 'candidate/refresh', {});
console.log('first', first.ok ? 'ok' : first.error.code, 'written', fixVersionWrites(world), 'of', h.keys.length);
world.jira.service.handle = orig; world.resetCalls();
const second = await world.invoke(developer(world), 'candidate/refresh', {});
console.log('second', second.ok ? JSON.stringify(second.data) : second.error.code, 'written', fixVersionWrites(world));
const vid = world.jira.world.versionsOf('OPS')[0]!.id;
console.log('issues with the version', h.keys.filter((k) => world.jira.world.issue(k)?.fixVersionIds.includes(vid)).length, 'of', h.keys.length);
await world.stop();
