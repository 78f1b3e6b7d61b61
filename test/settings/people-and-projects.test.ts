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
  expect(world.jira.world.allUsers().some((u) => u.accountType === 'app' && u.displayName === 'Kosli Release Gate')).toBe(true);
  expect(ok(await world.invokeAdmin(DEV, 'users/search', { projectKey: 'OPS', query: 'kosli' })).users).toEqual([]);
});

it('is for Jira administrators only, and refuses an empty query', async () => {
  expect(errorOf(await world.invokeAdmin(PO1, 'users/search', { projectKey: 'OPS', query: 'om' })).code).toBe('FORBIDDEN');
  expect(errorOf(await world.invokeAdmin(DEV, 'users/search', { projectKey: 'OPS', query: '  ' })).code).toBe('INVALID_INPUT');
});

it('names the listed approvers on the settings page', async () => {
  const view = ok(await world.invokeAdmin(DEV, 'settings/get', { projectKey: 'OPS' }));
  expect(view.approvers).toEqual(view.config.approval.approvers.map((accountId) => ({ accountId, displayName: expect.any(String) as string })));
  expect(view.approvers.map((a) => a.displayName)).toContain('Paula Product');
});

it('refuses to load the settings of a project that does not exist, instead of showing defaults', async () => {
  const error = errorOf(await world.invokeAdmin(DEV, 'settings/get', { projectKey: 'NOPE' }));
  expect(error.code).toBe('NOT_FOUND');
  expect(error.message).toContain('There is no Jira project with the key NOPE');
});
