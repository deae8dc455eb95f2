import type { Page } from 'playwright-core';

/** A box in viewport coordinates. */
interface Box {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/**
 * What covers the element matched by `selector`, sampled with `elementFromPoint` on a 5x3 grid inside it:
 * a description (`tag#id.class`) of every element on top that is neither the element nor inside it. An
 * empty list means a person can see and click all of it. Shadow hosts (Next's dev badge) count as covers.
 */
export function coveringElements(page: Page, selector: string): Promise<string[]> {
  return page.locator(selector).evaluate(target => {
    const rect = target.getBoundingClientRect();
    const found = new Set<string>();
    for (const fx of [0.05, 0.25, 0.5, 0.75, 0.95]) {
      for (const fy of [0.1, 0.5, 0.9]) {
        const x = rect.left + rect.width * fx;
        const y = rect.top + rect.height * fy;
        const top = document.elementFromPoint(x, y);
        if (top && top !== target && !target.contains(top)) {
          const id = top.id ? `#${top.id}` : '';
          const classes = [...top.classList].map(name => `.${name}`).join('');
          found.add(
            `${top.tagName.toLowerCase()}${id}${classes} at (${Math.round(x)}, ${Math.round(y)})`,
          );
        }
      }
    }
    return [...found];
  });
}

/** How many lines of text the element takes (its height over its computed line height, rounded). */
export function lineCount(page: Page, selector: string): Promise<number> {
  return page.locator(selector).evaluate(element => {
    const style = getComputedStyle(element);
    const lineHeight =
      Number.parseFloat(style.lineHeight) || Number.parseFloat(style.fontSize) * 1.2;
    const height = element.getBoundingClientRect().height;
    return Math.round(height / lineHeight);
  });
}

/** A scroll pane's position: `atBottom` when less than 2 px are left below what is visible. */
export function scrollState(page: Page, selector: string) {
  return page.locator(selector).evaluate(pane => ({
    scrollTop: Math.round(pane.scrollTop),
    scrollHeight: pane.scrollHeight,
    clientHeight: pane.clientHeight,
    atBottom: pane.scrollHeight - pane.scrollTop - pane.clientHeight < 2,
  }));
}

/**
 * Whether the element is entirely visible: inside the viewport and inside `clip` (the scroll pane that
 * would hide it), and not covered at its centre. Returns the reason when it is not.
 */
export async function visibility(
  page: Page,
  selector: string,
  clip: string,
): Promise<{ visible: boolean; reason?: string }> {
  const [box, clipBox] = await Promise.all([boxOf(page, selector), boxOf(page, clip)]);
  const viewport = page.viewportSize() ?? { width: 0, height: 0 };
  const inside = (inner: Box, outer: Box) =>
    inner.top >= outer.top - 1 &&
    inner.bottom <= outer.bottom + 1 &&
    inner.left >= outer.left - 1 &&
    inner.right <= outer.right + 1;
  if (!inside(box, { top: 0, left: 0, bottom: viewport.height, right: viewport.width })) {
    return { visible: false, reason: `outside the viewport: ${JSON.stringify(box)}` };
  }
  if (!inside(box, clipBox)) {
    return {
      visible: false,
      reason: `clipped by ${clip}: ${JSON.stringify(box)} not in ${JSON.stringify(clipBox)}`,
    };
  }
  const covers = await coveringElements(page, selector);
  return covers.length === 0
    ? { visible: true }
    : { visible: false, reason: `covered by ${covers[0]}` };
}

function boxOf(page: Page, selector: string): Promise<Box> {
  return page.locator(selector).evaluate(element => {
    const { top, bottom, left, right } = element.getBoundingClientRect();
    return { top, bottom, left, right };
  });
}
