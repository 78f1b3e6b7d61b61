/**
 * The one logger: JSON lines, each redacted of every token it was told about (whatever its length)
 * and of anything shaped like an Authorization header value.
 */
import { describe, expect, it } from 'vitest';
import { redact } from '../../src/errors';
import { createLogger, type LogLevel } from '../../src/platform/logger';

describe('createLogger', () => {
  it('writes one JSON line per event, with no known token in it', () => {
    const written: { level: LogLevel; line: string }[] = [];
    const log = createLogger((level, line) => written.push({ level, line }), ['forge-variable-token-1234', undefined]);
    log.knowSecret('project-entered-token-5678');
    log.log('warn', 'deploy.step', {
      release: '10000',
      error: 'Kosli said forge-variable-token-1234 and project-entered-token-5678; Authorization: Bearer abcdef123456',
    });
    expect(written).toHaveLength(1);
    expect(written[0]?.level).toBe('warn');
    const line = written[0]?.line ?? '';
    expect(JSON.parse(line)).toMatchObject({ level: 'warn', event: 'deploy.step', release: '10000' });
    expect(line).not.toMatch(/forge-variable-token-1234|project-entered-token-5678|abcdef123456/);
    expect(log.secrets()).toEqual(['forge-variable-token-1234', 'project-entered-token-5678']);
  });
});

describe('redact', () => {
  it('hides a secret of any length, the longest first', () => {
    expect(redact('a token xyz and xyz-longer', ['xyz', 'xyz-longer'])).toBe('a token [redacted] and [redacted]');
    expect(redact('q', ['q'])).toBe('[redacted]');
  });
});
