import { measureDeployTime } from '../scenarios/p6-deploy-time';
console.log(JSON.stringify(await measureDeployTime(), null, 1));
console.log(JSON.stringify(await measureDeployTime({ samples: 1, upstreamLatencyMs: 100, storageLatencyMs: 10 }), null, 1));
