import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from './sandbox/server/start-sandbox';
import { SandboxClient } from './sandbox/server/control-client';
const t0 = Date.now();
const sb = await startSandbox({ dataDir: mkdtempSync(join(tmpdir(), 'p-')), triggerIntervalMs: null });
process.stdout.write(`start ${Date.now() - t0} ms\n`);
const c = new SandboxClient(sb.url);
for (let i = 0; i < 4; i++) { let t = Date.now(); await c.commit('backend', 'OPS-11 x'); process.stdout.write(`http commit ${Date.now() - t} ms\n`);
 t = Date.now(); sb.world.simulation.commit('frontend', 'OPS-12 y'); process.stdout.write(`direct commit ${Date.now() - t} ms\n`);
 t = Date.now(); await c.state(); process.stdout.write(`state ${Date.now() - t} ms\n`); }
let t = Date.now(); await sb.stop(); process.stdout.write(`stop ${Date.now() - t} ms\n`);
