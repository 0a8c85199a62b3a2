// Members and invitations: an owner invites a new e-mail (the link shown once), the invitee opens it
// with no session, chooses a password and lands in the inviting account as a member with owner-only
// controls disabled; a revoked invitation's link says it is not valid; a member sees the invite
// form disabled; a user who owns an account accepts an invitation and switches between the two.
// Screenshots of the Members page and the invitation page at desktop and 390 px.
import { expect, test, type Browser, type Page } from "@playwright/test";
import { addMember, DEMO, signIn, signOut } from "./fixtures/console";

test.describe.configure({ mode: "serial" });

const PHONE = { width: 390, height: 844 };
const unique = (what: string) => `${what}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;

async function noHorizontalScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, "the page scrolls sideways").toBeLessThanOrEqual(0);
}

/** As the signed-in owner on `page`: invite `email` from the Members page; the link it shows, once. */
async function invite(page: Page, email: string, role: "member" | "owner" = "member"): Promise<string> {
  await page.goto("/members");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Role").selectOption(role);
  await page.getByRole("button", { name: "Send invitation" }).click();
  const shown = page.getByTestId("invite-link");
  await expect(shown).toContainText(`Invitation for ${email}`);
  const url = (await shown.getByTestId("invite-link-url").textContent())!;
  expect(url).toMatch(/\/invite\/hri_[A-Za-z0-9_-]{43}$/);
  await expect(page.getByTestId(`invitation-${email}`)).toBeVisible();
  return new URL(url).pathname;
}

/** A visitor with no cookies at all, as someone following an e-mailed link would be. */
async function newVisitor(browser: Browser, viewport?: { width: number; height: number }): Promise<Page> {
  const context = await browser.newContext(viewport ? { viewport } : {});
  return context.newPage();
}

test("invite a new e-mail: the link is shown once, the invitee chooses a password and joins as a member", async ({
  page,
  browser,
}, testInfo) => {
  const email = unique("invitee");
  await signIn(page, DEMO);
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Members", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Members" })).toBeVisible();
  await expect(page.getByTestId("member-demo@headroom.local")).toContainText("(you)");

  // Client-side validation, by the field.
  await page.getByLabel("E-mail").fill("not-an-address");
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.locator("#invite-email-error")).toHaveText("email is not a valid address");

  const path = await invite(page, email);
  await expect(page.getByTestId("invite-link-note")).toContainText(`Send this link to ${email}`);
  await page.screenshot({ path: testInfo.outputPath("members-invited-desktop.png"), fullPage: true });
  // Shown once: gone when dismissed, and not in the page again after a reload.
  await page.getByRole("button", { name: "Done" }).click();
  await expect(page.getByTestId("invite-link")).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId(`invitation-${email}`)).toContainText("demo@headroom.local");
  await expect(page.getByText(path)).toHaveCount(0);
  // Inviting a current member is refused by the e-mail field, with the API's words.
  await page.getByLabel("E-mail").fill("demo@headroom.local");
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.locator("#invite-email-error")).toContainText("already a member");

  // The invitee, with no session: the page works without one, and does not move while it loads.
  const visitor = await newVisitor(browser);
  await visitor.addInitScript(() => {
    (window as any).__cls = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as any[]) if (!e.hadRecentInput) (window as any).__cls += e.value;
    }).observe({ type: "layout-shift", buffered: true });
  });
  await visitor.goto(path);
  await expect(visitor).toHaveURL(new RegExp(`${path}$`));
  await expect(visitor.getByRole("heading", { level: 1, name: "Demo Inc." })).toBeVisible();
  await expect(visitor.getByText("demo@headroom.local invited you to join")).toBeVisible();
  await expect(visitor.getByTestId("invite-role")).toContainText("Member");
  await expect(visitor.getByLabel("E-mail")).toHaveValue(email);
  await visitor.waitForLoadState("networkidle");
  expect(await visitor.evaluate(() => (window as any).__cls as number), "layout shift of the invitation page").toBeLessThan(0.01);
  await visitor.screenshot({ path: testInfo.outputPath("invite-desktop.png"), fullPage: true });
  await visitor.setViewportSize(PHONE);
  await noHorizontalScroll(visitor);
  await visitor.screenshot({ path: testInfo.outputPath("invite-390.png"), fullPage: true });

  await visitor.getByLabel("Your name (optional)").fill("Ivy Invitee");
  await visitor.getByLabel("Password").fill("short");
  await visitor.getByRole("button", { name: "Create sign-in and join" }).click();
  await expect(visitor.locator("#invite-password-error")).toHaveText("password must be at least 8 characters");
  await visitor.getByLabel("Password").fill("invitee-password");
  await visitor.getByRole("button", { name: "Create sign-in and join" }).click();

  // In the console of the inviting account, as a member: owner-only controls are disabled.
  await expect(visitor.getByRole("heading", { level: 1, name: "Demo Inc." })).toBeVisible();
  await expect(visitor.getByTestId("role")).toHaveText("member");
  await visitor.goto("/billing");
  await expect(visitor.getByRole("button", { name: "Buy credits" })).toBeDisabled();
  await expect(visitor.getByText("Only the account's owner can buy credits.")).toBeVisible();
  await visitor.goto("/members");
  await expect(visitor.getByRole("button", { name: "Send invitation" })).toBeDisabled();
  await expect(visitor.getByTestId(`member-${email}`)).toContainText("Ivy Invitee (you)");
  // The link worked once.
  await visitor.goto(path);
  await expect(visitor.getByTestId("invite-invalid")).toHaveText("This invitation has already been accepted. Sign in to use the account.");
  await visitor.context().close();

  // Back as the owner: the person is listed as a member, the invitation is no longer pending.
  await page.goto("/members");
  const row = page.getByTestId(`member-${email}`);
  await expect(row).toContainText("Ivy Invitee");
  await expect(row.getByTestId("member-role")).toHaveText("member");
  await expect(page.getByTestId(`invitation-${email}`)).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath("members-desktop.png"), fullPage: true });
  await page.setViewportSize(PHONE);
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: "Members" })).toBeVisible();
  await noHorizontalScroll(page);
  await page.screenshot({ path: testInfo.outputPath("members-390.png"), fullPage: true });

  // The owner makes them an owner, then a member again, then removes them — each after confirming.
  await page.setViewportSize({ width: 1280, height: 800 });
  const dialog = page.getByRole("dialog");
  await row.getByRole("button", { name: "Make Ivy Invitee an owner" }).click();
  await dialog.getByRole("button", { name: "Make owner" }).click();
  await expect(row.getByTestId("member-role")).toHaveText("owner");
  await row.getByRole("button", { name: "Make Ivy Invitee a member" }).click();
  await dialog.getByRole("button", { name: "Make member" }).click();
  await expect(row.getByTestId("member-role")).toHaveText("member");
  await row.getByRole("button", { name: "Remove Ivy Invitee" }).click();
  await expect(dialog).toContainText("the API keys they created are revoked");
  await dialog.getByRole("button", { name: "Remove" }).click();
  await expect(page.getByTestId(`member-${email}`)).toHaveCount(0);
  // The owner was told of both, on the notifications page.
  await page.goto("/notifications");
  await expect(page.getByTestId("notification-member_joined").filter({ hasText: email }).first()).toContainText("Member joined");
  await expect(page.getByTestId("notification-member_left").filter({ hasText: email }).first()).toContainText("was removed");
  // The API agrees: they are no longer a member.
  const api = await page.evaluate(async () => (await (await fetch("/api/v1/members")).json()) as { members: { email: string }[] });
  expect(api.members.map((m) => m.email)).not.toContain(email);
});

test("the owner revokes a pending invitation, and its link then says it is not valid", async ({ page, browser }, testInfo) => {
  const email = unique("revoked");
  await signIn(page, DEMO);
  const path = await invite(page, email, "owner");
  await page.getByRole("button", { name: `Revoke the invitation for ${email}` }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(`Revoke the invitation for ${email}?`);
  await dialog.getByRole("button", { name: "Revoke invitation" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId(`invitation-${email}`)).toHaveCount(0);

  const visitor = await newVisitor(browser);
  await visitor.goto(path);
  await expect(visitor.getByRole("heading", { level: 1, name: "This invitation can't be used" })).toBeVisible();
  await expect(visitor.getByTestId("invite-invalid")).toContainText("This invitation link is not valid");
  await expect(visitor.getByRole("button", { name: /join/i })).toHaveCount(0);
  await visitor.screenshot({ path: testInfo.outputPath("invite-invalid-desktop.png"), fullPage: true });
  await visitor.context().close();
});

test("a member sees the members and invitations, with every owner-only control disabled and the reason", async ({ page }) => {
  const email = unique("member");
  const pendingEmail = unique("pending");
  await signIn(page, DEMO);
  await invite(page, pendingEmail);
  await addMember(page, email, "member-password");
  await signOut(page);

  await signIn(page, { email, password: "member-password" });
  await page.goto("/members");
  await expect(page.getByLabel("E-mail")).toBeDisabled();
  await expect(page.getByLabel("Role")).toBeDisabled();
  await expect(page.getByRole("button", { name: "Send invitation" })).toBeDisabled();
  await expect(page.getByText("Only the account's owner can invite people.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Send invitation" })).toHaveAttribute("aria-describedby", "invite-owner");

  const owner = page.getByTestId("member-demo@headroom.local");
  await expect(owner.getByRole("button", { name: /^Make .* a member$/ })).toBeDisabled();
  await expect(owner.getByRole("button", { name: /^Remove / })).toBeDisabled();
  await expect(page.getByText("Only the account's owner can change roles or remove members.")).toBeVisible();
  await expect(page.getByRole("button", { name: `Revoke the invitation for ${pendingEmail}` })).toBeDisabled();
  await expect(page.getByText("Only the account's owner can revoke invitations.")).toBeVisible();
  // Leaving is one's own choice: enabled.
  await expect(page.getByTestId(`member-${email}`).getByRole("button", { name: "Leave account" })).toBeEnabled();
});

test("someone who owns an account accepts an invitation signed in, and switches between the two accounts", async ({
  page,
  browser,
}, testInfo) => {
  const email = unique("owner-elsewhere");
  const password = "side-project-password";
  // Their own account, from sign-up.
  const theirs = await newVisitor(browser);
  await theirs.goto("/signup");
  await theirs.getByLabel("Account name").fill("Side Project");
  await theirs.getByLabel("E-mail").fill(email);
  await theirs.getByLabel("Password").fill(password);
  await theirs.getByRole("button", { name: "Create account" }).click();
  await expect(theirs.getByRole("heading", { level: 1, name: "Side Project" })).toBeVisible();
  // One account: nothing to switch.
  await expect(theirs.getByTestId("account-name")).toHaveText("Side Project");
  await expect(theirs.getByRole("button", { name: "Switch account" })).toHaveCount(0);
  await signOut(theirs);

  await signIn(page, DEMO);
  const path = await invite(page, email);
  // Signed in as someone else, the page says so and offers to sign out instead of joining.
  await page.goto(path);
  await expect(page.getByText(`This invitation is for ${email}, but you are signed in as demo@headroom.local.`)).toBeVisible();
  await expect(page.getByRole("button", { name: "Sign out, then open the invitation again" })).toBeVisible();

  // Not signed in, with a user already: sign in first, come back to the invitation, join.
  await theirs.goto(path);
  await theirs.getByRole("link", { name: `Sign in as ${email} to accept` }).click();
  await expect(theirs).toHaveURL(/\/signin\?callbackUrl=/);
  await theirs.getByLabel("E-mail").fill(email);
  await theirs.getByLabel("Password").fill(password);
  await theirs.getByRole("button", { name: "Sign in" }).click();
  await expect(theirs).toHaveURL(new RegExp(`${path}$`));
  await theirs.getByRole("button", { name: "Join Demo Inc." }).click();
  await expect(theirs.getByRole("heading", { level: 1, name: "Demo Inc." })).toBeVisible();
  await expect(theirs.getByTestId("role")).toHaveText("member");

  // Two accounts: the switcher lists both, the current one marked.
  const nav = theirs.getByRole("navigation", { name: "Console" });
  await nav.getByRole("button", { name: "Switch account" }).click();
  const menu = nav.getByRole("list", { name: "Your accounts" });
  await expect(menu.getByRole("button")).toHaveCount(2);
  await expect(menu.getByRole("button", { name: /Demo Inc\./ })).toHaveAttribute("aria-current", "true");
  await theirs.screenshot({ path: testInfo.outputPath("switcher-desktop.png") });
  await menu.getByRole("button", { name: /Side Project/ }).click();
  await expect(theirs.getByRole("heading", { level: 1, name: "Side Project" })).toBeVisible();
  await expect(theirs.getByTestId("role")).toHaveText("owner");
  await expect(menu).toBeHidden();
  await expect(theirs.getByTestId("account-name")).toHaveText("Side Project");
  // The choice holds across pages and reloads (a cookie), and the other pages follow it.
  await theirs.goto("/members");
  await expect(theirs.getByTestId(`member-${email}`).getByTestId("member-role")).toHaveText("owner");
  await expect(theirs.getByRole("button", { name: "Send invitation" })).toBeEnabled();

  // And back, from the keyboard: Escape closes the menu (focus back on its button), Enter picks.
  await nav.getByRole("button", { name: "Switch account" }).click();
  await theirs.keyboard.press("Escape");
  await expect(menu).toBeHidden();
  await expect(nav.getByRole("button", { name: "Switch account" })).toBeFocused();
  await nav.getByRole("button", { name: "Switch account" }).press("Enter");
  await menu.getByRole("button", { name: /Demo Inc\./ }).focus();
  await theirs.keyboard.press("Enter");
  await expect(theirs.getByRole("heading", { level: 1, name: "Demo Inc." })).toBeVisible();
  await expect(theirs.getByTestId("role")).toHaveText("member");

  // At phone width the switcher is in the navigation's menu, and opens inside the screen.
  await theirs.setViewportSize(PHONE);
  await nav.getByRole("button", { name: "Menu" }).click();
  await nav.getByRole("button", { name: "Switch account" }).click();
  await expect(menu).toBeVisible();
  await noHorizontalScroll(theirs);
  await theirs.screenshot({ path: testInfo.outputPath("switcher-390.png") });
  await theirs.context().close();
});
