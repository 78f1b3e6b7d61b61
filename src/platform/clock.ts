import type { Clock } from '../services/deps';

/** The real time; everything else receives a Clock so tests and the benchmark can set it. */
export const systemClock: Clock = { now: () => new Date().toISOString() };
