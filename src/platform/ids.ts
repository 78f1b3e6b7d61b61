import { randomUUID } from 'node:crypto';

/** A random identifier (UUID v4) for audit entries and job ids. */
export function randomId(): string {
  return randomUUID();
}
