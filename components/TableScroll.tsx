import type { ReactNode } from 'react';

/**
 * A wide table that scrolls sideways inside its card rather than the page: a shadow at the edge
 * with more to see, and on narrow screens a line saying so.
 */
export function TableScroll({ children, label }: { children: ReactNode; label: string }) {
  return (
    <div className="wide-table">
      <p className="scroll-hint" aria-hidden="true">
        Scroll the table sideways for more columns →
      </p>
      <div className="table-scroll" role="region" aria-label={label}>
        {children}
      </div>
    </div>
  );
}
