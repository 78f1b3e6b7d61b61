/**
 * What a simulated world holds at start: the Jira project and its people and issues, the apps of
 * the monorepo, and the names in Kosli and GitHub. `SANDBOX_SCENARIO=file.json npm start` loads
 * another one; the format is this schema (see sandbox/scenarios/example.json).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const accountId = z.string().regex(/^[A-Za-z0-9]{3,64}$/, 'account ids are letters and digits');

export const scenarioSchema = z.strictObject({
  project: z.strictObject({
    key: z.string().regex(/^[A-Z][A-Z0-9]{1,9}$/),
    name: z.string().min(1),
    id: z.string().regex(/^\d+$/).default('10000'),
  }),
  users: z
    .array(
      z.strictObject({
        accountId,
        displayName: z.string().min(1),
        email: z.string().email(),
        role: z.enum(['developer', 'product-owner']),
        jiraAdmin: z.boolean().default(false),
      }),
    )
    .min(1),
  issues: z.array(
    z.strictObject({
      key: z.string().regex(/^[A-Z][A-Z0-9]+-\d+$/),
      summary: z.string().min(1),
      type: z.string().default('Story'),
      status: z.string().default('To Do'),
    }),
  ),
  apps: z
    .array(
      z.strictObject({ name: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/), path: z.string().regex(/^[a-z0-9_./-]+$/) }),
    )
    .min(1),
  kosli: z.strictObject({ org: z.string().min(1) }).default({ org: 'acme' }),
  github: z
    .strictObject({ owner: z.string().min(1), repo: z.string().min(1) })
    .default({ owner: 'acme', repo: 'shop' }),
  /** Commits made before the sandbox opens: { app, message } each, in order. */
  history: z.array(z.strictObject({ app: z.string(), message: z.string().min(1) })).default([]),
});

export type Scenario = z.output<typeof scenarioSchema>;

export const DEFAULT_SCENARIO: Scenario = scenarioSchema.parse({
  project: { key: 'OPS', name: 'Operations', id: '10000' },
  users: [
    {
      accountId: 'dev0001',
      displayName: 'Dana Developer',
      email: 'dana@example.com',
      role: 'developer',
      jiraAdmin: true,
    },
    { accountId: 'po0001', displayName: 'Paula Product', email: 'paula@example.com', role: 'product-owner' },
    { accountId: 'po0002', displayName: 'Omar Owner', email: 'omar@example.com', role: 'product-owner' },
  ],
  issues: [
    { key: 'OPS-1', summary: 'Set up the shop', type: 'Task', status: 'Done' },
    { key: 'OPS-11', summary: 'Faster product search', type: 'Story', status: 'In Progress' },
    { key: 'OPS-12', summary: 'Checkout button misaligned on mobile', type: 'Bug', status: 'In Review' },
    { key: 'OPS-13', summary: 'Show delivery estimate', type: 'Story', status: 'To Do' },
  ],
  apps: [
    { name: 'backend', path: 'apps/backend' },
    { name: 'frontend', path: 'apps/frontend' },
  ],
  kosli: { org: 'acme' },
  github: { owner: 'acme', repo: 'shop' },
  history: [],
});

export function loadScenario(file: string): Scenario {
  const parsed = scenarioSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new Error(
      `Scenario ${file} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}
