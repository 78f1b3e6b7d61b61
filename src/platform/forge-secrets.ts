/**
 * Tokens set with `forge variables set --encrypt NAME value` reach the function as environment
 * variables (functions only, never the Custom UI). This returns the variable's value, or undefined
 * when it is unset or blank.
 * @see https://developer.atlassian.com/platform/forge/cli-reference/variables-set/
 */
export function readForgeVariable(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}
