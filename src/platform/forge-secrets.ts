/**
 * Tokens set with `forge variables set --encrypt NAME value` reach the function as environment
 * variables (functions only, never the Custom UI).
 * @see https://developer.atlassian.com/platform/forge/cli-reference/variables-set/
 */
export type ForgeVariable = 'KOSLI_API_TOKEN' | 'GITHUB_TOKEN';

/** The variable's value, or undefined when unset or blank. */
export function readForgeVariable(name: ForgeVariable, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}
