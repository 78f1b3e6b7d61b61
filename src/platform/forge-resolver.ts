/**
 * Forge's resolver definition, the seam the app's handlers go through.
 * makeResolver, a named export, rather than the default-exported class: Node's own ESM loader (the
 * sandbox runs on it) hands over a CommonJS module's exports object as its default import.
 */
import { makeResolver, type ResolverFunction } from '@forge/resolver';

export type ForgeResolverFunction = ResolverFunction;

/** The Custom UI handler for these resolver functions, keyed as the panel invokes them. */
export function forgeResolver(handlers: Record<string, ResolverFunction>) {
  return makeResolver(handlers);
}
