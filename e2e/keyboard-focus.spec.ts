// Keyboard focus (SPEC §9: keyboard accessible): Tab through every console and operator page and the
// focused control always shows a focus ring; and a control that draws its own ring (focus-visible:
// utilities, e.g. the usage data table's ring inside its frame) gets it, over the console's default.
import { expect, test, type Page } from "@playwright/test";
import { DEMO, OPERATOR, signIn } from "./fixtures/console";

const CONSOLE_PAGES = ["/", "/usage", "/billing", "/invoices", "/quotas", "/api-keys", "/members", "/deployments", "/notifications"];
const OPERATOR_PAGES = ["/operator/accounts", "/operator/quota-requests", "/operator/policies"];

interface Focused {
  what: string;
  ring: boolean;
  outline: string;
}

/**
 * The focused element and whether a ring shows on it: an outline (style not none, wide, not
 * transparent), or a ring drawn as a box-shadow (a spread with no blur). A visually hidden radio
 * button or checkbox shows its ring on its label.
 */
function focused(page: Page): Promise<Focused | null> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const small = el.getBoundingClientRect().width <= 1;
    const target = small ? (el.closest("label") ?? el) : el;
    const s = getComputedStyle(target);
    const clear = (color: string) => /,\s*0\)$/.test(color) || color === "transparent";
    const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 1 && !clear(s.outlineColor);
    const shadowRing = [...s.boxShadow.matchAll(/(rgba?\([^)]*\)) 0px 0px 0px ([\d.]+)px/g)].some(
      ([, color, spread]) => parseFloat(spread!) >= 1 && !clear(color!),
    );
    const name = (el.getAttribute("aria-label") ?? el.textContent ?? "").replace(/\s+/g, " ").trim().slice(0, 50);
    return {
      what: `${el.tagName.toLowerCase()}${el.getAttribute("type") ? `[type=${el.getAttribute("type")}]` : ""} "${name}"`,
      ring: outline || shadowRing,
      outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor} offset ${s.outlineOffset}; shadow ${s.boxShadow}`,
    };
  });
}

/** Tabs from the top of the page through every control (until focus comes round again), soft-asserting a ring on each. */
async function tabThrough(page: Page, path: string): Promise<number> {
  await page.goto(path);
  await page.locator("main h1").waitFor();
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  const seen = new Set<string>();
  let stops = 0;
  for (let i = 0; i < 120; i++) {
    await page.keyboard.press("Tab");
    const f = await focused(page);
    if (!f) break;
    const key = await page.evaluate(() => {
      const el = document.activeElement!;
      return `${el.tagName}#${[...document.querySelectorAll("*")].indexOf(el)}`;
    });
    if (seen.has(key)) break;
    seen.add(key);
    stops += 1;
    expect.soft(f.ring, `${path}: no focus ring on ${f.what} (${f.outline})`).toBe(true);
  }
  return stops;
}

test("every control reached by Tab shows a focus ring, on every console and operator page", async ({ browser }) => {
  test.setTimeout(180_000);
  for (const [who, paths] of [
    [DEMO, CONSOLE_PAGES],
    [OPERATOR, OPERATOR_PAGES],
  ] as const) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await signIn(page, who);
    for (const path of paths) {
      const stops = await tabThrough(page, path);
      expect(stops, `${path}: Tab reaches the navigation and the page's controls`).toBeGreaterThan(5);
    }
    await context.close();
  }
});

test("the usage data table's disclosure and frame draw their ring inside their edges, as their classes ask", async ({ page }) => {
  await signIn(page, DEMO);
  await page.goto("/usage");
  const summary = page.locator("summary", { hasText: "Chart data as a table" });
  const frame = page.getByRole("region", { name: /^Usage of .* per / });
  const ring = (locator: typeof summary) =>
    locator.evaluate((el) => {
      const s = getComputedStyle(el);
      return { style: s.outlineStyle, width: s.outlineWidth, offset: s.outlineOffset, focusVisible: el.matches(":focus-visible") };
    });

  // By keyboard: Tab to the disclosure, open it, Tab into the table's frame. Tab until it has focus,
  // not a fixed number of presses from the control before it: the live chart above re-renders as it
  // refreshes, and a control it replaces takes the focus with it.
  const hasFocus = () => summary.evaluate((el) => el === document.activeElement);
  for (let i = 0; i < 100 && !(await hasFocus()); i++) await page.keyboard.press("Tab");
  await expect(summary).toBeFocused();
  expect(await ring(summary)).toEqual({ style: "solid", width: "2px", offset: "-2px", focusVisible: true });
  await page.keyboard.press("Enter");
  await expect(frame).toBeVisible();
  await page.keyboard.press("Tab");
  await expect(frame).toBeFocused();
  expect(await ring(frame)).toEqual({ style: "solid", width: "2px", offset: "-2px", focusVisible: true });
});
