// The console: every page at desktop and phone width (screenshots), the spend limit edited within
// the tier's bounds, and the live usage chart's limit line rising while traffic stays at the limit.
import { gzipSync } from "node:zlib";
import { expect, test, type Page } from "@playwright/test";
import { addMember, DEMO, OPERATOR, signIn, signOut, startLoad } from "./fixtures/console";

const PAGES = [
  { path: "/", nav: "Overview", heading: "Demo Inc.", shot: "overview" },
  { path: "/usage", nav: "Usage & limits", heading: "Usage & rate limits", shot: "usage" },
  { path: "/billing", nav: "Billing", heading: "Billing", shot: "billing" },
  { path: "/invoices", nav: "Invoices", heading: "Invoices", shot: "invoices" },
  { path: "/quotas", nav: "Quotas", heading: "Quotas", shot: "quotas" },
  { path: "/api-keys", nav: "API keys", heading: "API keys", shot: "api-keys" },
] as const;

const OPERATOR_PAGES = [
  { path: "/operator/accounts", heading: "Accounts", shot: "operator-accounts" },
  { path: "/operator/quota-requests", heading: "Quota requests", shot: "operator-quota-requests" },
  { path: "/operator/policies", heading: "Rate-limit policies", shot: "operator-policies" },
] as const;

async function noHorizontalScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, "the page scrolls sideways").toBeLessThanOrEqual(0);
}

test("every console page renders from the navigation, at desktop and at 375 px", async ({ page }, testInfo) => {
  await signIn(page, DEMO);
  const nav = page.getByRole("navigation", { name: "Console" });
  for (const p of PAGES) {
    await nav.getByRole("link", { name: p.nav, exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`${p.path === "/" ? "/$" : p.path}`));
    await expect(page.getByRole("heading", { level: 1, name: p.heading })).toBeVisible();
    await expect(nav.getByRole("link", { name: p.nav, exact: true })).toHaveAttribute("aria-current", "page");
    await page.screenshot({ path: testInfo.outputPath(`${p.shot}-desktop.png`), fullPage: true });
  }
  // Stable hooks other suites rely on.
  await page.goto("/billing");
  await expect(page.getByTestId("tier")).toHaveText("Tier 1");
  await expect(page.getByTestId("credit-balance")).toHaveText(/^\$\d/);
  await expect(page.getByTestId("spend-limit")).toHaveText(/^of \$/);
  await expect(page.getByRole("button", { name: "Buy credits" })).toBeEnabled();
  await expect(page.getByRole("button", { name: "Add card" })).toBeEnabled();
  await expect(page.getByTestId("next-tier")).toContainText("more historical spend → Tier 2");

  // An API key: created, shown once, listed, revoked after a confirmation.
  await page.goto("/api-keys");
  await page.getByLabel("Name").fill("e2e key");
  await page.getByRole("button", { name: "Create key" }).click();
  await expect(page.getByTestId("new-key-secret")).toHaveText(/^hr_[A-Za-z0-9]{40}$/);
  await page.screenshot({ path: testInfo.outputPath("api-keys-created-desktop.png"), fullPage: true });
  await page.getByRole("button", { name: "I have copied it" }).click();
  await page.getByRole("button", { name: "Revoke key e2e key" }).click();
  await expect(page.getByRole("dialog")).toBeVisible();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke key" }).click();
  await expect(page.getByRole("row", { name: /e2e key/ }).getByText("revoked")).toBeVisible();

  await page.setViewportSize({ width: 375, height: 812 });
  for (const p of PAGES) {
    await page.goto(p.path);
    await expect(page.getByRole("heading", { level: 1, name: p.heading })).toBeVisible();
    await noHorizontalScroll(page);
    await page.screenshot({ path: testInfo.outputPath(`${p.shot}-375.png`), fullPage: true });
  }
});

test("members see owner-only controls disabled, with the reason", async ({ page }) => {
  const email = `member-console-${Date.now()}@example.com`;
  await signIn(page, DEMO);
  await addMember(page, email, "member-password");
  await signOut(page);
  await signIn(page, { email, password: "member-password" });
  await page.goto("/billing");
  await expect(page.getByRole("button", { name: "Buy credits" })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Add card" })).toBeDisabled();
  await expect(page.getByText("Only the account's owner can buy credits.")).toBeVisible();
  await page.goto("/quotas");
  await expect(page.getByLabel("Monthly spend limit (USD)")).toBeDisabled();
  await expect(page.getByText("Only the account's owner can change the spend limit.")).toBeVisible();
  // Operators' pages do not exist for them.
  const res = await page.goto("/operator/accounts");
  expect(res?.status()).toBe(404);
});

test("quotas: lower then raise the spend limit; above the Tier 1 cap is refused with the bound", async ({ page }, testInfo) => {
  await signIn(page, DEMO);
  await page.goto("/quotas");
  const spendRow = page.getByTestId("quota-monthly-spend-usd");
  await expect(spendRow.getByTestId("quota-value")).toContainText("$50.00");
  for (const name of ["deployed-models", "a100-gpus", "h100-gpus"]) await expect(page.getByTestId(`quota-${name}`)).toBeVisible();
  await expect(page.getByTestId("spend-editor-cap")).toHaveText("$50.00");

  const field = page.getByLabel("Monthly spend limit (USD)");
  const save = page.getByRole("button", { name: "Save limit" });

  await field.fill("20");
  await save.click();
  await expect(page.getByText("Spend limit set to $20.00.")).toBeVisible();
  await expect(spendRow.getByTestId("quota-value")).toContainText("$20.00");

  // Above the cap: the form says so by the field, naming the bound…
  await field.fill("75");
  await save.click();
  await expect(field).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#spend-editor-limit-error")).toHaveText("must be between $0.00 and $50.00, the Tier 1 cap");
  await page.screenshot({ path: testInfo.outputPath("quotas-above-cap-desktop.png"), fullPage: true });
  // …and so does the API, should a client skip the form.
  const api = await page.evaluate(async () => {
    const res = await fetch("/api/v1/quotas/monthly-spend-usd", {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ value: "75" }),
    });
    return { status: res.status, body: await res.json() };
  });
  expect(api.status).toBe(400);
  expect(api.body.error.param).toBe("value");
  expect(api.body.error.message).toContain("50.00");
  await expect(spendRow.getByTestId("quota-value")).toContainText("$20.00");

  await field.fill("50");
  await save.click();
  await expect(page.getByText("Spend limit set to $50.00.")).toBeVisible();
  await expect(spendRow.getByTestId("quota-value")).toContainText("$50.00");
  await page.goto("/");
  await expect(page.getByTestId("spend-limit")).toHaveText("of $50.00");
});

test("the live chart's limit line rises while traffic stays at the limit", async ({ browser, baseURL }, testInfo) => {
  // Growth is per minute: with base 6 RPM and +6 per sustained minute, the limit reaches 12 RPM
  // after two sustained minutes — about two to three minutes of wall time.
  test.setTimeout(300_000);
  const model = "hr-medium-70b";

  const opCtx = await browser.newContext();
  const op = await opCtx.newPage();
  await signIn(op, OPERATOR);
  await expect(op).toHaveURL(/\/operator/);
  await op.goto("/operator/policies");
  await op.getByLabel("Model", { exact: true }).selectOption(model);
  const original = await op.evaluate(async (model) => {
    const res = await fetch("/api/operator/policies");
    const body = (await res.json()) as { policies: { model: string; policy: Record<string, number> }[] };
    return body.policies.find((p) => p.model === model)!.policy;
  }, model);

  const ownerCtx = await browser.newContext();
  const owner = await ownerCtx.newPage();
  let load: ReturnType<typeof startLoad> | null = null;
  try {
    await op.getByLabel("Base RPM", { exact: true }).fill("6");
    await op.getByLabel("Growth (RPM per sustained minute)", { exact: true }).fill("6");
    await op.getByLabel("Sustain threshold (%)", { exact: true }).fill("50");
    await op.getByLabel("Minutes", { exact: true }).fill("30");
    await expect(op.getByTestId("preview-milestones")).toHaveText(/^6 → 60 \(10 min\)/);
    await op.getByRole("button", { name: "Save policy" }).click();
    await expect(op.getByText(`Saved the policy of ${model}`)).toBeVisible();
    await op.screenshot({ path: testInfo.outputPath("operator-policies-desktop.png"), fullPage: true });

    // CLS of the usage page while it refreshes itself (every 2 s).
    await owner.addInitScript(() => {
      (window as any).__cls = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries() as any[]) if (!e.hadRecentInput) (window as any).__cls += e.value;
      }).observe({ type: "layout-shift", buffered: true });
    });
    await signIn(owner, DEMO);

    load = startLoad({ baseURL: baseURL!, model });
    await owner.goto("/usage?range=15m");
    await owner.getByLabel("Model", { exact: true }).selectOption(model);
    const chart = owner.getByTestId("chart-requests");
    await expect(chart).toHaveAttribute("data-limit-last", "6", { timeout: 30_000 });
    await expect(owner.getByTestId(`headroom-${model}`).getByTestId("limit-requests")).toContainText("/ 6");
    await owner.evaluate(() => ((window as any).__cls = 0));
    await owner.waitForTimeout(8_000); // four live refreshes
    const cls = await owner.evaluate(() => (window as any).__cls as number);
    expect(cls, "layout shift during live updates").toBeLessThan(0.01);

    await expect
      .poll(async () => Number(await chart.getAttribute("data-limit-last")), { timeout: 240_000, intervals: [2_000] })
      .toBeGreaterThanOrEqual(12);
    await expect(chart).toHaveAttribute("data-limit-min", "6");
    expect(Number(await owner.getByTestId("total-requests").textContent())).toBeGreaterThan(0);
    // The gateway's own headers agree (the load generator reads them from every response).
    await expect.poll(() => load!.stats.lastLimit, { timeout: 30_000 }).toBeGreaterThanOrEqual(12);
    await owner.screenshot({ path: testInfo.outputPath("usage-limit-rising-desktop.png"), fullPage: true });
  } finally {
    await load?.stop();
    // Put the model's policy back for whatever runs next on this server.
    const restored = await op.evaluate(
      async ({ model, policy }) =>
        (
          await fetch(`/api/operator/policies/${model}`, {
            method: "PUT",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ policy }),
          })
        ).status,
      { model, policy: original },
    );
    expect(restored).toBe(200);
    await opCtx.close();
    await ownerCtx.close();
  }
});

test("operator pages: find the demo account, view it, and see the quota request queue", async ({ page }, testInfo) => {
  await signIn(page, OPERATOR);
  for (const p of OPERATOR_PAGES) {
    await page.goto(p.path);
    await expect(page.getByRole("heading", { level: 1, name: p.heading })).toBeVisible();
    if (p.shot === "operator-policies") await expect(page.getByTestId("preview-milestones")).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath(`${p.shot}-desktop.png`), fullPage: true });
  }
  await page.goto("/operator/accounts");
  await page.getByLabel("Account id, name or member e-mail").fill("demo@headroom.local");
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("link", { name: "Demo Inc." }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Demo Inc." })).toBeVisible();
  await expect(page.getByTestId("tier")).toHaveText("Tier 1");
  await page.screenshot({ path: testInfo.outputPath("operator-account-desktop.png"), fullPage: true });
});

test("each console page's first load is under 250 kB of gzipped JavaScript", async ({ browser }, testInfo) => {
  // First load = the scripts the server's HTML names (what the page needs to render and hydrate);
  // charts' Recharts chunk is loaded lazily after that and reported on its own.
  const weigh = async (page: Page, path: string) => {
    const scripts: { url: string; body: Promise<Buffer> }[] = [];
    const onResponse = (res: import("@playwright/test").Response) => {
      if (res.request().resourceType() === "script" && res.ok()) scripts.push({ url: res.url(), body: res.body() });
    };
    page.on("response", onResponse);
    const doc = await page.goto(path);
    const html = (await doc?.text()) ?? "";
    await page.waitForLoadState("networkidle");
    page.off("response", onResponse);
    let first = 0;
    let lazy = 0;
    for (const s of scripts) {
      const size = gzipSync(await s.body).length;
      if (html.includes(new URL(s.url).pathname)) first += size;
      else lazy += size;
    }
    const kb = (n: number) => Math.round(n / 102.4) / 10;
    return { path, scripts: scripts.length, firstLoadKb: kb(first), lazyKb: kb(lazy) };
  };
  const rows: Awaited<ReturnType<typeof weigh>>[] = [];
  for (const [who, paths] of [
    [DEMO, PAGES.map((p) => p.path)],
    [OPERATOR, OPERATOR_PAGES.map((p) => p.path)],
  ] as const) {
    const login = await browser.newContext();
    await signIn(await login.newPage(), who);
    const storageState = await login.storageState();
    await login.close();
    for (const path of paths) {
      // A fresh context per page (empty HTTP cache): what a first visit downloads.
      const context = await browser.newContext({ storageState });
      rows.push(await weigh(await context.newPage(), path));
      await context.close();
    }
  }
  await testInfo.attach("page-weights.json", { body: JSON.stringify(rows, null, 2), contentType: "application/json" });
  console.log(
    rows
      .map((r) => `${r.path.padEnd(26)} first load ${r.firstLoadKb.toFixed(1).padStart(6)} kB gzip, then lazily ${r.lazyKb.toFixed(1)} kB`)
      .join("\n"),
  );
  for (const r of rows) expect(r.firstLoadKb, r.path).toBeLessThan(250);
});
