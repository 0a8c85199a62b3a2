// Deployments & fine-tuning, and notifications, as the demo owner: a custom model created and
// deleted, a deployment created, scaled, stopped, started and deleted (stopped and gone from the list), the LoRA deployed, a
// fine-tuning job queued, 422 quota_exceeded shown with the API's message by the form that asked,
// a suspension's 402 shown as the API words it, and the notifications page listing what happened.
// Members see the lists with the forms disabled. Screenshots at desktop and 375 px.
import { expect, test, type Locator, type Page } from "@playwright/test";
import { addMember, api, DEMO, signIn, signOut } from "./fixtures/console";

test.describe.configure({ mode: "serial" });

async function noHorizontalScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, "the page scrolls sideways").toBeLessThanOrEqual(0);
}

const usageOf = (page: Page, quota: string): Locator => page.getByTestId(`quota-meter-${quota}`).getByTestId("quota-usage");
const deploymentRows = (page: Page): Locator => page.locator('tr[data-testid^="deployment-"]');

test("owner: custom model, deployment lifecycle, quota_exceeded, fine-tuning, suspension, notifications", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  await signIn(page, DEMO);
  const nav = page.getByRole("navigation", { name: "Console" });
  await nav.getByRole("link", { name: "Deployments", exact: true }).click();
  await expect(page).toHaveURL(/\/deployments$/);
  await expect(page.getByRole("heading", { level: 1, name: "Deployments & fine-tuning" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Deployments", exact: true })).toHaveAttribute("aria-current", "page");
  await expect(usageOf(page, "deployed-models")).toHaveText("0 / 100");
  await expect(usageOf(page, "a100-gpus")).toHaveText("0 / 8");
  await expect(usageOf(page, "h100-gpus")).toHaveText("0 / 8");

  // Custom models: a LoRA on a catalogue model, then one created and deleted after a confirmation.
  const models = page.getByRole("form", { name: "Create a custom model" });
  await models.getByLabel("Name").fill("e2e-lora");
  await models.getByLabel("Kind").selectOption("lora");
  await models.getByLabel("Base model").selectOption("hr-small-8b");
  await models.getByRole("button", { name: "Create model" }).click();
  const lora = page.getByTestId("custom-model-e2e-lora");
  await expect(lora).toContainText("LoRA adapter");
  await expect(lora).toContainText("hr-small-8b");
  await expect(usageOf(page, "deployed-models")).toHaveText("1 / 100");
  // The same name again: the API's 409, by the name field.
  await models.getByLabel("Name").fill("e2e-lora");
  await models.getByRole("button", { name: "Create model" }).click();
  await expect(page.locator("#model-name-error")).toHaveText('a model named "e2e-lora" already exists in this account');

  await models.getByLabel("Name").fill("e2e-scratch");
  await models.getByLabel("Kind").selectOption("model");
  await models.getByLabel("Base model").selectOption({ label: "None" });
  await models.getByRole("button", { name: "Create model" }).click();
  await expect(page.getByTestId("custom-model-e2e-scratch")).toContainText("Custom model");
  await expect(usageOf(page, "deployed-models")).toHaveText("2 / 100");
  await page.getByRole("button", { name: "Delete e2e-scratch" }).click();
  await expect(page.getByRole("dialog")).toBeVisible();
  await page.getByRole("dialog").getByRole("button", { name: "Delete model" }).click();
  await expect(page.getByTestId("custom-model-e2e-scratch")).toHaveCount(0);
  await expect(usageOf(page, "deployed-models")).toHaveText("1 / 100");

  // A deployment: 2 × A100 of hr-small-8b.
  const deploy = page.getByRole("form", { name: "Create a deployment" });
  await deploy.getByLabel("Model").selectOption("hr-small-8b");
  await deploy.getByLabel("GPU type").selectOption("A100");
  await deploy.getByLabel("GPU count").fill("2");
  await deploy.getByRole("button", { name: "Deploy" }).click();
  await expect(deploymentRows(page)).toHaveCount(1);
  const row = deploymentRows(page).first();
  await expect(row.getByTestId("state")).toHaveText("Starting");
  await expect(row.getByTestId("gpu-count")).toHaveText("2");
  await expect(row).toContainText("$0.0816"); // 2 × $0.0408 per minute, as the API states it
  await expect(usageOf(page, "a100-gpus")).toHaveText("2 / 8");

  // Scale it to 4 from the keyboard: the dialog's field has focus, Enter submits.
  await page.getByRole("button", { name: "Scale hr-small-8b (2 × A100)" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByLabel("A100 GPUs")).toBeFocused();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.type("4");
  await page.keyboard.press("Enter");
  await expect(dialog).toBeHidden();
  await expect(row.getByTestId("gpu-count")).toHaveText("4");
  await expect(usageOf(page, "a100-gpus")).toHaveText("4 / 8");

  // Past the quota: scaling says so in the dialog, creating says so by the form — the API's words.
  await page.getByRole("button", { name: "Scale hr-small-8b (4 × A100)" }).click();
  await dialog.getByLabel("A100 GPUs").fill("9");
  await dialog.getByRole("button", { name: "Scale" }).click();
  await expect(dialog.getByTestId("scale-error")).toContainText("Quota exceeded");
  await expect(dialog.getByTestId("scale-error")).toContainText("a100-gpus quota exceeded: 8 allowed, 4 in use, 5 requested");
  await page.screenshot({ path: testInfo.outputPath("deployments-scale-quota-desktop.png"), fullPage: true });
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(row.getByTestId("gpu-count")).toHaveText("4");

  await deploy.getByLabel("GPU count").fill("9");
  await deploy.getByRole("button", { name: "Deploy" }).click();
  const formError = page.getByTestId("deployment-form-error");
  await expect(formError).toContainText("Quota exceeded");
  await expect(formError).toContainText("a100-gpus quota exceeded: 8 allowed, 4 in use, 9 requested");
  await expect(formError.getByRole("link", { name: "Request a quota increase" })).toHaveAttribute("href", "/quotas#request");
  await expect(deploymentRows(page)).toHaveCount(1);
  await page.screenshot({ path: testInfo.outputPath("deployments-quota-exceeded-desktop.png"), fullPage: true });

  // Stop, start again, then delete (the API's DELETE stops it, charges its minutes, removes it).
  await page.getByRole("button", { name: "Stop hr-small-8b (4 × A100)" }).click();
  await expect(row.getByTestId("state")).toHaveText("Stopped");
  await expect(row).toContainText("stopped by the owner");
  await expect(usageOf(page, "a100-gpus")).toHaveText("0 / 8");
  await page.getByRole("button", { name: "Start hr-small-8b (4 × A100)" }).click();
  await expect(row.getByTestId("state")).toHaveText("Starting");
  await expect(usageOf(page, "a100-gpus")).toHaveText("4 / 8");
  await page.getByRole("button", { name: "Delete hr-small-8b (4 × A100)" }).click();
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Delete deployment" }).click();
  await expect(dialog).toBeHidden();
  await expect(deploymentRows(page)).toHaveCount(0);
  await expect(usageOf(page, "a100-gpus")).toHaveText("0 / 8");

  // The LoRA made above is deployable like a catalogue model.
  await deploy.getByLabel("Model").selectOption("e2e-lora");
  await deploy.getByLabel("GPU type").selectOption("H100");
  await deploy.getByLabel("GPU count").fill("1");
  await deploy.getByRole("button", { name: "Deploy" }).click();
  await expect(deploymentRows(page)).toHaveCount(1);
  await expect(deploymentRows(page).first()).toContainText("e2e-lora");
  await expect(usageOf(page, "h100-gpus")).toHaveText("1 / 8");
  // Stopped, it stays listed (the member test below sees it).
  await page.getByRole("button", { name: "Stop e2e-lora (1 × H100)" }).click();
  await expect(deploymentRows(page).first().getByTestId("state")).toHaveText("Stopped");
  await expect(usageOf(page, "h100-gpus")).toHaveText("0 / 8");

  // A fine-tuning job: 100,000 tokens × 2 epochs.
  const ft = page.getByRole("form", { name: "Create a fine-tuning job" });
  await ft.getByLabel("Base model").selectOption("hr-small-8b");
  await ft.getByLabel("Dataset tokens").fill("100000");
  await ft.getByLabel("Epochs").fill("2");
  await ft.getByRole("button", { name: "Start job" }).click();
  await expect(page.getByText("Queued a job on hr-small-8b: 200,000 training tokens, about $0.10 in all.")).toBeVisible();
  const job = page.locator('tr[data-testid^="fine-tuning-job-"]').first();
  await expect(job).toContainText("hr-small-8b");
  await expect(job).toContainText("/ 200K");
  await expect(job).toContainText("100K × 2 epochs");
  await expect(job.getByTestId("state")).toHaveText(/Queued|Running|Completed/);
  await expect(usageOf(page, "deployed-models")).toHaveText(/^[12] \/ 100$/); // the job holds a slot until it ends
  await page.screenshot({ path: testInfo.outputPath("deployments-desktop.png"), fullPage: true });

  // Suspended (a spend limit of $0): the page does not guess, the API answers 402 and the form shows it.
  expect((await api(page, "PATCH", "/api/v1/quotas/monthly-spend-usd", { value: "0" })).status).toBe(200);
  await page.reload();
  await deploy.getByLabel("GPU count").fill("1");
  await deploy.getByRole("button", { name: "Deploy" }).click();
  await expect(formError).toContainText("The account is suspended (spend_limit_reached)");
  await expect(formError).not.toContainText("Quota exceeded");
  expect((await api(page, "PATCH", "/api/v1/quotas/monthly-spend-usd", { value: "50" })).status).toBe(200);

  // Phone width: nothing scrolls sideways; tables scroll inside their cards.
  await page.setViewportSize({ width: 375, height: 812 });
  await page.goto("/deployments");
  await expect(page.getByRole("heading", { level: 1, name: "Deployments & fine-tuning" })).toBeVisible();
  await noHorizontalScroll(page);
  await page.screenshot({ path: testInfo.outputPath("deployments-375.png"), fullPage: true });

  // Notifications: the suspension and the reactivation, newest first.
  // At phone width the pages are behind the navigation's Menu button.
  await nav.getByRole("button", { name: "Menu" }).click();
  await nav.getByRole("link", { name: "Notifications", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Notifications" })).toBeVisible();
  const reactivated = page.getByTestId("notification-account_reactivated");
  const suspended = page.getByTestId("notification-account_suspended");
  await expect(reactivated.first()).toBeVisible();
  await expect(suspended.first()).toBeVisible();
  const order = await page.locator('li[data-testid^="notification-"]').evaluateAll((els) => els.map((e) => e.getAttribute("data-testid")));
  expect(order.indexOf("notification-account_reactivated")).toBeLessThan(order.indexOf("notification-account_suspended"));
  await expect(page.getByText("That is every notification of this account.")).toBeVisible();
  await noHorizontalScroll(page);
  await page.screenshot({ path: testInfo.outputPath("notifications-375.png"), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: testInfo.outputPath("notifications-desktop.png"), fullPage: true });
});

test("members see the lists, with every form and action disabled and the reason", async ({ page }) => {
  const email = `member-deployments-${Date.now()}@example.com`;
  await signIn(page, DEMO);
  await addMember(page, email, "member-password");
  await signOut(page);
  await signIn(page, { email, password: "member-password" });
  await page.goto("/deployments");
  await expect(page.getByTestId("custom-model-e2e-lora")).toBeVisible();
  await expect(deploymentRows(page)).toHaveCount(1);
  for (const button of ["Create model", "Deploy", "Start job"]) await expect(page.getByRole("button", { name: button })).toBeDisabled();
  await expect(page.getByRole("form", { name: "Create a deployment" }).getByLabel("GPU count")).toBeDisabled();
  await expect(page.getByRole("button", { name: "Delete e2e-lora", exact: true })).toBeDisabled();
  await expect(page.getByRole("button", { name: "Start e2e-lora (1 × H100)" })).toBeDisabled();
  await expect(page.getByText("Only the account's owner can create, start, stop, scale or delete deployments.")).toBeVisible();
  await expect(page.getByText("Only the account's owner can create or delete custom models.")).toBeVisible();
  // The API says the same to a member who skips the page.
  const refused = await api(page, "POST", "/api/v1/deployments", { model: "hr-small-8b", gpuType: "A100", gpuCount: 1 });
  expect(refused.status).toBe(403);
  await page.goto("/notifications");
  await expect(page.getByTestId("notification-account_suspended").first()).toBeVisible();
});
