import { useEffect, useState } from 'react';
import { copyText } from '../clipboard';

/** Copies a value (a full fingerprint) while the page shows only its short form. */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const [outcome, setOutcome] = useState<'idle' | 'copied' | 'failed'>('idle');

  useEffect(() => {
    if (outcome === 'idle') return;
    const timer = setTimeout(() => setOutcome('idle'), 2000);
    return () => clearTimeout(timer);
  }, [outcome]);

  const onClick = async () => setOutcome((await copyText(value)) ? 'copied' : 'failed');

  return (
    <button
      type="button"
      className="button button-subtle button-small"
      onClick={onClick}
      aria-label={label}
      title={value}
    >
      {outcome === 'copied' ? 'Copied' : outcome === 'failed' ? 'Copy failed' : 'Copy'}
      <span className="visually-hidden" aria-live="polite">
        {outcome === 'copied'
          ? ' copied to clipboard'
          : outcome === 'failed'
            ? ' select and copy the value by hand'
            : ''}
      </span>
    </button>
  );
}
