import { measureTriggerCalls } from '../scenarios/p4-trigger-calls';
console.log(JSON.stringify(await measureTriggerCalls(), null, 1));
