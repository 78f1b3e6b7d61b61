import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react';
import { toUiError, type UiError } from './api';

export type Loadable<T> = { status: 'loading' } | { status: 'ready'; data: T } | { status: 'failed'; error: UiError };

/**
 * Loads data for a view. `reload` fetches again, keeping what is shown until the answer arrives (so
 * an action's outcome stays on screen); `replace` takes a fresher copy an action returned.
 */
export function useLoad<T>(load: () => Promise<T>, deps: DependencyList) {
  const [state, setState] = useState<Loadable<T>>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);
  const shown = useRef(state);
  shown.current = state;
  const quiet = useRef(false);

  useEffect(() => {
    let current = true;
    if (!quiet.current) setState({ status: 'loading' });
    quiet.current = false;
    load().then(
      (data) => current && setState({ status: 'ready', data }),
      (error: unknown) => current && setState({ status: 'failed', error: toUiError(error) }),
    );
    return () => {
      current = false;
    };
    // `load` is a new closure on every render; `deps` say when it means something new.
  }, [...deps, generation]);

  const reload = useCallback(() => {
    quiet.current = shown.current.status === 'ready';
    setGeneration((n) => n + 1);
  }, []);
  const replace = useCallback((data: T) => setState({ status: 'ready', data }), []);
  return { state, reload, replace };
}

export type ActionState<T, A extends readonly unknown[] = readonly unknown[]> =
  | { status: 'idle' }
  | { status: 'running'; args: A }
  | { status: 'done'; result: T; args: A }
  | { status: 'failed'; error: UiError; args: A };

/**
 * A button's or a form's action, the panel's one mutation pattern: one at a time, with its progress
 * and its outcome (and the arguments it ran with) kept for display. `onDone` and `onFailed` run after
 * the state is set, for what the outcome changes elsewhere (the view, the focus, the form).
 */
export function useAction<T, A extends readonly unknown[] = []>(
  action: (...args: A) => Promise<T>,
  onDone?: (result: T, ...args: A) => void,
  onFailed?: (error: UiError, ...args: A) => void,
) {
  const [state, setState] = useState<ActionState<T, A>>({ status: 'idle' });
  const run = async (...args: A) => {
    setState({ status: 'running', args });
    try {
      const result = await action(...args);
      setState({ status: 'done', result, args });
      onDone?.(result, ...args);
    } catch (error) {
      const failure = toUiError(error);
      setState({ status: 'failed', error: failure, args });
      onFailed?.(failure, ...args);
    }
  };
  const reset = useCallback(() => setState({ status: 'idle' }), []);
  return { state, run, reset };
}
