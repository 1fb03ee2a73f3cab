'use client';

import { useEffect, useRef, useState, type ReactNode } from 'react';

/**
 * A wide table that scrolls sideways inside its card rather than the page: a shadow at the edge
 * with more to see (CSS alone), and, while the table is wider than its card, a line saying so.
 * `stacked`: on a phone each row is shown as a block of its cells instead (each cell names its
 * column in `data-label`).
 */
export function TableScroll({ children, label, stacked }: { children: ReactNode; label: string; stacked?: boolean }) {
  const scroller = useRef<HTMLDivElement>(null);
  const [overflowing, setOverflowing] = useState(false);
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const check = () => setOverflowing(el.scrollWidth > el.clientWidth + 1);
    check();
    const observer = new ResizeObserver(check);
    observer.observe(el);
    if (el.firstElementChild) observer.observe(el.firstElementChild);
    return () => observer.disconnect();
  }, []);
  return (
    <div className={stacked ? 'wide-table stacked-on-phone' : 'wide-table'}>
      {overflowing && (
        <p className="scroll-hint" aria-hidden="true">
          Scroll the table sideways for more columns →
        </p>
      )}
      <div className="table-scroll" role="region" aria-label={label} ref={scroller}>
        {children}
      </div>
    </div>
  );
}
