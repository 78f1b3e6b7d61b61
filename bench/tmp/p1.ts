import { measureCandidateCalls } from '../scenarios/p1-candidate-calls';
const A = Number(process.argv[3]), C = Number(process.argv[4]);
console.log(JSON.stringify(await measureCandidateCalls([{ apps: A, commits: C }]), null, 1));
