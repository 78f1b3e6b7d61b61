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

/**
 * The same, for every string inside a plain data value (a view model, an export record). Only
 * strings are replaced, by strings, so the value keeps its shape and its type.
 */
export function withoutBidiControlsDeep<T>(value: T): T {
  return neutralise(value) as T;
}

function neutralise(value: unknown): unknown {
  if (typeof value === 'string') return withoutBidiControls(value);
  if (Array.isArray(value)) return value.map(neutralise);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, neutralise(item)]));
  return value;
}
