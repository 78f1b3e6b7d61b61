/**
 * The local Forge runtime: run the real Forge SDKs (and the app's src/index.ts) outside Forge.
 * Install it BEFORE importing anything that imports @forge/api; see runtime.ts for why and how.
 */
export {
  installForgeRuntime,
  invokeResolver,
  runScheduledTrigger,
  LocalForgeRuntime,
  type ForgeRuntimeOptions,
  type ResolverCall,
  type ResolverHandler,
  type ScheduledTriggerHandler,
  type ScheduledTriggerRequest,
} from './runtime';
export { LocalKvs, type LocalKvsOptions } from './local-kvs';
export { type AsyncEvent, type ConsumerHandler, type QueueDelivery, MAX_RETRIES } from './local-queues';
export { manifestEgress } from './egress';
export { FORGE_LIMITS, ForgeLimitError } from './limits';
export { appEntryFromEnvironment, loadApp, type AppEntry, type AppModule } from './app-entry';
