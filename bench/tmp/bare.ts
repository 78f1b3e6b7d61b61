import { createServer } from 'node:http';
import { FakeHttpService, json } from '../../sandbox/fakes/http-fake';
const s = createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"a":1}'); }); });
await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
const port = (s.address() as { port: number }).port;
async function time(url: string, label: string) {
  const t = performance.now();
  for (let i = 0; i < 50; i++) { const r = await fetch(url); await r.arrayBuffer(); }
  console.log(label, ((performance.now() - t) / 50).toFixed(2), 'ms/call');
}
await time(`http://127.0.0.1:${port}/x`, 'bare');
const f = new FakeHttpService('x'); f.route('GET', '/x', () => json(200, { a: 1 }));
const u = await f.listen();
await time(`${u}/x`, 'fake');
f.route('GET', '/big', () => json(200, { a: 'x'.repeat(5000) }));
await time(`${u}/big`, 'fake big');
s.close(); await f.close();
