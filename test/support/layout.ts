// Geometry checks for a booth screen at any text size: every control is on
// the screen (or in a region that scrolls to it), shows its whole label, is
// not covered by anything, and overlaps no other control (WCAG 1.4.4, 1.4.10).
import type { Page } from 'playwright-core';

/** What is wrong with the layout the page shows now, one line per problem (empty: nothing). */
export async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const width = window.innerWidth;
    const height = window.innerHeight;
    // With a dialog or the officer's sign up, only its controls can be touched.
    const layers = [...document.querySelectorAll('.overlay, .officer-sign')];
    const top = layers.at(-1) ?? document.body;
    const controls = [...top.querySelectorAll<HTMLElement>('button, input, select, textarea, output, a[href]')].filter(
      (element) => element.getClientRects().length > 0 && getComputedStyle(element).visibility !== 'hidden',
    );
    const nameOf = (element: HTMLElement) =>
      `"${element.dataset['testid'] ?? (element.getAttribute('aria-label') || element.textContent || element.tagName).trim().slice(0, 40)}"`;
    const scrollsY = (element: Element) =>
      /(auto|scroll)/.test(getComputedStyle(element).overflowY) && element.scrollHeight > element.clientHeight;

    type Box = { left: number; top: number; right: number; bottom: number };
    const visible = new Map<HTMLElement, Box>();
    for (const control of controls) {
      const rect = control.getBoundingClientRect();
      let box: Box = { left: rect.left, top: rect.top, right: rect.right, bottom: rect.bottom };
      let scroller: Element | null = null;
      for (let parent = control.parentElement; parent; parent = parent.parentElement) {
        if (!scrollsY(parent)) continue;
        scroller ??= parent;
        const clip = parent.getBoundingClientRect();
        box = { left: box.left, right: box.right, top: Math.max(box.top, clip.top), bottom: Math.min(box.bottom, clip.bottom) };
      }
      if (rect.left < -0.5 || rect.right > width + 0.5) problems.push(`${nameOf(control)} is cut off at the side of the screen`);
      if (!scroller && (rect.top < -0.5 || rect.bottom > height + 0.5)) problems.push(`${nameOf(control)} is off the screen`);
      if (scroller) {
        const clip = scroller.getBoundingClientRect();
        if (clip.top < -0.5 || clip.bottom > height + 0.5)
          problems.push(`${nameOf(control)} scrolls in a region that is itself off the screen`);
      }
      if (control.scrollWidth > control.clientWidth + 1) problems.push(`${nameOf(control)} does not show its whole label`);
      if (box.bottom - box.top > 1) visible.set(control, box);
    }

    const shown = [...visible.entries()];
    for (const [control, box] of shown) {
      // The control's own centre must be its own: nothing drawn over it.
      const x = (box.left + box.right) / 2;
      const y = (box.top + box.bottom) / 2;
      const hit = document.elementFromPoint(Math.min(Math.max(x, 0), width - 1), Math.min(Math.max(y, 0), height - 1));
      if (hit && !control.contains(hit) && !hit.contains(control))
        problems.push(`${nameOf(control)} is covered by ${hit.tagName.toLowerCase()}.${hit.className}`);
    }
    for (let i = 0; i < shown.length; i++) {
      for (let j = i + 1; j < shown.length; j++) {
        const [a, boxA] = shown[i]!;
        const [b, boxB] = shown[j]!;
        if (a.contains(b) || b.contains(a)) continue;
        const across = Math.min(boxA.right, boxB.right) - Math.max(boxA.left, boxB.left);
        const down = Math.min(boxA.bottom, boxB.bottom) - Math.max(boxA.top, boxB.top);
        if (across > 1 && down > 1) problems.push(`${nameOf(a)} and ${nameOf(b)} overlap`);
      }
    }
    if (document.documentElement.scrollWidth > width + 1) problems.push('the page is wider than the screen');
    return problems;
  });
}

/** The controls named by `testIds` that are not in the lower half of the screen (a seated citizen's reach on a portrait booth). */
export async function outOfSeatedReach(page: Page, testIds: string[]): Promise<string[]> {
  const height = page.viewportSize()?.height ?? 0;
  const far: string[] = [];
  for (const testId of testIds) {
    const box = await page.getByTestId(testId).boundingBox();
    if (!box || box.y < height / 2) far.push(testId);
  }
  return far;
}
