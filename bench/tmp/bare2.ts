import { createServer } from 'node:http';
const s = createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"a":1}'); }); });
await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
const port = (s.address() as { port: number }).port;
for (let round = 0; round < 4; round++) {
  const ts: number[] = [];
  for (let i = 0; i < 50; i++) { const t = performance.now(); const r = await fetch(`http://127.0.0.1:${port}/x`, round % 2 ? { method: 'PUT', body: '{"b":2}' } : {}); await r.arrayBuffer(); ts.push(performance.now() - t); }
  ts.sort((a, b) => a - b);
  console.log(round % 2 ? 'PUT' : 'GET', 'median', ts[25]?.toFixed(2), 'p90', ts[45]?.toFixed(2), 'max', ts[49]?.toFixed(2));
}
s.close();
