// The built CLI against a running Headroom (scripts/start.ts on the embedded database): login and
// the saved key, quotas and the spend limit, account, API keys, logout — and the commands whose
// routes other slices serve (usage, rate limits, invoices, credits, deployments, quota requests)
// when this build has them.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli, DEMO_KEY, removeTempDirs, runCli, startApp, tempDir, type App, type CliResult } from "./harness";

let cli: string;
let app: App;
let xdg: string;

beforeAll(async () => {
  cli = buildCli();
  app = await startApp();
  xdg = tempDir("config");
}, 300_000);

afterAll(async () => {
  await app?.stop();
  removeTempDirs();
});

/** The CLI as a logged-in user would run it: base URL from the environment, key from the login file. */
const headroom = (args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> =>
  runCli(cli, args, { env: { HEADROOM_BASE_URL: app.url, XDG_CONFIG_HOME: xdg, ...env } });

async function api(method: string, route: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${app.url}${route}`, {
    method,
    headers: { authorization: `Bearer ${DEMO_KEY}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.json();
}

describe("login", () => {
  it("refuses an unknown key and writes nothing", async () => {
    const other = tempDir("config-bad");
    const { code, stderr } = await runCli(cli, ["login", "--api-key", `hr_${"x".repeat(40)}`], {
      env: { HEADROOM_BASE_URL: app.url, XDG_CONFIG_HOME: other },
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: Invalid API key: it is unknown or has been revoked\. \(request id req_\w+\)\n$/);
    expect(fs.existsSync(path.join(other, "headroom"))).toBe(false);
  });

  it("checks the key, then saves it with the base URL: file 0600 in a 0700 directory", async () => {
    const { code, stdout, stderr } = await headroom(["login", "--api-key", DEMO_KEY]);
    expect(stderr).toContain(`Key saved to ${path.join(xdg, "headroom", "config.json")}`);
    expect(code).toBe(0);
    expect(stdout).toBe(`Logged in to ${app.url} as Demo Inc. (Tier 1).\n`);
    const file = path.join(xdg, "headroom", "config.json");
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(JSON.parse(fs.readFileSync(file, "utf8"))).toEqual({ baseUrl: app.url, apiKey: DEMO_KEY });
  });

  it("reads the key from stdin when it is not a terminal", async () => {
    const other = tempDir("config-stdin");
    const { code } = await runCli(cli, ["login"], { env: { HEADROOM_BASE_URL: app.url, XDG_CONFIG_HOME: other }, input: `${DEMO_KEY}\n` });
    expect(code).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(other, "headroom", "config.json"), "utf8"))).toMatchObject({ apiKey: DEMO_KEY });
  });

  it("never sends the saved key to another server", async () => {
    const { code, stderr } = await headroom(["list", "quotas", "--base-url", "http://127.0.0.1:1"]);
    expect(code).toBe(1);
    expect(stderr).toContain(`error: the saved login is for ${app.url}, not http://127.0.0.1:1`);
  });
});

describe("quotas and the spend limit (with the saved login)", () => {
  it("list quotas: a table with money as $ amounts", async () => {
    const { code, stdout } = await headroom(["list", "quotas"]);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^NAME\s+VALUE\s+MAX\s+USAGE$/);
    expect(lines[1]).toMatch(/^monthly-spend-usd\s+\$50\.00\s+\$50\.00\s+\$0\.00$/);
    expect(lines.slice(2).map((l) => l.split(/\s+/).slice(0, 3))).toEqual([
      ["deployed-models", "100", "—"],
      ["a100-gpus", "8", "—"],
      ["h100-gpus", "8", "—"],
    ]);
    // Columns line up: every row's second column ends where the header's VALUE ends.
    const valueEnd = lines[0]!.indexOf("VALUE") + "VALUE".length;
    for (const line of lines.slice(1)) expect(line.slice(0, valueEnd)).toMatch(/\S$/);
  });

  it("list quotas --output json: the API's JSON as is", async () => {
    const { code, stdout } = await headroom(["list", "quotas", "--output", "json"]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(await api("GET", "/api/v1/quotas"));
  });

  it("update quota monthly-spend-usd --value 20 lowers the limit", async () => {
    const { code, stdout } = await headroom(["update", "quota", "monthly-spend-usd", "--value", "20"]);
    expect(code).toBe(0);
    expect(stdout).toBe("monthly-spend-usd set to $20.00 (max $50.00, used $0.00 this month).\n");
    const { quotas } = (await api("GET", "/api/v1/quotas")) as { quotas: { name: string; value: unknown }[] };
    expect(quotas.find((q) => q.name === "monthly-spend-usd")?.value).toBe("20.00");
  });

  it("a value above the tier's cap is refused with the bound, exit 1", async () => {
    const { code, stdout, stderr } = await headroom(["update", "quota", "monthly-spend-usd", "--value", "5000"]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^error: value must be between 0 and 50\.00 \(the Tier 1 cap\) \(request id req_\w+\)\n$/);
    const json = await headroom(["update", "quota", "monthly-spend-usd", "--value", "5000", "-o", "json"]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      error: { code: "invalid_request_error", param: "value", request_id: expect.stringMatching(/^req_/) },
    });
    // Still 20: nothing changed.
    expect((await headroom(["list", "quotas", "-o", "json"])).stdout).toContain('"value": "20.00"');
  });

  it("count quotas are not the owner's to set: the error points to `headroom request quota`", async () => {
    const { code, stderr } = await headroom(["update", "quota", "a100-gpus", "--value", "16"]);
    expect(code).toBe(1);
    expect(stderr).toContain('With the CLI: headroom request quota a100-gpus --value 16 --reason "…"');
  });
});

describe("account and API keys", () => {
  it("get account: tier, status, spend vs limit, credits", async () => {
    const { code, stdout } = await headroom(["get", "account"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Account\s+Demo Inc\. \(\w+\)$/m);
    expect(stdout).toMatch(/^Tier\s+Tier 1$/m);
    expect(stdout).toMatch(/^Status\s+active$/m);
    expect(stdout).toMatch(/^Spend this month\s+\$0\.00 of \$20\.00 \(set by you\)$/m);
    expect(stdout).toMatch(/^Credit balance\s+\$10\.00$/m);
    const json = await headroom(["get", "account", "--output", "json"]);
    expect(JSON.parse(json.stdout)).toEqual(await api("GET", "/api/v1/account"));
  });

  it("create api-key prints the secret once on stdout, with a warning on stderr; revoke makes it fail", async () => {
    const created = await headroom(["create", "api-key", "--name", "cli-test"]);
    expect(created.code).toBe(0);
    const secret = created.stdout.trim();
    expect(secret).toMatch(/^hr_[0-9A-Za-z]{40}$/);
    expect(created.stderr).toContain("shown only once");

    const listed = await headroom(["list", "api-keys"]);
    expect(listed.stdout).toMatch(/^ID\s+NAME\s+PREFIX\s+CREATED\s+LAST USED\s+STATUS$/m);
    const row = listed.stdout.split("\n").find((l) => l.includes("cli-test"));
    expect(row).toContain(`${secret.slice(0, 12)}…`);
    expect(row).not.toContain(secret);
    const id = row!.split(/\s+/)[0]!;

    // The new key works on its own (HEADROOM_API_KEY beats the saved login)…
    expect((await headroom(["get", "account"], { HEADROOM_API_KEY: secret })).code).toBe(0);
    // …until it is revoked.
    const revoked = await headroom(["revoke", "api-key", id]);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toBe(`Revoked API key ${id}.\n`);
    const after = await headroom(["get", "account", "--api-key", secret]);
    expect(after.code).toBe(1);
    expect(after.stderr).toContain("error: Invalid API key");
  });
});

describe("members", () => {
  it("invite member prints the link once; list members shows it pending; revoke invitation kills the link", async (ctx) => {
    if (!(await app.serves("GET", "/api/invitations/hri_x"))) return ctx.skip();
    const email = `cli-invitee-${Date.now()}@example.test`;
    const invited = await headroom(["invite", "member", "--email", email]);
    expect(invited.code).toBe(0);
    const link = invited.stdout.trim();
    expect(link).toMatch(/\/invite\/hri_[A-Za-z0-9_-]{43}$/);
    expect(invited.stderr).toContain(`Send this link to ${email}`);
    const listed = await headroom(["list", "members"]);
    expect(listed.stdout).toMatch(/^USER ID\s+E-MAIL\s+ROLE\s+SINCE$/m);
    expect(listed.stdout).toMatch(/demo@headroom\.local( \(you\))?\s+owner/);
    const row = listed.stdout.split("\n").find((l) => l.includes(email));
    expect(row).toBeDefined();
    expect(listed.stdout).not.toContain(link.split("/").pop());
    const id = row!.trim().split(/\s+/)[0]!;
    const revoked = await headroom(["revoke", "invitation", id]);
    expect(revoked.stdout).toBe(`Revoked invitation ${id}.\n`);
    expect((await fetch(`${app.url}/api/invitations/${link.split("/").pop()}`)).status).toBe(404);
    const bad = await headroom(["invite", "member", "--email", "not-an-address"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--email: email is not a valid address");
  });
});

describe("commands on other slices' routes (skipped when this build does not serve them)", () => {
  it("rate-limits", async (ctx) => {
    if (!(await app.serves("GET", "/api/v1/rate-limits"))) return ctx.skip();
    const { code, stdout } = await headroom(["rate-limits"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^MODEL\s+RPM LEFT \/ LIMIT/);
    expect(stdout).toMatch(/hr-small-8b\s+[\d,]+ \/ [\d,]+/);
  });

  it("usage after a completion shows the model's totals and a sparkline", async (ctx) => {
    if (!(await app.serves("GET", "/api/v1/usage"))) return ctx.skip();
    const res = await fetch(`${app.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${DEMO_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "hr-small-8b", messages: [{ role: "user", content: "hello" }], max_tokens: 5 }),
    });
    expect(res.status).toBe(200);
    await res.text();
    let result: CliResult | undefined;
    // Metering commits asynchronously (group commit): allow it a moment.
    for (let i = 0; i < 20; i++) {
      result = await headroom(["usage", "--since", "15m", "--model", "hr-small-8b"]);
      if (/hr-small-8b\s+1\s/.test(result.stdout)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(result!.code).toBe(0);
    expect(result!.stdout).toMatch(/^MODEL\s+REQUESTS\s+PROMPT TOK\s+GEN TOK\s+COST/m);
    expect(result!.stdout).toMatch(/^hr-small-8b\s+1\s+[\d,]+\s+[\d,]+\s+\$0\.\d+/m);
    expect(result!.stdout).toMatch(/^hr-small-8b\s+[▁▂▃▄▅▆▇█]+\s+1\/min$/m);
    const json = await headroom(["usage", "--since", "15m", "-o", "json"]);
    const body = JSON.parse(json.stdout) as { granularity: string; series: { model: string }[] };
    expect(body.granularity).toBe("minute");
    // Every model the account may call has a series, the idle ones too.
    expect(body.series.map((s) => s.model)).toEqual(["hr-large-405b", "hr-medium-70b", "hr-small-8b"]);
  });

  it("usage lists the models without usage too: zeros under their RPM limit", async (ctx) => {
    if (!(await app.serves("GET", "/api/v1/usage"))) return ctx.skip();
    const all = await headroom(["usage", "--since", "15m"]);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/^hr-large-405b\s+0\s+0\s+0\s+\$0\.00\s+0\s+0\s+0\s+30$/m);
    expect(all.stdout).toMatch(/^hr-medium-70b\s+0\s+0\s+0\s+\$0\.00\s+0\s+0\s+0\s+60$/m);
    expect(all.stdout).toMatch(/^TOTAL\s+1\s/m);
    expect(all.stdout).toMatch(/^hr-large-405b\s+▁+\s+0\/min$/m);
    // One idle model: said so, and its limit still shown.
    const idle = await headroom(["usage", "--since", "15m", "--model", "hr-large-405b"]);
    expect(idle.code).toBe(0);
    expect(idle.stdout).toMatch(/^No usage .+, per minute\.\n/);
    expect(idle.stdout).toMatch(/^MODEL\s+REQUESTS\s+.*RPM LIMIT$/m);
    expect(idle.stdout).toMatch(/^hr-large-405b\s+0\s+0\s+0\s+\$0\.00\s+0\s+0\s+0\s+30$/m);
    expect(idle.stdout).not.toMatch(/ACTIVITY/);
  });

  it("list invoices / pay invoice", async (ctx) => {
    if (!(await app.serves("GET", "/api/v1/invoices"))) return ctx.skip();
    const listed = await headroom(["list", "invoices"]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^No invoices yet/);
    expect(JSON.parse((await headroom(["list", "invoices", "-o", "json"])).stdout)).toEqual({ invoices: [] });
    const pay = await headroom(["pay", "invoice", "inv_missing"]);
    expect(pay.code).toBe(1);
    expect(pay.stderr).toMatch(/^error: .+\(request id req_\w+\)\n$/);
  });

  it("list deployments", async (ctx) => {
    if (!(await app.serves("GET", "/api/v1/deployments"))) return ctx.skip();
    const { code, stdout } = await headroom(["list", "deployments"]);
    expect(code).toBe(0);
    expect(stdout).toBe("No deployments.\n");
  });

  it("request quota, then list quota-requests", async (ctx) => {
    if (!(await app.serves("GET", "/api/v1/quota-requests"))) return ctx.skip();
    const requested = await headroom(["request", "quota", "h100-gpus", "--value", "16", "--reason", "training runs in December"]);
    expect(requested.stderr).toBe("");
    expect(requested.code).toBe(0);
    expect(requested.stdout).toMatch(/^Requested h100-gpus → 16: pending \(request \w+\)\.\n$/);
    const again = await headroom(["request", "quota", "h100-gpus", "--value", "24", "--reason", "more"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already pending");
    const listed = await headroom(["list", "quota-requests"]);
    expect(listed.stdout).toMatch(/h100-gpus\s+16\s+pending\s+.*training runs in December/);
  });

  it("buy credits prints the checkout URL alone on stdout", async (ctx) => {
    if (!(await app.serves("POST", "/api/v1/credits/checkout"))) return ctx.skip();
    const { code, stdout, stderr } = await headroom(["buy", "credits", "--amount", "100"]);
    expect(stderr).toContain("Open the URL above");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^https?:\/\/\S+\n$/);
    const json = await headroom(["buy", "credits", "--amount", "100", "-o", "json"]);
    expect(JSON.parse(json.stdout)).toMatchObject({ url: expect.any(String), sessionId: expect.any(String) });
  });
});

describe("logout", () => {
  it("removes the login file; then commands ask for a login", async () => {
    const { code, stdout } = await headroom(["logout"]);
    expect(code).toBe(0);
    expect(stdout).toBe(`Logged out: removed ${path.join(xdg, "headroom", "config.json")}.\n`);
    expect(fs.existsSync(path.join(xdg, "headroom", "config.json"))).toBe(false);
    const after = await headroom(["list", "quotas"]);
    expect(after.code).toBe(1);
    expect(after.stderr).toContain("not logged in");
    expect((await headroom(["logout"])).stdout).toMatch(/^Not logged in/);
  });
});
