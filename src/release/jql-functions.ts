/**
 * The app's JQL functions, answered from what the app recorded (no upstream call):
 *   issue in runningIn("prod" | "staging" [, "PROJECTKEY"])
 *   issue in releaseGate("awaiting-approval" | "approved" | "deploying" | "failed" | "released" [, "PROJECTKEY"])
 * Jira replaces the whole clause with the JQL fragment returned here (a precomputation it stores).
 * Pure: the caller passes the release records.
 */
import { releaseStateName } from './deploy-state';
import type { DeployState } from './types';

export const JQL_FUNCTIONS = ['runningIn', 'releaseGate'] as const;
export type JqlFunctionName = (typeof JQL_FUNCTIONS)[number];

export const GATE_STATES = ['awaiting-approval', 'approved', 'deploying', 'failed', 'released'] as const;
export type GateState = (typeof GATE_STATES)[number];

const RUNNING_IN = ['staging', 'prod'] as const;
const ENVIRONMENT_ALIASES: Record<string, (typeof RUNNING_IN)[number]> = {
  staging: 'staging',
  prod: 'prod',
  production: 'prod',
};

/** Jira's JQL has no empty list: more keys than this are refused with a sentence, not a broken query. */
export const MAX_KEYS = 5000;

export interface GateRecord {
  projectKey: string;
  issueKeys: readonly string[];
  deploy: DeployState;
  released: boolean;
  /** Kosli's staging snapshot ran this content (recorded as staging-software). */
  inStaging: boolean;
}

export interface JqlClause {
  functionName: string;
  operator: string;
  arguments: readonly string[];
}

export type JqlAnswer = { jql: string } | { error: string };

/** A release's state in JQL's words: the one release-state union, with "open" read as "awaiting-approval". */
export function gateState(state: DeployState): GateState {
  const name = releaseStateName(state);
  return name === 'open' ? 'awaiting-approval' : name;
}

function fragment(keys: readonly string[], negated: boolean): JqlAnswer {
  const sorted = [...new Set(keys)].sort();
  if (sorted.length > MAX_KEYS)
    return {
      error: `This matches ${sorted.length} issues, more than the ${MAX_KEYS} a JQL function may list: add the project key as the last argument.`,
    };
  // A clause that matches nothing (or everything, negated) without naming an issue.
  if (sorted.length === 0) return { jql: negated ? 'created >= "1970/01/01"' : 'created < "1970/01/01"' };
  return { jql: `key ${negated ? 'not in' : 'in'} (${sorted.join(', ')})` };
}

const quoted = (values: readonly string[]) => values.map((v) => `"${v}"`).join(', ');

export function answerJql(clause: JqlClause, records: readonly GateRecord[]): JqlAnswer {
  if (clause.operator !== 'in' && clause.operator !== 'not in')
    return { error: `${clause.functionName}() works with "in" and "not in", not "${clause.operator}".` };
  const negated = clause.operator === 'not in';
  const [value, project, ...extra] = clause.arguments;
  if (extra.length > 0) return { error: `${clause.functionName}() takes at most 2 arguments.` };
  const scoped = project === undefined ? records : records.filter((r) => r.projectKey === project.trim().toUpperCase());
  const wanted = (value ?? '').trim().toLowerCase();
  switch (clause.functionName) {
    case 'runningIn': {
      const environment = ENVIRONMENT_ALIASES[wanted];
      if (!environment) {
        return {
          error: `runningIn("${value ?? ''}"): unknown environment. Use one of ${quoted(RUNNING_IN)}; dev is not tracked, the app reports only what Kosli verified in staging and prod.`,
        };
      }
      // Prod holds every release Kosli verified there; staging holds those and the candidate it runs.
      const inProd = (r: GateRecord) => r.released || r.deploy.kind === 'verified';
      return fragment(
        scoped.filter((r) => inProd(r) || (environment === 'staging' && r.inStaging)).flatMap((r) => r.issueKeys),
        negated,
      );
    }
    case 'releaseGate': {
      const state = GATE_STATES.find((s) => s === wanted);
      if (!state) return { error: `releaseGate("${value ?? ''}"): unknown state. Use one of ${quoted(GATE_STATES)}.` };
      return fragment(
        scoped.filter((r) => gateState(r.deploy) === state).flatMap((r) => r.issueKeys),
        negated,
      );
    }
    default:
      return {
        error: `Unknown function ${clause.functionName}(): Kosli Release Gate answers ${JQL_FUNCTIONS.map((f) => `${f}()`).join(' and ')}.`,
      };
  }
}
