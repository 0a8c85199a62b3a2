// Sign-up, sign-in, the overview, sign-out, and roles: the console's front door.
import { expect, test } from "@playwright/test";
import { addMember, signOut } from "./fixtures/console";

const password = "correct-horse-battery";

test("a visitor is sent to sign-in, and the API answers 401 in the OpenAI error shape", async ({ page, request }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/signin/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  const res = await request.get("/api/v1/account");
  expect(res.status()).toBe(401);
  const body = await res.json();
  expect(body.error).toMatchObject({ type: "invalid_request_error", code: "invalid_api_key" });
  expect(typeof body.error.message).toBe("string");
});

test("sign up, see the overview, sign out, sign back in", async ({ page }, testInfo) => {
  const email = `new-${Date.now()}@example.com`;
  await page.goto("/signup");
  await page.getByLabel("Account name").fill("Acme Labs");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("password must be at least 8 characters")).toBeVisible();
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();

  await expect(page.getByRole("heading", { name: "Acme Labs" })).toBeVisible();
  await expect(page.getByTestId("tier")).toHaveText("Trial");
  await expect(page.getByTestId("credit-balance")).toHaveText("$1.00");
  await expect(page.getByTestId("status")).toHaveText("Active");
  await page.screenshot({ path: testInfo.outputPath("overview-new-account.png"), fullPage: true });

  await signOut(page);

  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill("wrong-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Wrong e-mail or password.")).toBeVisible();
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Acme Labs" })).toBeVisible();
});

test("the demo owner sees Tier 1 with $10 of credit", async ({ page }, testInfo) => {
  await page.goto("/signin");
  await page.getByLabel("E-mail").fill("demo@headroom.local");
  await page.getByLabel("Password").fill("headroom-demo");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("tier")).toHaveText("Tier 1");
  await expect(page.getByTestId("credit-balance")).toHaveText("$10.00");
  await expect(page.getByTestId("spend-limit")).toHaveText("of $50.00");
  await page.screenshot({ path: testInfo.outputPath("overview-demo.png"), fullPage: true });
});

test("a member cannot use owner-only actions", async ({ page }) => {
  const memberEmail = `member-${Date.now()}@example.com`;
  // The demo owner adds a member.
  await page.goto("/signin");
  await page.getByLabel("E-mail").fill("demo@headroom.local");
  await page.getByLabel("Password").fill("headroom-demo");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("tier")).toBeVisible();
  await addMember(page, memberEmail, "member-password");
  await signOut(page);

  await page.getByLabel("E-mail").fill(memberEmail);
  await page.getByLabel("Password").fill("member-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("role")).toHaveText("member");
  const patch = await page.evaluate(async () => {
    const res = await fetch("/api/v1/quotas/monthly-spend-usd", {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ value: "10" }),
    });
    return { status: res.status, body: await res.json() };
  });
  expect(patch.status).toBe(403);
  expect(patch.body.error.code).toBe("forbidden");
  const read = await page.evaluate(async () => (await fetch("/api/v1/account")).status);
  expect(read).toBe(200);
});
