import { fake, fail, ok } from './test/fake-bridge';
import { describe, expect, it } from 'vitest';
import './test/harness';
import { call, UiError } from './api';
import { aReleaseView } from './test/builders';

describe('call', () => {
  it('sends the key and payload through invoke and unwraps the data', async () => {
    fake.answer('release/get', ok(aReleaseView({ name: 'R1' })));
    const release = await call('release/get', { versionId: '10001' });
    expect(release.name).toBe('R1');
    expect(fake.invocationsOf('release/get')).toEqual([{ versionId: '10001' }]);
  });

  it('throws a UiError with the code, message and field errors of a refusal', async () => {
    fake.answer(
      'settings/save',
      fail('INVALID_INPUT', 'Check the highlighted fields', {
        fields: { 'apps.1.path': 'Path in the repository', bad: 3 },
      }),
    );
    const error = await call('settings/save', { projectKey: 'OPS', config: {} }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(UiError);
    expect(error).toMatchObject({ code: 'INVALID_INPUT', message: 'Check the highlighted fields' });
    expect(error instanceof UiError && error.fieldErrors).toEqual({ 'apps.1.path': 'Path in the repository' });
  });

  it('refuses an answer that is not a result envelope', async () => {
    fake.rawAnswer('release/get', { name: 'no envelope' });
    await expect(call('release/get', { versionId: '1' })).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('reports a call that never reached the backend as UNREACHABLE', async () => {
    fake.answer('release/get', () => Promise.reject(new Error('socket hang up')));
    await expect(call('release/get', { versionId: '1' })).rejects.toMatchObject({ code: 'UNREACHABLE' });
  });
});
