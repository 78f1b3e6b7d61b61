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

export type ActionState<T> = { status: 'idle' } | { status: 'running' } | { status: 'done'; result: T } | { status: 'failed'; error: UiError };

/** A button's action: one at a time, with its progress and its outcome kept for display. */
export function useAction<T>(action: () => Promise<T>, onDone?: (result: T) => void) {
  const [state, setState] = useState<ActionState<T>>({ status: 'idle' });
  const run = async () => {
    setState({ status: 'running' });
    try {
      const result = await action();
      setState({ status: 'done', result });
      onDone?.(result);
    } catch (error) {
      setState({ status: 'failed', error: toUiError(error) });
    }
  };
  const reset = useCallback(() => setState({ status: 'idle' }), []);
  return { state, run, reset };
}
