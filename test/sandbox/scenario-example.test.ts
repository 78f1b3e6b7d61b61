/** The documented example scenario loads, and its history only names its own apps and issue keys that exist. */
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { loadScenario } from '../../sandbox/world/scenario';

it('loads sandbox/scenarios/example.json', () => {
  const scenario = loadScenario(fileURLToPath(new URL('../../sandbox/scenarios/example.json', import.meta.url)));
  const apps = scenario.apps.map((a) => a.name);
  const keys = new Set(scenario.issues.map((i) => i.key));
  for (const step of scenario.history) {
    expect(apps).toContain(step.app);
    for (const key of step.message.match(/\b[A-Z][A-Z0-9]{1,9}-\d+\b/g) ?? []) expect(keys).toContain(key);
  }
  expect(scenario.users.filter((u) => u.role === 'product-owner').length).toBeGreaterThan(0);
});
