import { measureReleasePage } from '../scenarios/p2-release-page';
console.log(JSON.stringify(await measureReleasePage()));
