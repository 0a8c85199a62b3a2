// An invoice under Stripe's $0.50 minimum charge is not charged on its own but carried forward (SPEC
// §4): the owner's invoices and the operator's account page show it in the same words, not as a plain
// Draft. Usage of $1.10 (a fine-tuning job of 2.2M training tokens) against the $1 welcome credit
// leaves $0.10 to invoice; the operator closes the month "as of" the 1st of next month.
import { expect, test, type Locator } from "@playwright/test";
import { api, OPERATOR, signIn } from "./fixtures/console";

const PHONE = { width: 390, height: 844 };

test("a carried-forward invoice reads the same on the owner's invoices and on the operator's account page", async ({
  browser,
}, testInfo) => {
  test.setTimeout(120_000);
  const owner = await browser.newContext();
  const page = await owner.newPage();
  await page.goto("/signup");
  await page.getByLabel("Account name").fill("Small Change Ltd");
  await page.getByLabel("E-mail").fill(`small-change-${Date.now()}@example.com`);
  await page.getByLabel("Password").fill("correct-horse-battery");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Small Change Ltd" })).toBeVisible();
  // A card on file, so usage past the credits is invoiced (the emulator's hosted Checkout).
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
  const accountId: string = (await api(page, "GET", "/api/v1/account")).body.id;
  const job = await api(page, "POST", "/api/v1/fine-tuning-jobs", { baseModel: "hr-small-8b", datasetTokens: 1_100_000, epochs: 2 });
  expect(job.status, JSON.stringify(job.body)).toBe(201);

  // The operator runs the training to its end and closes the month, both "as of" later times.
  const operator = await browser.newContext({ viewport: PHONE });
  const op = await operator.newPage();
  await signIn(op, OPERATOR);
  const trained = await api(op, "POST", "/api/operator/jobs/fine-tuning", { at: new Date(Date.now() + 5 * 60_000).toISOString() });
  expect(trained.status, JSON.stringify(trained.body)).toBe(200);
  expect((await api(page, "GET", "/api/v1/account")).body).toMatchObject({ monthlySpendUsd: "1.10", creditBalanceUsd: "0.00" });
  const now = new Date();
  const period = now.toISOString().slice(0, 7);
  const at = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1, 0, 5)).toISOString();
  const closed = await api(op, "POST", "/api/operator/jobs/month-close", { at, period, accountId });
  expect(closed.status, JSON.stringify(closed.body)).toBe(200);
  const invoices = (await api(page, "GET", "/api/v1/invoices")).body.invoices;
  expect(invoices).toEqual([expect.objectContaining({ period, status: "draft", carriedForward: true, amountDueUsd: "0.10" })]);

  // The owner's list: "Carried forward", with why on hover.
  const badge = (row: Locator) => row.getByText("Carried forward", { exact: true });
  await page.goto("/invoices");
  const ownerRow = page.getByRole("table", { name: "Invoices" }).getByRole("row", { name: new RegExp(period) });
  await expect(badge(ownerRow)).toBeVisible();
  const help = await badge(ownerRow).getAttribute("title");
  expect(help).toMatch(/less than \$0\.50/i);
  await owner.close();

  // The operator's account page at phone width: the same badge and words, and the amounts as the owner sees them.
  await op.goto(`/operator/accounts/${accountId}`);
  await expect(op.getByRole("heading", { level: 1, name: "Small Change Ltd" })).toBeVisible();
  const opRow = op.getByRole("table", { name: "Invoices" }).getByRole("row", { name: new RegExp(period) });
  await expect(badge(opRow)).toBeVisible();
  await expect(badge(opRow)).toHaveAttribute("title", help!);
  await expect(opRow.getByText("Draft", { exact: true })).toHaveCount(0);
  await expect(opRow).toContainText("$0.10");
  await opRow.scrollIntoViewIfNeeded();
  await op.screenshot({ path: testInfo.outputPath("operator-account-carried-forward-390.png"), fullPage: true });
  await operator.close();
});
