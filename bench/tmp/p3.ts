import { measureRefreshWrites } from '../scenarios/p3-refresh-writes';
console.log(JSON.stringify(await measureRefreshWrites(), null, 1));
