/**
 * The architecture's walls (eslint.config.mjs) hold: each deliberate break below, linted as if it
 * were a file at that path, is refused by the rule that keeps that wall, and the allowed form of the
 * same code passes, so a rule that matched nothing (or everything) would fail here.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname });

async function ruleIdsFor(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((message) => message.ruleId ?? message.message);
}

interface Wall {
  name: string;
  file: string;
  broken: string;
  rule: string;
  allowed: string;
}

const WALLS: Wall[] = [
  {
    name: 'the core imports no adapter',
    file: 'src/release/fixture.ts',
    rule: 'no-restricted-imports',
    broken: "import type { KosliClient } from '../kosli/types';\nexport type K = KosliClient;\n",
    allowed: "import type { Candidate } from './types';\nexport type C = Candidate;\n",
  },
  {
    name: 'the core imports no contract',
    file: 'src/release/fixture.ts',
    rule: 'no-restricted-imports',
    broken: "import type { ReleaseView } from '../contract';\nexport type V = ReleaseView;\n",
    allowed: "import { AppError } from '../errors';\nexport const e = AppError;\n",
  },
  {
    name: 'the core reads no clock',
    file: 'src/release/fixture.ts',
    rule: 'no-restricted-properties',
    broken: 'export const at = Date.now();\n',
    allowed: 'export const at = (now: number) => new Date(now);\n',
  },
  {
    name: 'the core makes no request',
    file: 'src/release/fixture.ts',
    rule: 'no-restricted-globals',
    broken: "export const r = () => fetch('https://example.com');\n",
    allowed: 'export const r = (get: () => number) => get();\n',
  },
  {
    name: 'only the platform seam imports Forge',
    file: 'src/services/fixture.ts',
    rule: 'no-restricted-imports',
    broken: "import { kvs } from '@forge/kvs';\nexport const k = kvs;\n",
    allowed: "import type { Deps } from './deps';\nexport type D = Deps;\n",
  },
  {
    name: 'an adapter does not reach the use cases',
    file: 'src/github/fixture.ts',
    rule: 'no-restricted-imports',
    broken: "import type { Deps } from '../services/deps';\nexport type D = Deps;\n",
    allowed: "import { AppError } from '../errors';\nexport const e = AppError;\n",
  },
  {
    name: 'the panel ships no backend code',
    file: 'static/panel/src/fixture.ts',
    rule: '@typescript-eslint/no-restricted-imports',
    broken:
      "import { defaultProjectConfig } from '../../../src/release/config';\nexport const c = defaultProjectConfig;\n",
    allowed: "import type { ReleaseView } from '../../../src/contract';\nexport type V = ReleaseView;\n",
  },
  {
    name: 'the panel takes only types from the contract',
    file: 'static/panel/src/fixture.ts',
    rule: '@typescript-eslint/no-restricted-imports',
    broken: "import { RESOLVER_KEYS } from '../../../src/contract';\nexport const k = RESOLVER_KEYS;\n",
    allowed: "import type { ResolverKey } from '../../../src/contract';\nexport type K = ResolverKey;\n",
  },
  {
    name: 'only the panel seam imports @forge/bridge',
    file: 'static/panel/src/project/fixture.ts',
    rule: '@typescript-eslint/no-restricted-imports',
    broken: "import { invoke } from '@forge/bridge';\nexport const i = invoke;\n",
    allowed: "import { call } from '../api';\nexport const c = call;\n",
  },
  {
    name: 'a fake never imports what it fakes',
    file: 'sandbox/fakes/github/fixture.ts',
    rule: 'no-restricted-imports',
    broken: "import type { WorkflowRun } from '../../../src/github/types';\nexport type R = WorkflowRun;\n",
    allowed: "import type { RunStatus } from './world';\nexport type S = RunStatus;\n",
  },
  {
    name: 'a fake carries no simulation',
    file: 'sandbox/fakes/kosli/fixture.ts',
    rule: 'no-restricted-imports',
    broken: "import { ORIGINAL_POLICIES } from '../../world/original-policies';\nexport const p = ORIGINAL_POLICIES;\n",
    allowed: "import type { PolicyRules } from './policy';\nexport type P = PolicyRules;\n",
  },
];

describe('architecture boundaries (npm run lint)', () => {
  it.each(WALLS)('$name', async ({ file, broken, rule, allowed }) => {
    expect(await ruleIdsFor(file, broken)).toContain(rule);
    expect(await ruleIdsFor(file, allowed)).toEqual([]);
  });
});
