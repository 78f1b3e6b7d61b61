import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/platform/clock';
import { readForgeVariable } from '../../src/platform/forge-secrets';
import { randomId } from '../../src/platform/ids';

describe('small platform seams', () => {
  it('systemClock gives the current time as ISO', () => {
    const before = Date.now();
    const now = Date.parse(systemClock.now());
    expect(now).toBeGreaterThanOrEqual(before);
    expect(systemClock.now()).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('randomId gives distinct UUIDs', () => {
    expect(randomId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(randomId()).not.toBe(randomId());
  });

  it('readForgeVariable reads an encrypted variable, treating blank as unset', () => {
    expect(readForgeVariable('KOSLI_API_TOKEN', { KOSLI_API_TOKEN: ' abc ' })).toBe('abc');
    expect(readForgeVariable('GITHUB_TOKEN', { GITHUB_TOKEN: '  ' })).toBeUndefined();
    expect(readForgeVariable('GITHUB_TOKEN', {})).toBeUndefined();
  });
});
