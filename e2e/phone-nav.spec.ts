// The console's navigation on a phone (SPEC §9: works at phone width, keyboard accessible, no layout
// shift): at 390 px a bar names the current page and a Menu button opens every page; it opens and
// closes by keyboard, navigates, and opening it moves nothing. Open, it is a modal dialog: focus goes
// in and stays, the page behind is inert and does not scroll. No page scrolls sideways, and every
// control on every page is big enough to tap (44 × 44 px) on a touch screen: a phone either way up, and a
// tablet. At desktop width with a mouse the sidebar is as it was.
import { expect, test, type Page } from "@playwright/test";
import { addMember, api, DEMO, OPERATOR, signIn, signOut } from "./fixtures/console";
import { expectPhoneControls } from "./fixtures/tap-targets";

const PHONE = { width: 390, height: 844 };

const PAGES = [
  { path: "/", nav: "Overview", heading: "Demo Inc." },
  { path: "/usage", nav: "Usage & limits", heading: "Usage & rate limits" },
  { path: "/billing", nav: "Billing", heading: "Billing" },
  { path: "/invoices", nav: "Invoices", heading: "Invoices" },
  { path: "/quotas", nav: "Quotas", heading: "Quotas" },
  { path: "/api-keys", nav: "API keys", heading: "API keys" },
  { path: "/members", nav: "Members", heading: "Members" },
  { path: "/deployments", nav: "Deployments", heading: "Deployments & fine-tuning" },
  { path: "/notifications", nav: "Notifications", heading: "Notifications" },
] as const;

const OPERATOR_PAGES = [
  { path: "/operator/accounts", nav: "Accounts", heading: "Accounts" },
  { path: "/operator/quota-requests", nav: "Quota requests", heading: "Quota requests" },
  { path: "/operator/policies", nav: "Rate-limit policies", heading: "Rate-limit policies" },
] as const;

/**
 * Touch screens the console is used on, each layout once: a phone held upright (the phone layout) and on
 * its side (740 px: still the phone layout, above `sm`), and a tablet (1024 px: the desktop layout).
 */
const TOUCH_SCREENS = [PHONE, { width: 740, height: 390 }, { width: 1024, height: 768 }] as const;

/** expectPhoneControls on each touch screen's width (the context has touch), then back to the phone's. */
async function expectTouchControls(page: Page, where: string, scopes?: string[]): Promise<void> {
  for (const size of TOUCH_SCREENS) {
    await page.setViewportSize(size);
    await expectPhoneControls(page, `${where} at ${size.width} px`, scopes);
  }
  await page.setViewportSize(PHONE);
}

async function noHorizontalScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `${page.url()} scrolls sideways`).toBeLessThanOrEqual(0);
}

function navOf(page: Page) {
  const nav = page.getByRole("navigation", { name: "Console" });
  return { nav, menu: nav.getByRole("button", { name: "Menu" }) };
}

/** Every page at phone width: its name in the bar, the menu closed, nothing wider than the screen. */
async function visitAll(page: Page, pages: readonly { path: string; nav: string; heading: string }[]): Promise<void> {
  const { nav, menu } = navOf(page);
  for (const p of pages) {
    await page.goto(p.path);
    await expect(page.getByRole("heading", { level: 1, name: p.heading })).toBeVisible();
    await expect(nav.getByTestId("nav-current-page")).toHaveText(p.nav);
    await expect(menu).toHaveAttribute("aria-expanded", "false");
    await expect(nav.getByRole("link", { name: p.nav, exact: true, includeHidden: true })).toBeHidden();
    await noHorizontalScroll(page);
  }
}

test("at 390 px the console's menu opens and closes by keyboard, navigates, and no page scrolls sideways", async ({
  browser,
}, testInfo) => {
  const context = await browser.newContext({ viewport: PHONE, hasTouch: true });
  const page = await context.newPage();
  await signIn(page, DEMO);
  await visitAll(page, PAGES);

  await page.goto("/usage");
  const { nav, menu } = navOf(page);
  const heading = page.getByRole("heading", { level: 1, name: "Usage & rate limits" });
  const before = await heading.boundingBox();

  // Keyboard: Enter opens (the button says so and names what it controls); the current page is marked.
  await menu.focus();
  await page.keyboard.press("Enter");
  await expect(menu).toHaveAttribute("aria-expanded", "true");
  const panel = page.locator(`#${await menu.getAttribute("aria-controls")}`);
  await expect(panel).toBeVisible();
  await expect(panel.getByRole("link")).toHaveCount(PAGES.length);
  await expect(panel.getByRole("link", { name: "Usage & limits", exact: true })).toHaveAttribute("aria-current", "page");
  await expect(panel.getByRole("button", { name: "Sign out" })).toBeVisible();
  // It opens over the page: nothing under it moved, and it fits the screen.
  expect(await heading.boundingBox()).toEqual(before);
  await noHorizontalScroll(page);
  for (const link of await panel.getByRole("link").all()) {
    const box = (await link.boundingBox())!;
    expect(box.height, "a row of the menu is big enough to tap").toBeGreaterThanOrEqual(44);
    expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
  }
  await page.screenshot({ path: testInfo.outputPath("menu-open-390.png") });

  // Focus has moved into the menu; Escape closes it and puts focus back on the button.
  await expect(panel.getByRole("link", { name: "Overview", exact: true })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await expect(panel).toBeHidden();
  await expect(menu).toBeFocused();

  // Space opens it again; Enter on a link goes there, closes the menu, and focus stays on its button.
  await page.keyboard.press("Space");
  await expect(panel).toBeVisible();
  await panel.getByRole("link", { name: "Billing", exact: true }).focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/billing$/);
  await expect(page.getByRole("heading", { level: 1, name: "Billing" })).toBeVisible();
  await expect(panel).toBeHidden();
  await expect(menu).toBeFocused();
  await expect(nav.getByTestId("nav-current-page")).toHaveText("Billing");

  // A tap on the page beside an open menu closes it without acting on the page.
  await menu.tap();
  await expect(panel).toBeVisible();
  await page.touchscreen.tap(PHONE.width / 2, PHONE.height - 20);
  await expect(panel).toBeHidden();
  await expect(page).toHaveURL(/\/billing$/);

  // By touch, a link of the menu navigates.
  await menu.tap();
  await panel.getByRole("link", { name: "Deployments", exact: true }).tap();
  await expect(page.getByRole("heading", { level: 1, name: "Deployments & fine-tuning" })).toBeVisible();
  await expect(panel).toBeHidden();
  await expect(nav.getByRole("link", { name: "Deployments", exact: true, includeHidden: true })).toHaveAttribute("aria-current", "page");

  // The menu's bar stays at the top of a long page.
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await expect(menu).toBeInViewport();

  // At desktop width: the sidebar with every link, no Menu button.
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect(menu).toBeHidden();
  for (const p of PAGES) await expect(nav.getByRole("link", { name: p.nav, exact: true })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Deployments", exact: true })).toHaveAttribute("aria-current", "page");
  await page.setViewportSize(PHONE);

  await signOut(page);
  await context.close();
});

test("at 390 px the open menu is a modal dialog: focus moves in and stays, Escape or a tap outside closes it, the page behind is inert and still", async ({
  browser,
}, testInfo) => {
  const context = await browser.newContext({ viewport: PHONE, hasTouch: true });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await signIn(page, DEMO);
  await page.goto("/usage");
  const { menu } = navOf(page);
  const dialog = page.getByRole("dialog", { name: "Menu" });
  const main = page.locator("main");
  const heading = page.getByRole("heading", { level: 1, name: "Usage & rate limits" });
  const scrollY = () => page.evaluate(() => window.scrollY);
  const focusInDialog = () => dialog.evaluate((el) => el.contains(document.activeElement));
  /**
   * A finger dragged up 300 px by the screen's bottom edge (below the open menu), as a phone's touch
   * screen sends it, then held still before it lifts: no fling, whose momentum would go on moving
   * the page after the test puts it back, and would swallow the next tap (a tap only stops a fling).
   */
  const swipeUp = async () => {
    const x = PHONE.width / 2;
    const y = PHONE.height - 30;
    await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [{ x, y }] });
    for (let i = 1; i <= 10; i++) {
      await cdp.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: [{ x, y: y - i * 30 }] });
      await page.waitForTimeout(16);
    }
    await page.waitForTimeout(150);
    await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
  };

  // Part way down the page (it is taller than the screen), so any scroll of the page behind would show.
  await page.evaluate(() => window.scrollTo(0, 200));
  await expect.poll(scrollY).toBe(200);
  const layout = async () => ({
    heading: await heading.boundingBox(),
    width: await page.evaluate(() => document.documentElement.clientWidth),
  });
  const before = await layout();

  // Keyboard: Enter opens a modal dialog named "Menu", and focus moves into it.
  await menu.focus();
  await page.keyboard.press("Enter");
  await expect(dialog).toBeVisible();
  await expect(dialog).toHaveAttribute("aria-modal", "true");
  await expect(dialog.getByRole("link", { name: "Overview", exact: true })).toBeFocused();
  // The page behind is inert: out of reach of Tab, pointer and assistive technology.
  await expect(main).toHaveAttribute("inert", "");
  await page.screenshot({ path: testInfo.outputPath("menu-dialog-390.png") });

  // Tab and Shift+Tab go round the menu's controls and never leave it.
  const stops = await dialog.evaluate(
    (el) =>
      [...el.querySelectorAll<HTMLElement>("a[href], button, input, select, textarea, [tabindex]")].filter(
        (c) => c.tabIndex >= 0 && c.checkVisibility(),
      ).length,
  );
  expect(stops).toBeGreaterThan(PAGES.length);
  for (let i = 0; i < stops + 2; i++) {
    await page.keyboard.press("Tab");
    expect(await focusInDialog(), `focus left the menu after ${i + 1} × Tab`).toBe(true);
  }
  for (let i = 0; i < stops + 2; i++) {
    await page.keyboard.press("Shift+Tab");
    expect(await focusInDialog(), `focus left the menu after ${i + 1} × Shift+Tab`).toBe(true);
  }
  // From the last control Tab wraps to the first, and Shift+Tab back again.
  const signOutButton = dialog.getByRole("button", { name: "Sign out" });
  await signOutButton.focus();
  await page.keyboard.press("Tab");
  await expect(dialog.getByRole("link", { name: "headroom", exact: true })).toBeFocused();
  await page.keyboard.press("Shift+Tab");
  await expect(signOutButton).toBeFocused();

  // The page behind does not scroll, by wheel or by finger, and nothing moved (no scrollbar taken away).
  await page.mouse.move(PHONE.width / 2, PHONE.height - 30);
  await page.mouse.wheel(0, 400);
  await swipeUp();
  await page.waitForTimeout(300);
  expect(await scrollY()).toBe(200);
  expect(await layout()).toEqual(before);

  // Escape closes it, focus back on the Menu button; the page is live again, where it was, and scrolls.
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await expect(menu).toBeFocused();
  await expect(main).not.toHaveAttribute("inert");
  expect(await scrollY()).toBe(200);
  expect(await layout()).toEqual(before);
  await swipeUp();
  await expect.poll(scrollY, { message: "the page scrolls by finger once the menu is closed" }).toBeGreaterThan(200);

  // Touch: a tap opens it, a tap outside it (on the dimmed page) closes it without acting on the page.
  await page.evaluate(() => window.scrollTo(0, 200));
  await expect.poll(scrollY).toBe(200);
  await menu.tap();
  await expect(dialog).toBeVisible();
  await expect(main).toHaveAttribute("inert", "");
  await swipeUp();
  await page.waitForTimeout(300);
  expect(await scrollY()).toBe(200);
  await page.touchscreen.tap(PHONE.width / 2, PHONE.height - 30);
  await expect(dialog).toHaveCount(0);
  await expect(menu).toBeFocused();
  await expect(main).not.toHaveAttribute("inert");
  await expect(page).toHaveURL(/\/usage$/);
  expect(await scrollY()).toBe(200);

  // Widened past the phone layout while open (a tablet turned), the menu closes and the page is live.
  await menu.tap();
  await expect(dialog).toBeVisible();
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect(dialog).toHaveCount(0);
  await expect(main).not.toHaveAttribute("inert");
  expect(await page.evaluate(() => getComputedStyle(document.documentElement).overflowY)).not.toBe("hidden");
  await context.close();
});

test("at 390 px the operator console has the same menu, and its pages do not scroll sideways", async ({ browser }) => {
  // A member with a long e-mail address, listed on the account's page.
  const owner = await browser.newContext();
  const ownerPage = await owner.newPage();
  await signIn(ownerPage, DEMO);
  await addMember(ownerPage, `a-member-with-a-rather-long-address-${Date.now()}@example.com`, "member-password");
  await owner.close();

  const context = await browser.newContext({ viewport: PHONE });
  const page = await context.newPage();
  await signIn(page, OPERATOR);
  await visitAll(page, OPERATOR_PAGES);

  // An account's page, from the list.
  await page.goto("/operator/accounts");
  await page.getByRole("link", { name: "Demo Inc.", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Demo Inc." })).toBeVisible();
  const { nav, menu } = navOf(page);
  await expect(nav.getByTestId("nav-current-page")).toHaveText("Accounts");
  await noHorizontalScroll(page);

  await menu.click();
  const panel = page.locator(`#${await menu.getAttribute("aria-controls")}`);
  await expect(panel.getByRole("link", { name: "Accounts", exact: true })).toHaveAttribute("aria-current", "page");
  await panel.getByRole("link", { name: "Rate-limit policies", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Rate-limit policies" })).toBeVisible();
  await expect(panel).toBeHidden();
  await noHorizontalScroll(page);
  await context.close();
});

test("on touch screens (390, 740 and 1024 px) every control on every console, operator and sign-in page is at least 44 × 44 px, and every field at 16 px", async ({
  browser,
}, testInfo) => {
  test.setTimeout(240_000);
  // An owner with a row of everything that has row actions, and a second account to switch to (so the
  // account switcher shows): a member, a pending invitation, a custom model, a stopped deployment,
  // a quota request.
  const email = `tap-targets-${Date.now()}@example.com`;
  const context = await browser.newContext({ viewport: PHONE, hasTouch: true });
  const page = await context.newPage();
  // The sign-in and sign-up pages, signed out.
  await page.goto("/signin");
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  await expectTouchControls(page, "/signin", ["main"]);
  await page.goto("/signup");
  await expect(page.getByRole("button", { name: "Create account" })).toBeVisible();
  await expectTouchControls(page, "/signup", ["main"]);
  await page.getByLabel("Account name").fill("Tap Targets Ltd");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill("correct-horse-battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Tap Targets Ltd" })).toBeVisible();
  const accountId: string = (await api(page, "GET", "/api/v1/account")).body.id;
  await addMember(page, `tap-member-${Date.now()}@example.com`, "member-password");
  expect((await api(page, "POST", "/api/v1/models", { name: "tap-lora", kind: "lora", baseModel: "hr-small-8b" })).status).toBe(201);
  const deployment = await api(page, "POST", "/api/v1/deployments", { model: "hr-small-8b", gpuType: "A100", gpuCount: 1 });
  expect(deployment.status).toBe(201);
  expect((await api(page, "PATCH", `/api/v1/deployments/${deployment.body.id}`, { action: "stop" })).status).toBe(200);
  const request = { quota: "a100-gpus", value: 16, reason: "Tap targets" };
  expect((await api(page, "POST", "/api/v1/quota-requests", request)).status).toBe(201);

  const demo = await browser.newContext();
  const demoPage = await demo.newPage();
  await signIn(demoPage, DEMO);
  const invited = await api(demoPage, "POST", "/api/v1/members", { email, role: "member" });
  expect(invited.status).toBe(201);
  await demo.close();
  const token = new URL(invited.body.acceptUrl).pathname.split("/").pop();
  expect((await api(page, "POST", `/api/invitations/${token}/accept`, {})).status).toBe(200);
  expect((await api(page, "POST", "/api/session/account", { accountId })).status).toBe(200);

  for (const p of PAGES.filter((p) => p.path !== "/")) {
    await page.goto(p.path);
    await expect(page.getByRole("heading", { level: 1, name: p.heading })).toBeVisible();
    // The controls that appear after an action: a new key's "I have copied it", a new invitation's "Done".
    if (p.path === "/api-keys") {
      await page.getByLabel("Name").fill("tap key");
      await page.getByRole("button", { name: "Create key" }).click();
      await expect(page.getByRole("button", { name: "I have copied it" })).toBeVisible();
    }
    if (p.path === "/members") {
      await page.getByLabel("E-mail").fill(`tap-invitee-${Date.now()}@example.com`);
      await page.getByRole("button", { name: "Send invitation" }).click();
      await expect(page.getByTestId("invite-link")).toBeVisible();
    }
    if (p.path === "/usage") await page.locator("summary", { hasText: "Chart data as a table" }).click();
    await expectTouchControls(page, p.path);
    await page.screenshot({ path: testInfo.outputPath(`tap-targets${p.path.replaceAll("/", "-")}-390.png`), fullPage: true });
  }
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Tap Targets Ltd" })).toBeVisible();
  await expectTouchControls(page, "/");
  // The navigation's menu, open, and the account switcher in it.
  const { menu } = navOf(page);
  await menu.click();
  await expect(page.getByRole("button", { name: "Switch account" })).toBeVisible();
  await expectPhoneControls(page, "/ (menu open)");
  await page.getByRole("button", { name: "Switch account" }).click();
  await expect(page.getByRole("list", { name: "Your accounts" })).toBeVisible();
  await expectPhoneControls(page, "/ (account switcher open)");
  await page.screenshot({ path: testInfo.outputPath("tap-targets-switcher-390.png") });
  await context.close();

  const operatorContext = await browser.newContext({ viewport: PHONE, hasTouch: true });
  const operator = await operatorContext.newPage();
  await signIn(operator, OPERATOR);
  await operator.goto("/operator/accounts");
  await operator.getByLabel("Account id, name or member e-mail").fill(email);
  await operator.getByRole("button", { name: "Search" }).click();
  await expect(operator.getByRole("link", { name: "Tap Targets Ltd" })).toBeVisible();
  await expectTouchControls(operator, "/operator/accounts");
  for (const p of [
    { path: `/operator/accounts/${accountId}`, heading: "Tap Targets Ltd" },
    { path: "/operator/quota-requests", heading: "Quota requests" },
    { path: "/operator/policies", heading: "Rate-limit policies" },
  ]) {
    await operator.goto(p.path);
    await expect(operator.getByRole("heading", { level: 1, name: p.heading })).toBeVisible();
    if (p.path.startsWith("/operator/accounts/")) await operator.locator("summary", { hasText: "Audit trail" }).click();
    await expectTouchControls(operator, p.path);
    await operator.screenshot({ path: testInfo.outputPath(`tap-targets${p.path.replaceAll("/", "-")}-390.png`), fullPage: true });
  }
  await navOf(operator).menu.click();
  await expectPhoneControls(operator, "/operator/policies (menu open)");
  await operatorContext.close();
});
