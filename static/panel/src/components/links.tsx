import { createContext, useContext, type MouseEvent, type ReactNode } from 'react';
import { openExternal } from '../forge';

/**
 * A link to a page outside Jira (Kosli, GitHub, Jira issues). The host opens it (router.open): Forge's
 * sandboxed iframe may neither navigate itself to other sites nor open popups. The href stays so the
 * address can be seen and copied.
 */
export function ExternalLink({ href, children, label }: { href: string; children: ReactNode; label?: string }) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    event.preventDefault();
    // The host may ask the user to confirm leaving Jira; a declined or failed open leaves the page as it is.
    openExternal(href).catch(() => undefined);
  };
  return (
    <a href={href} onClick={onClick} aria-label={label}>
      {children}
      <span className="visually-hidden"> (opens in a new tab)</span>
    </a>
  );
}

/** A link when there is a URL, plain text when there is none. */
export function MaybeLink({ href, children }: { href: string | null; children: ReactNode }) {
  return href ? <ExternalLink href={href}>{children}</ExternalLink> : <>{children}</>;
}

export const NavigateContext = createContext<(path: string) => void>(() => undefined);

/** An in-app link: a real anchor (focusable, Enter works), routed through the Forge history. */
export function RouteLink({
  to,
  children,
  className,
  current,
}: {
  to: string;
  children: ReactNode;
  className?: string;
  current?: boolean;
}) {
  const navigate = useContext(NavigateContext);
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={`#${to}`} onClick={onClick} className={className} aria-current={current ? 'page' : undefined}>
      {children}
    </a>
  );
}
