import { useEffect, useState } from 'react';
import type { Page } from '../../../../../src/contract';
import { Notice, nextStep } from '../../components/states';
import { useAction } from '../../use-load';

/**
 * A list the release page shows the first page of, and "Load more" for the next pages (each asked
 * for by the cursor the previous one gave). A fresher first page (the page reloads while a deploy
 * moves) starts the list again from it.
 */
export function usePagedList<T>(first: T[], cursor: string | null, fetchPage: (cursor: string) => Promise<Page<T>>) {
  const [later, setLater] = useState<{ items: T[]; cursor: string | null }>({ items: [], cursor });
  useEffect(() => setLater({ items: [], cursor }), [first, cursor]);
  const load = useAction(
    (from: string) => fetchPage(from),
    (page) => setLater((shown) => ({ items: [...shown.items, ...page.items], cursor: page.nextCursor })),
  );
  return { items: [...first, ...later.items], next: later.cursor, load };
}

export function LoadMore<T>({ list, what }: { list: ReturnType<typeof usePagedList<T>>; what: string }) {
  const { next, load } = list;
  if (next === null) return null;
  const running = load.state.status === 'running';
  return (
    <>
      <button type="button" className="button" onClick={() => void load.run(next)} disabled={running}>
        {running ? 'Loading…' : `Load more ${what}`}
      </button>
      {load.state.status === 'failed' && (
        <Notice appearance="error" title={`More ${what} could not be loaded`}>
          <p>{load.state.error.message}</p>
          <p>{nextStep(load.state.error)}</p>
        </Notice>
      )}
    </>
  );
}
