// Payments in a real browser against `npm start` and its in-process Stripe emulator (SPEC §4, §5,
// §11): adding a card and buying credits through the hosted Checkout pages, a card that declines
// its invoice → suspension → paying the invoice on the hosted invoice page lifts it, an operator
// refunding part of a purchase, and removing a card on the billing page.
import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { api } from "./fixtures/console";

const PASSWORD = "correct-horse-battery";

test.describe.configure({ mode: "serial" });

async function signUp(page: Page, accountName: string): Promise<string> {
  const email = `${accountName.toLowerCase().replace(/\W+/g, "-")}-${Date.now()}@example.com`;
  await page.goto("/signup");
  await page.getByLabel("Account name").fill(accountName);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: accountName })).toBeVisible();
  return email;
}

async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/signin");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/signin/);
}

/** Fill the emulator's hosted card form (Checkout or invoice page) and submit it. */
async function payWithCard(page: Page, cardNumber: string, button: RegExp): Promise<void> {
  await page.getByLabel("Card number").fill(cardNumber);
  await page.getByLabel("Expiration (MM / YY)").fill("12 / 34");
  await page.getByLabel("CVC").fill("123");
  await page.getByLabel("Name on card").fill("Ada Lovelace");
  await page.getByRole("button", { name: button }).click();
}

/** Add a card through the billing page's "Add card" → hosted Checkout (setup mode) → back to /billing. */
async function addCard(page: Page, cardNumber: string): Promise<void> {
  await page.goto("/billing");
  await page.getByRole("button", { name: "Add card" }).click();
  await expect(page).toHaveURL(/\/c\/pay\/cs_/);
  await expect(page.getByRole("button", { name: "Save card" })).toBeVisible();
  await payWithCard(page, cardNumber, /Save card/);
  // Back on /billing (the page then drops its ?setup=success query).
  await page.waitForURL(/\/billing/);
  await expect(page.getByTestId("checkout-result")).toContainText("Card added");
}

// The invoice scenario needs usage beyond the $1 welcome credit: GPU-minutes of two deployments
// (8×H100 + 8×A100 = $0.86/min) started first, so they run while the Checkout scenario does.
let invoiceAccount: { state: string; apiKey: string; deploymentIds: string[]; startedAt: number } | null = null;
/** The account that bought $100 of credits (the operator refunds part of it). */
let buyerAccountId: string | null = null;

test("an account with card 4000 0000 0000 0341 on file starts GPU deployments", async ({ browser }, testInfo) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signUp(page, "Declining Card Co");
  await addCard(page, "4000000000000341");
  await expect(page.getByTestId("tier")).toHaveText("Tier 1");
  await expect(page.getByTestId("payment-method")).toContainText("0341");
  const key = await api(page, "POST", "/api/v1/api-keys", { name: "e2e" });
  expect(key.status).toBe(201);
  const deploymentIds: string[] = [];
  for (const gpuType of ["H100", "A100"]) {
    const created = await api(page, "POST", "/api/v1/deployments", { model: "hr-small-8b", gpuType, gpuCount: 8 });
    expect(created.status).toBe(201);
    deploymentIds.push(created.body.id);
  }
  const state = testInfo.outputPath("invoice-account.json");
  await context.storageState({ path: state });
  invoiceAccount = { state, apiKey: key.body.secret, deploymentIds, startedAt: Date.now() };
  await context.close();
});

test("a new account adds a card (4242) → Tier 1, then buys $100 of credits → Tier 2 with a $500 cap, live within a second", async ({
  page,
}, testInfo) => {
  await signUp(page, "Card Buyers Ltd");
  await expect(page.getByTestId("tier")).toHaveText("Trial");

  await addCard(page, "4242424242424242");
  await expect(page.getByTestId("tier")).toHaveText("Tier 1");
  await expect(page.getByTestId("spend-limit")).toHaveText("of $50.00");
  await expect(page.getByTestId("payment-method")).toContainText("4242");
  await page.screenshot({ path: testInfo.outputPath("billing-tier1-card-added.png"), fullPage: true });
  const cards = await api(page, "GET", "/api/v1/payment-methods");
  expect(cards.body.paymentMethods).toEqual([expect.objectContaining({ brand: "visa", last4: "4242", isDefault: true })]);

  await page.getByLabel("Amount (USD, whole dollars)").fill("100");
  await page.getByRole("button", { name: "Buy credits" }).click();
  await expect(page).toHaveURL(/\/c\/pay\/cs_/);
  await expect(page.getByText("$100.00").first()).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("hosted-checkout.png"), fullPage: true });
  await payWithCard(page, "4242424242424242", /Pay \$100\.00/);
  const paidAt = Date.now();
  // Within a second of paying, the API already answers with the new tier (the webhook was processed).
  await expect
    .poll(async () => (await (await page.request.get("/api/v1/account")).json()).tier, { timeout: 1_000, intervals: [50] })
    .toBe("tier2");
  expect(Date.now() - paidAt).toBeLessThan(1_000);
  // The billing page, back from Checkout, shows it as it refreshes (it polls the account every second).
  await page.waitForURL(/\/billing/);
  await expect(page.getByTestId("tier")).toHaveText("Tier 2", { timeout: 2_000 });
  await expect(page.getByTestId("spend-limit")).toHaveText("of $500.00");
  await expect(page.getByTestId("credit-balance")).toHaveText("$101.00");
  await expect(page.getByTestId("checkout-result")).toContainText("Payment received");
  const account = await api(page, "GET", "/api/v1/account");
  expect(account.body).toMatchObject({ tier: "tier2", spendLimitUsd: "500.00", creditBalanceUsd: "101.00", historicalSpendUsd: "100.00" });
  await page.screenshot({ path: testInfo.outputPath("billing-tier2-after-purchase.png"), fullPage: true });
  buyerAccountId = account.body.id;
});

test("an operator refunds $40 of that purchase from the account's page: refundable $60, credits $61, tier kept", async ({
  page,
}, testInfo) => {
  expect(buyerAccountId, "the purchase test ran first").not.toBeNull();
  await signIn(page, "operator@headroom.local", "headroom-demo");
  await page.goto(`/operator/accounts/${buyerAccountId}`);
  const row = page.locator('tr[data-testid^="purchase-"]');
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId("refundable")).toHaveText("$100.00");
  await row.getByRole("button", { name: /^Refund the \$100\.00 purchase/ }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByLabel("Amount (USD)")).toBeFocused();
  await expect(dialog.getByLabel("Amount (USD)")).toHaveValue("100.00");
  await dialog.getByLabel("Amount (USD)").fill("40");
  // No reason: refused by the field, nothing sent.
  await dialog.getByRole("button", { name: "Refund to the card" }).click();
  await expect(dialog.getByText(/must say why/)).toBeVisible();
  await dialog.getByLabel("Reason (audit log)").fill("Bought twice by mistake");
  await dialog.getByRole("button", { name: "Refund to the card" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText(/Refund re_\w+ of \$40\.00 created/)).toBeVisible();
  // Stripe's charge.refunded takes the credits back within seconds; the table follows.
  await expect(row.getByTestId("refunded")).toHaveText("$40.00", { timeout: 10_000 });
  await expect(row.getByTestId("refundable")).toHaveText("$60.00");
  const detail = await api(page, "GET", `/api/operator/accounts/${buyerAccountId}`);
  expect(detail.body).toMatchObject({ tier: "tier2", creditBalanceUsd: "61.00", historicalSpendUsd: "60.00" });
  await page.screenshot({ path: testInfo.outputPath("operator-refund.png"), fullPage: true });
});

test("month close with card 0341 → failed invoice → suspended (banner, 402) → paid on the hosted page with 4242 → active", async ({
  browser,
  request,
}, testInfo) => {
  test.setTimeout(300_000);
  if (!invoiceAccount) throw new Error("the first test did not set up the invoice account");
  const context = await browser.newContext({ storageState: invoiceAccount.state });
  const page = await context.newPage();
  await page.goto("/");

  // Two whole GPU-minutes after the deployments became ready (30 s start-up, aligned to the minute).
  const ready = Math.ceil((invoiceAccount.startedAt + 30_000) / 60_000) * 60_000;
  const wait = ready + 2 * 60_000 + 2_000 - Date.now();
  if (wait > 0) await page.waitForTimeout(wait);
  for (const id of invoiceAccount.deploymentIds) {
    expect((await api(page, "PATCH", `/api/v1/deployments/${id}`, { action: "stop" })).status).toBe(200);
  }
  const usage = await api(page, "GET", "/api/v1/account");
  expect(Number(usage.body.monthlySpendUsd)).toBeGreaterThan(1.5);
  expect(usage.body.creditBalanceUsd).toBe("0.00");
  const accountId: string = usage.body.id;

  // The operator closes this month "as of" the 1st of next month.
  const now = new Date();
  const period = now.toISOString().slice(0, 7);
  const nextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1, 0, 5));
  const operator = await closeMonthAsOperator(browser, { at: nextMonth.toISOString(), period, accountId });
  expect(operator.status).toBe(200);
  expect(operator.body.result.invoices).toEqual([expect.objectContaining({ accountId })]);

  // The invoice goes to Stripe, the 0341 card declines, the webhook suspends the account.
  await expect
    .poll(async () => (await api(page, "GET", "/api/v1/account")).body.suspensionReasons.map((r: { reason: string }) => r.reason), {
      timeout: 15_000,
    })
    .toEqual(["payment_failed"]);
  await page.goto("/");
  await expect(page.getByTestId("suspension-banner")).toBeVisible();
  await expect(page.getByTestId("suspension-banner")).toContainText(/payment/i);
  await page.screenshot({ path: testInfo.outputPath("overview-suspended-payment-failed.png"), fullPage: true });
  const blocked = await chat(request, invoiceAccount.apiKey);
  expect(blocked.status()).toBe(402);
  expect((await blocked.json()).error).toMatchObject({ type: "account_suspended", code: "payment_failed" });

  // Pay it on the hosted invoice page with a good card.
  await page.goto("/invoices");
  const row = page.locator('tr[data-status="failed"]');
  await expect(row).toHaveCount(1);
  await row.getByRole("button", { name: "Pay" }).click();
  await expect(page).toHaveURL(/\/i\/test_/);
  await page.screenshot({ path: testInfo.outputPath("hosted-invoice-page.png"), fullPage: true });
  await payWithCard(page, "4242424242424242", /^Pay /);
  const paidAt = Date.now();
  // Active again within a second of paying (the invoice.paid webhook), through the app's API.
  await expect
    .poll(async () => (await (await page.request.get("/api/v1/account")).json()).status, { timeout: 1_000, intervals: [50] })
    .toBe("active");
  expect(Date.now() - paidAt).toBeLessThan(1_000);
  await expect(page.getByText("Paid", { exact: false }).first()).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("hosted-invoice-page-paid.png"), fullPage: true });
  const served = await chat(request, invoiceAccount.apiKey);
  expect(served.status()).toBe(200);
  await page.goto("/");
  await expect(page.getByTestId("suspension-banner")).toHaveCount(0);
  await expect(page.getByTestId("status")).toHaveText("Active");
  await page.screenshot({ path: testInfo.outputPath("overview-active-after-paying.png"), fullPage: true });
  const invoices = await api(page, "GET", "/api/v1/invoices");
  expect(invoices.body.invoices).toEqual([expect.objectContaining({ status: "paid", period })]);
  await context.close();
});

test("the owner removes the default card on the billing page: the other card takes over, the tier stays", async ({ page }, testInfo) => {
  await signUp(page, "Two Cards Inc");
  await addCard(page, "4242424242424242");
  await addCard(page, "5555555555554444");
  const cards = page.getByRole("list", { name: "Cards on file" });
  await expect(cards.getByRole("listitem")).toHaveCount(2);
  await expect(page.getByTestId("card-4444")).toContainText("default");
  await page.getByRole("button", { name: "Remove Mastercard ···· 4444" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("Visa ···· 4242 becomes the default for invoices and auto top-up.");
  await page.screenshot({ path: testInfo.outputPath("billing-remove-card-dialog.png"), fullPage: true });
  await dialog.getByRole("button", { name: "Remove card" }).click();
  await expect(cards.getByRole("listitem")).toHaveCount(1);
  await expect(page.getByTestId("card-4242")).toContainText("default");
  await expect(page.getByText("Mastercard ···· 4444 removed.")).toBeVisible();
  await expect(page.getByTestId("tier")).toHaveText("Tier 1");
  const left = await api(page, "GET", "/api/v1/payment-methods");
  expect(left.body.paymentMethods).toEqual([expect.objectContaining({ last4: "4242", isDefault: true })]);
});

async function closeMonthAsOperator(browser: Browser, input: { at: string; period: string; accountId: string }) {
  const context: BrowserContext = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, "operator@headroom.local", "headroom-demo");
  const result = await api(page, "POST", "/api/operator/jobs/month-close", input);
  await context.close();
  return result;
}

function chat(request: import("@playwright/test").APIRequestContext, apiKey: string) {
  return request.post("/v1/chat/completions", {
    headers: { authorization: `Bearer ${apiKey}` },
    data: { model: "hr-small-8b", messages: [{ role: "user", content: "Hello" }], max_tokens: 4 },
  });
}
