/** The approver picker's search, the approvers' names and the project check on the settings page, through the real handler and the fake Jira. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startWorld, type World } from '../../sandbox/world/start-world';
import { DEV, errorOf, ok, PO1 } from '../support/flow';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world.stop());

it('finds people by the start of a name or an e-mail, and never the app itself', async () => {
  const found = ok(await world.invokeAdmin(DEV, 'users/search', { projectKey: 'OPS', query: 'om' }));
  expect(found.users).toEqual([{ accountId: 'po0002', displayName: 'Omar Owner' }]);
  const byMail = ok(await world.invokeAdmin(DEV, 'users/search', { projectKey: 'OPS', query: 'paula@' }));
  expect(byMail.users.map((u) => u.displayName)).toEqual(['Paula Product']);
  // Jira's search finds the app's own account ("Kosli Release Gate"); an app cannot approve.
  expect(
    world.jira.world.allUsers().some((u) => u.accountType === 'app' && u.displayName === 'Kosli Release Gate'),
  ).toBe(true);
  expect(ok(await world.invokeAdmin(DEV, 'users/search', { projectKey: 'OPS', query: 'kosli' })).users).toEqual([]);
});

it('is for Jira administrators only, and refuses an empty query', async () => {
  expect(errorOf(await world.invokeAdmin(PO1, 'users/search', { projectKey: 'OPS', query: 'om' })).code).toBe(
    'FORBIDDEN',
  );
  expect(errorOf(await world.invokeAdmin(DEV, 'users/search', { projectKey: 'OPS', query: '  ' })).code).toBe(
    'INVALID_INPUT',
  );
});

it('names the listed approvers on the settings page', async () => {
  const view = ok(await world.invokeAdmin(DEV, 'settings/get', { projectKey: 'OPS' }));
  expect(view.approvers).toEqual(
    view.config.approval.approvers.map((accountId) => ({ accountId, displayName: expect.any(String) as string })),
  );
  expect(view.approvers.map((a) => a.displayName)).toContain('Paula Product');
});

it('refuses to load the settings of a project that does not exist, instead of showing defaults', async () => {
  const error = errorOf(await world.invokeAdmin(DEV, 'settings/get', { projectKey: 'NOPE' }));
  expect(error.code).toBe('NOT_FOUND');
  expect(error.message).toContain('There is no Jira project with the key NOPE');
});

it('lists the projects an admin can configure, by key, each marked configured or not, filtered by key or name', async () => {
  world.jira.world.addProject({ key: 'SHOP', name: 'Shop front' });
  world.jira.world.addProject({ key: 'ADS', name: 'Advertising' });
  const all = ok(await world.invokeAdmin(DEV, 'projects/list', { query: '' }));
  expect(all.more).toBe(false);
  expect(all.projects.map((p) => p.key)).toEqual(['ADS', 'OPS', 'SHOP']);
  // OPS has the world's saved settings; the other two have none yet.
  expect(all.projects.find((p) => p.key === 'OPS')).toMatchObject({ configured: true });
  expect(all.projects.filter((p) => !p.configured).map((p) => p.key)).toEqual(['ADS', 'SHOP']);
  expect(ok(await world.invokeAdmin(DEV, 'projects/list', { query: 'front' })).projects).toEqual([
    { key: 'SHOP', name: 'Shop front', configured: false },
  ]);
  expect(ok(await world.invokeAdmin(DEV, 'projects/list', { query: 'op' })).projects.map((p) => p.key)).toEqual([
    'OPS',
    'SHOP',
  ]);
});

it('pages: the first 50 projects by key, and says there are more', async () => {
  for (let n = 0; n < 60; n += 1)
    world.jira.world.addProject({ key: `P${String(n).padStart(2, '0')}`, name: `Portfolio ${n}` });
  const first = ok(await world.invokeAdmin(DEV, 'projects/list', { query: '' }));
  expect(first.projects).toHaveLength(50);
  expect(first.more).toBe(true);
  expect(ok(await world.invokeAdmin(DEV, 'projects/list', { query: 'P59' })).projects.map((p) => p.key)).toEqual([
    'P59',
  ]);
});

it('lists projects for Jira administrators only, and refuses an overlong filter', async () => {
  expect(errorOf(await world.invokeAdmin(PO1, 'projects/list', { query: '' })).code).toBe('FORBIDDEN');
  expect(errorOf(await world.invokeAdmin(DEV, 'projects/list', { query: 'x'.repeat(101) })).code).toBe('INVALID_INPUT');
});
