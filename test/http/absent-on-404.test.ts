/** `absentOn404`: a 404 is an answer ("nothing there") for the calls that ask for it; nothing else is. */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors';
import { absentOn404 } from '../../src/http/transport';

const notFound = new AppError('UPSTREAM_NOT_FOUND', "Kosli trail 'abc' not found", { system: 'kosli', status: 404 });

describe('absentOn404', () => {
  it('passes an answer through, from a promise or a function', async () => {
    expect(await absentOn404(Promise.resolve('found'), null)).toBe('found');
    expect(await absentOn404(async () => 'found', null)).toBe('found');
  });

  it('answers the absent value when the call found nothing', async () => {
    expect(await absentOn404(Promise.reject(notFound), null)).toBeNull();
    expect(await absentOn404(() => Promise.reject(notFound), [])).toEqual([]);
  });

  it('lets every other fault through untouched, cause and all', async () => {
    const unavailable = new AppError('UPSTREAM_UNAVAILABLE', 'Kosli failed with 503', {
      system: 'kosli',
      status: 503,
      cause: new Error('boom'),
    });
    await expect(absentOn404(Promise.reject(unavailable), null)).rejects.toBe(unavailable);
    const plain = new Error('not an upstream error');
    await expect(absentOn404(() => Promise.reject(plain), false)).rejects.toBe(plain);
  });
});
