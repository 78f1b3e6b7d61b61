/**
 * The app's one logger: JSON lines through `console`, which Forge keeps for `forge logs`. Every line
 * is redacted before it is written: the token values the logger was told about (the Forge variables
 * at start, each project's tokens when they are read) and anything shaped like an Authorization
 * header value. Fields are plain data; an Error is logged by its code and message, never its cause
 * chain (a cause may hold a request with headers).
 */
import { redact } from '../errors';

export type LogLevel = 'info' | 'warn' | 'error';

export type LogFields = Record<string, string | number | boolean | null | undefined | readonly string[]>;

export interface Logger {
  log(level: LogLevel, event: string, fields?: LogFields): void;
  /** A token value that must never appear in a line (redacted wherever it occurs). */
  knowSecret(value: string | undefined): void;
  /** The token values known so far, for scrubbing text that leaves the app by other ways. */
  secrets(): string[];
}

export type LineSink = (level: LogLevel, line: string) => void;

/** Forge keeps what a function writes to the console; errors and warnings on their own streams. */
export const consoleSink: LineSink = (level, line) => {
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
};

export function createLogger(sink: LineSink = consoleSink, secrets: readonly (string | undefined)[] = []): Logger {
  const known = new Set<string>();
  const knowSecret = (value: string | undefined) => {
    if (value) known.add(value);
  };
  secrets.forEach(knowSecret);
  return {
    log(level, event, fields = {}) {
      const line = JSON.stringify({ level, event, ...fields });
      sink(level, redact(line, [...known]));
    },
    knowSecret,
    secrets: () => [...known],
  };
}
