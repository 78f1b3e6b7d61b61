/**
 * Who does what in a bench world, read from its scenario rather than hard-coded.
 */
import type { World } from '../sandbox/world/start-world';

export function developer(world: World): string {
  const found = world.scenario.users.find((user) => user.role === 'developer');
  if (!found) throw new Error('The scenario has no developer');
  return found.accountId;
}

export function productOwners(world: World): string[] {
  return world.scenario.users.filter((user) => user.role === 'product-owner').map((user) => user.accountId);
}

/** The Result envelope's data, or an Error naming the code. */
export function ok<T>(result: { ok: true; data: T } | { ok: false; error: { code: string; message: string } }): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.data;
}
