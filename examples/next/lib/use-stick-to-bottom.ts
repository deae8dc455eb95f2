import { type RefObject, useCallback, useEffect, useLayoutEffect, useRef } from 'react';

/** How close to the bottom (px) still counts as "reading the latest message". */
const BOTTOM_SLACK = 48;

/** A scroll pane that stays scrolled to its end, unless the reader scrolled up. */
export interface StickToBottom<T extends HTMLElement> {
  ref: RefObject<T | null>;
  /** Pass to the pane's `onScroll`: scrolling up releases the pane, scrolling back down pins it. */
  onScroll(): void;
  /** Pins the pane to its end again (call it when the user sends a message). */
  stick(): void;
}

/**
 * Keeps a scroll pane at its end when `deps` change (a streamed chunk, a new status) and when the pane
 * itself shrinks or grows (an error banner or a wrapped composer takes room below it), as long as the
 * reader was at the end.
 */
export function useStickToBottom<T extends HTMLElement>(deps: unknown[]): StickToBottom<T> {
  const ref = useRef<T>(null);
  const pinned = useRef(true);

  const toEnd = useCallback(() => {
    const pane = ref.current;
    if (pane && pinned.current) pane.scrollTop = pane.scrollHeight;
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `deps` are the caller's triggers
  useLayoutEffect(toEnd, deps);

  useEffect(() => {
    const pane = ref.current;
    if (!pane) return;
    const observer = new ResizeObserver(toEnd);
    observer.observe(pane);
    return () => observer.disconnect();
  }, [toEnd]);

  const onScroll = useCallback(() => {
    const pane = ref.current;
    if (!pane) return;
    pinned.current = pane.scrollHeight - pane.scrollTop - pane.clientHeight <= BOTTOM_SLACK;
  }, []);

  const stick = useCallback(() => {
    pinned.current = true;
    toEnd();
  }, [toEnd]);

  return { ref, onScroll, stick };
}
