/**
 * How long Forge lets each of the app's functions run, from the manifest: a scheduled trigger or a
 * queue consumer gets its function's `timeoutSeconds` (default 55 s, at most 900 s); resolvers get
 * 25 s whatever the manifest says (/platform/forge/limits-invocation).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { DEFAULT_MANIFEST_PATH } from './egress';
import { FORGE_LIMITS } from './limits';

const manifestSchema = z.object({
  modules: z.object({
    function: z
      .array(z.object({ key: z.string(), timeoutSeconds: z.number().int().positive().optional() }))
      .default([]),
    scheduledTrigger: z.array(z.object({ key: z.string(), function: z.string() })).default([]),
    consumer: z.array(z.object({ queue: z.string(), function: z.string() })).default([]),
  }),
});

export interface FunctionTimeouts {
  /** Seconds the scheduled trigger with this module key may run. */
  trigger(moduleKey: string): number;
  /** Seconds the consumer of this queue may run. */
  consumer(queueName: string): number;
}

export function manifestTimeouts(manifestPath: string | URL = DEFAULT_MANIFEST_PATH): FunctionTimeouts {
  const { modules } = manifestSchema.parse(parse(readFileSync(manifestPath, 'utf8')));
  const seconds = (functionKey: string | undefined) => {
    const configured = modules.function.find((f) => f.key === functionKey)?.timeoutSeconds;
    return Math.min(configured ?? FORGE_LIMITS.defaultFunctionSeconds, FORGE_LIMITS.maxFunctionSeconds);
  };
  return {
    trigger: (moduleKey) => seconds(modules.scheduledTrigger.find((t) => t.key === moduleKey)?.function),
    consumer: (queueName) => seconds(modules.consumer.find((c) => c.queue === queueName)?.function),
  };
}
