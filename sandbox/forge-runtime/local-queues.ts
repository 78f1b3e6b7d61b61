/**
 * Forge async events, locally. The UNMODIFIED `@forge/events` `Queue.push` posts its push request
 * through `__forge_fetch__` (`{type:'fpp', provider:'app', remote:'stargate'}`, path
 * `/webhook/queue/publish/...`, expects 201); the runtime hands it here, and each event is delivered
 * to the consumer registered for its queue the way Forge invokes a consumer function (@forge/events
 * ≥ 2): `handler(asyncEvent, context)` with `asyncEvent = { body, queueName, jobId, eventId,
 * retryContext?, delayInSeconds?, concurrency? }`.
 *
 * Delivery is asynchronous (setImmediate; `delayInSeconds` and `retryAfter` are scaled by
 * `delayScaleMs`, 0 by default so tests do not wait). `concurrency: { key, limit }` is honoured.
 * A consumer returning an `InvocationError` (`{ _retry: true, retryOptions }`) is invoked again
 * with `retryContext`, up to MAX_RETRIES times. A consumer that throws is not retried: the error is
 * reported to `onError`, or kept and rethrown by `drain()`; so is one that outlives its function's
 * timeoutSeconds. An event over the consumer's size limit is refused at push with 413, as Forge does.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { jsonBytes, raceTimeLimit } from './limits';

export interface AsyncEvent {
  body: Record<string, unknown>;
  queueName: string;
  jobId: string;
  eventId: string;
  delayInSeconds?: number;
  concurrency?: { key: string; limit: number };
  retryContext?: { retryCount: number; retryReason: string; retryData?: unknown };
}

export type ConsumerHandler = (event: AsyncEvent, context: { installContext: string }) => unknown;

export interface QueueDelivery {
  queueName: string;
  eventId: string;
  jobId: string;
  body: Record<string, unknown>;
  attempt: number;
  outcome: 'done' | 'retry' | 'threw';
}

/** Forge re-invokes a consumer that asks for a retry at most this many times (an assumption). */
export const MAX_RETRIES = 4;

const pushRequestSchema = z.object({
  queueName: z.string(),
  jobId: z.string(),
  payload: z.array(
    z.object({
      body: z.record(z.string(), z.unknown()),
      delayInSeconds: z.number().optional(),
      concurrency: z.object({ key: z.string(), limit: z.number().int().positive() }).optional(),
    }),
  ),
});

const retrySchema = z.object({
  _retry: z.literal(true),
  retryOptions: z.object({
    retryAfter: z.number().optional(),
    retryReason: z.string(),
    retryData: z.unknown().optional(),
  }),
});

export interface LocalQueuesOptions {
  installContext: string;
  /** Milliseconds per second of `delayInSeconds` / `retryAfter`; 0 delivers right away. */
  delayScaleMs: number;
  /** Runs a consumer invocation in the runtime's invocation context (no user). */
  runAsConsumer: <T>(fn: () => T) => T;
  onError: ((error: unknown, event: AsyncEvent) => void) | undefined;
  /** Forge's limits for the consumer of a queue: its run time and the largest event it takes. */
  limitsOf: (queueName: string) => { timeoutMs: number; maxEventBytes: number };
}

export class LocalQueues {
  readonly deliveries: QueueDelivery[] = [];
  private readonly consumers = new Map<string, ConsumerHandler>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly running = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();
  private errors: unknown[] = [];

  constructor(private readonly options: LocalQueuesOptions) {}

  register(queueName: string, handler: ConsumerHandler): void {
    this.consumers.set(queueName, handler);
  }

  /** Accepts a push request body from @forge/events; answers like the events API. */
  push(body: unknown): Response {
    const request = pushRequestSchema.safeParse(body);
    if (!request.success)
      return Response.json({ message: `Malformed push request: ${z.prettifyError(request.error)}` }, { status: 400 });
    const { queueName, jobId, payload } = request.data;
    if (!this.consumers.has(queueName)) {
      return Response.json(
        { message: `No consumer for queue '${queueName}' in the local Forge runtime (runtime.onQueue).` },
        { status: 404 },
      );
    }
    const { maxEventBytes } = this.options.limitsOf(queueName);
    const oversized = payload.findIndex((pushed) => jsonBytes(pushed) > maxEventBytes);
    if (oversized !== -1) {
      // @forge/events turns a 413 into its PayloadTooBigError with this message.
      return Response.json(
        {
          errorMessage: `Event ${oversized} is over the ${maxEventBytes}-byte limit of an event for this queue's consumer.`,
        },
        { status: 413 },
      );
    }
    for (const pushed of payload) {
      const event: AsyncEvent = { ...pushed, queueName, jobId, eventId: randomUUID() };
      this.schedule(event, (pushed.delayInSeconds ?? 0) * this.options.delayScaleMs, 0);
    }
    return Response.json({}, { status: 201 });
  }

  /** Resolves when every pushed event (and any event pushed or retried meanwhile) was delivered. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
    const errors = this.errors;
    this.errors = [];
    if (errors.length > 0) throw new AggregateError(errors, `${errors.length} queue consumer invocation(s) threw`);
  }

  private schedule(event: AsyncEvent, delayMs: number, attempt: number): void {
    const delivery = this.deliver(event, delayMs, attempt);
    this.inFlight.add(delivery);
    void delivery.finally(() => this.inFlight.delete(delivery));
  }

  private async deliver(event: AsyncEvent, delayMs: number, attempt: number): Promise<void> {
    await new Promise((resolve) => (delayMs > 0 ? setTimeout(resolve, delayMs) : setImmediate(resolve)));
    const handler = this.consumers.get(event.queueName);
    if (!handler) return;
    const release = await this.acquire(event.concurrency);
    let result: unknown;
    try {
      const invocation = Promise.resolve(
        this.options.runAsConsumer(() =>
          handler(structuredClone(event), { installContext: this.options.installContext }),
        ),
      );
      result = await raceTimeLimit(
        invocation,
        `the consumer of '${event.queueName}'`,
        this.options.limitsOf(event.queueName).timeoutMs,
      );
    } catch (error) {
      this.record(event, attempt, 'threw');
      if (this.options.onError) this.options.onError(error, event);
      else this.errors.push(error);
      return;
    } finally {
      release();
    }
    const retry = retrySchema.safeParse(result);
    if (retry.success && attempt < MAX_RETRIES) {
      this.record(event, attempt, 'retry');
      const { retryAfter = 1, retryReason, retryData } = retry.data.retryOptions;
      const retryContext = { retryCount: attempt + 1, retryReason, ...(retryData === undefined ? {} : { retryData }) };
      this.schedule({ ...event, retryContext }, retryAfter * this.options.delayScaleMs, attempt + 1);
      return;
    }
    this.record(event, attempt, 'done');
  }

  private record(event: AsyncEvent, attempt: number, outcome: QueueDelivery['outcome']): void {
    this.deliveries.push({
      queueName: event.queueName,
      eventId: event.eventId,
      jobId: event.jobId,
      body: event.body,
      attempt,
      outcome,
    });
  }

  /** Waits for a slot under the event's concurrency key; returns the function that frees it. */
  private async acquire(concurrency: AsyncEvent['concurrency']): Promise<() => void> {
    if (!concurrency) return () => undefined;
    const { key, limit } = concurrency;
    if ((this.running.get(key) ?? 0) < limit) this.running.set(key, (this.running.get(key) ?? 0) + 1);
    // A freed slot is handed over directly to the next waiter, so the count stays the same.
    else await new Promise<void>((resolve) => this.waiting.set(key, [...(this.waiting.get(key) ?? []), resolve]));
    return () => {
      const next = this.waiting.get(key)?.shift();
      if (next) next();
      else this.running.set(key, (this.running.get(key) ?? 1) - 1);
    };
  }
}
