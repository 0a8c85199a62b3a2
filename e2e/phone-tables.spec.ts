// Tables on a phone (SPEC §9: works at phone width, keyboard accessible): at 390 px each row of a
// table is a card, so an invoice's amounts and total and an API key's Revoke button are on screen
// without scrolling sideways — inside the table as well as on the page — and big enough to tap. The exception is a chart's
// data (a row per minute): a compact table scrolling in its own frame, which holds still while the
// charts refresh.
import { expect, test, type Locator, type Page } from "@playwright/test";
import { api, DEMO, DEMO_API_KEY, OPERATOR, signIn } from "./fixtures/console";
import { expectPhoneControls } from "./fixtures/tap-targets";

const PHONE = { width: 390, height: 844 };

/** A new account with a card on file (the emulator's hosted Checkout), so usage past its credits is invoiced. */
async function signUpWithCard(page: Page): Promise<void> {
  await page.goto("/signup");
  await page.getByLabel("Account name").fill("Phone Tables Ltd");
  await page.getByLabel("E-mail").fill(`phone-tables-${Date.now()}@example.com`);
  await page.getByLabel("Password").fill("correct-horse-battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Phone Tables Ltd" })).toBeVisible();
  await page.goto("/billing");
  await page.getByRole("button", { name: "Add card" }).click();
  await expect(page).toHaveURL(/\/c\/pay\/cs_/);
  await page.getByLabel("Card number").fill("4242424242424242");
  await page.getByLabel("Expiration (MM / YY)").fill("12 / 34");
  await page.getByLabel("CVC").fill("123");
  await page.getByLabel("Name on card").fill("Ada Lovelace");
  await page.getByRole("button", { name: /Save card/ }).click();
  await page.waitForURL(/\/billing/);
  await expect(page.getByTestId("checkout-result")).toContainText("Card added");
}

/** The table's frame does not scroll sideways: every column is within the width of the screen. */
async function expectNoSidewaysScroll(table: Locator): Promise<void> {
  const frame = await table.evaluate((el) => ({ scroll: el.parentElement!.scrollWidth, client: el.parentElement!.clientWidth }));
  expect(frame.scroll, "the table scrolls sideways").toBeLessThanOrEqual(frame.client);
  const page = await table.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(page, "the page scrolls sideways").toBeLessThanOrEqual(0);
}

/** Visible, and inside the screen's width as laid out (no sideways scroll could bring it there). */
async function expectOnScreen(locator: Locator): Promise<void> {
  await expect(locator).toBeVisible();
  const box = (await locator.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
}

test("at 390 px an invoice's amounts and total and an API key's Revoke button are on screen, reachable by keyboard", async ({
  browser,
}, testInfo) => {
  test.setTimeout(300_000);
  const context = await browser.newContext();
  const page = await context.newPage();
  await signUpWithCard(page);
  const key = await api(page, "POST", "/api/v1/api-keys", { name: "phone key" });
  expect(key.status).toBe(201);

  // Usage past the $1 welcome credit: two whole minutes of 8×H100 + 8×A100 ($0.86 a minute).
  const startedAt = Date.now();
  const deploymentIds: string[] = [];
  for (const gpuType of ["H100", "A100"]) {
    const created = await api(page, "POST", "/api/v1/deployments", { model: "hr-small-8b", gpuType, gpuCount: 8 });
    expect(created.status).toBe(201);
    deploymentIds.push(created.body.id);
  }

  // Meanwhile, the API keys page: the key's card shows its status and its Revoke button.
  await page.setViewportSize(PHONE);
  await page.goto("/api-keys");
  const keys = page.getByRole("table", { name: "API keys" });
  await expectNoSidewaysScroll(keys);
  const row = keys.getByRole("row", { name: /phone key/ });
  await expectOnScreen(row.getByText("active"));
  const revoke = row.getByRole("button", { name: "Revoke key phone key" });
  await expectOnScreen(revoke);
  await page.screenshot({ path: testInfo.outputPath("api-keys-390.png"), fullPage: true });
  await revoke.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("dialog")).toBeVisible();
  await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
  await expect(revoke).toBeVisible();

  // Two whole GPU-minutes after the deployments became ready (30 s start-up, aligned to the minute).
  const ready = Math.ceil((startedAt + 30_000) / 60_000) * 60_000;
  const wait = ready + 2 * 60_000 + 2_000 - Date.now();
  if (wait > 0) await page.waitForTimeout(wait);
  for (const id of deploymentIds) expect((await api(page, "PATCH", `/api/v1/deployments/${id}`, { action: "stop" })).status).toBe(200);
  const accountId: string = (await api(page, "GET", "/api/v1/account")).body.id;

  const now = new Date();
  const period = now.toISOString().slice(0, 7);
  const at = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1, 0, 5)).toISOString();
  const operatorContext = await browser.newContext();
  const operator = await operatorContext.newPage();
  await signIn(operator, OPERATOR);
  const closed = await api(operator, "POST", "/api/operator/jobs/month-close", { at, period, accountId });
  expect(closed.status).toBe(200);
  expect(closed.body.result.invoices).toEqual([expect.objectContaining({ accountId })]);
  await operatorContext.close();

  const invoice = (await api(page, "GET", "/api/v1/invoices")).body.invoices[0];
  const detail = (await api(page, "GET", `/api/v1/invoices/${invoice.id}`)).body;
  expect(detail.lines.length).toBeGreaterThan(0);
  expect(Number(detail.totalUsd)).toBeGreaterThan(0);
  await page.goto("/invoices");
  await expectNoSidewaysScroll(page.getByRole("table", { name: "Invoices" }));
  // The invoice pages that need an invoice (the other pages' check is in phone-nav.spec.ts).
  await expectPhoneControls(page, "/invoices");
  await page.getByRole("link", { name: period }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Invoice ${period}` })).toBeVisible();
  await expectPhoneControls(page, "/invoices/[id]");

  const lines = page.getByRole("table", { name: "Line items" });
  await expectNoSidewaysScroll(lines);
  const amounts = lines.getByTestId("line-amount");
  await expect(amounts).toHaveCount(detail.lines.length);
  for (let i = 0; i < detail.lines.length; i++) {
    await expect(amounts.nth(i)).toHaveText(/^\$[\d,]+\.\d\d$/);
    await expectOnScreen(amounts.nth(i));
  }
  // Each value is labelled in its card, the amount included.
  await expectOnScreen(lines.getByRole("row").nth(0).getByText("Amount", { exact: true }));
  const total = lines.getByTestId("invoice-total");
  await expect(total).toHaveText(/^\$[\d,]+\.\d\d$/);
  await expectOnScreen(total);
  await page.screenshot({ path: testInfo.outputPath("invoice-detail-390.png"), fullPage: true });

  // At desktop width the same page is a table with its header row.
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect(lines.getByRole("columnheader", { name: "Amount" })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("invoice-detail-desktop.png"), fullPage: true });
  await context.close();
});

test("at 390 px the usage page's chart data is a compact table behind a disclosure, scrolling in its own frame, still while it refreshes", async ({
  browser,
  baseURL,
}, testInfo) => {
  // A few requests, so the table has numbers in it.
  for (let i = 0; i < 3; i++) {
    const res = await fetch(new URL("/v1/chat/completions", baseURL), {
      method: "POST",
      headers: { authorization: `Bearer ${DEMO_API_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "hr-small-8b", messages: [{ role: "user", content: "hi" }], max_tokens: 4 }),
    });
    expect(res.status).toBe(200);
  }
  const context = await browser.newContext({ viewport: PHONE });
  const page = await context.newPage();
  await page.addInitScript(() => {
    (window as any).__cls = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as any[]) if (!e.hadRecentInput) (window as any).__cls += e.value;
    }).observe({ type: "layout-shift", buffered: true });
  });
  await signIn(page, DEMO);
  await page.goto("/usage?range=1h");
  await page.getByLabel("Model", { exact: true }).selectOption("hr-small-8b");

  // Closed at first: the page is the charts, not 60 rows under them. Opened from the keyboard.
  const table = page.getByRole("table", { name: "Usage of hr-small-8b per minute" });
  await expect(table).toBeHidden();
  await page.locator("summary", { hasText: "Chart data as a table" }).focus();
  await page.keyboard.press("Enter");
  await expect(table).toBeVisible();

  // A real table (also for screen readers): a header row, and one row per minute headed by its time.
  await expect(table.getByRole("columnheader", { name: "RPM used" })).toBeVisible();
  await expect(table.getByRole("rowheader")).toHaveCount(60);
  await expect(table.getByRole("rowheader").first()).toContainText("(so far)");
  const rowHeight = (await table.getByRole("row").nth(1).boundingBox())!.height;
  expect(rowHeight, "a minute is one line, not a card").toBeLessThanOrEqual(48);

  // Its frame scrolls both ways and the page does not; the frame is a tab stop, so keys scroll it.
  const frame = page.getByRole("region", { name: "Usage of hr-small-8b per minute" });
  const frameBox = (await frame.boundingBox())!;
  expect(frameBox.height).toBeLessThanOrEqual(400);
  expect(frameBox.x).toBeGreaterThanOrEqual(0);
  expect(frameBox.x + frameBox.width).toBeLessThanOrEqual(PHONE.width);
  const scroll = await frame.evaluate((el) => ({ w: el.scrollWidth - el.clientWidth, h: el.scrollHeight - el.clientHeight }));
  expect(scroll.w).toBeGreaterThan(0);
  expect(scroll.h).toBeGreaterThan(0);
  expect(
    await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    "the page scrolls sideways",
  ).toBeLessThanOrEqual(0);

  // The time column and the header row stay in place while the frame scrolls.
  const time = table.getByRole("rowheader").first();
  const header = table.getByRole("columnheader", { name: "Time" });
  // Where they sit in the frame (the page may scroll to bring the frame into view as it takes focus).
  const inFrame = async () => {
    const [f, t, h] = await Promise.all([frame.boundingBox(), time.boundingBox(), header.boundingBox()]);
    return { timeX: t!.x - f!.x, headerY: h!.y - f!.y };
  };
  const before = await inFrame();
  await frame.focus();
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("PageDown");
  await expect.poll(() => frame.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
  await expect.poll(() => frame.evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
  expect(await inFrame()).toEqual(before);
  await page.screenshot({ path: testInfo.outputPath("usage-table-390.png") });

  // The charts refresh every 2 s: nothing on the page moves, the frame keeps its size.
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.evaluate(() => ((window as any).__cls = 0));
  await page.waitForTimeout(6_000);
  expect(await page.evaluate(() => (window as any).__cls as number), "layout shift during live updates").toBeLessThan(0.01);
  expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBe(height);
  expect((await frame.boundingBox())!.height).toBe(frameBox.height);
  await context.close();
});
