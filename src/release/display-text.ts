/**
 * Text from outside (issue summaries, decline reasons, commit messages, names) is shown to people
 * and exported for auditors. Unicode's bidirectional controls (U+202A–U+202E, U+2066–U+2069, the
 * marks U+200E, U+200F and U+061C) make text display in an order other than the one stored, so
 * "approve" can read as something else, or a file name hide its extension. They are removed
 * everywhere the app shows or exports text; the stored data keeps what was written.
 */

const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

export function withoutBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, '');
}

/** The same, for every string inside a plain data value (a view model, an export record). */
export function withoutBidiControlsDeep<T>(value: T): T {
  return mapStrings(value, withoutBidiControls);
}

/**
 * Every string inside a plain data value, passed through `change`. Only strings are replaced, by
 * strings, so the value keeps its shape and therefore its type.
 */
export function mapStrings<T>(value: T, change: (text: string) => string): T {
  return mapAny(value, change) as T;
}

function mapAny(value: unknown, change: (text: string) => string): unknown {
  if (typeof value === 'string') return change(value);
  if (Array.isArray(value)) return value.map((item) => mapAny(item, change));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapAny(item, change)]));
  return value;
}
