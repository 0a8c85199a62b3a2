// `headroom login` / `headroom logout`: save (after checking it with GET /api/v1/account) or
// forget the API key and the base URL it belongs to.
import type { Command } from "commander";
import type { AccountSummary } from "../../../lib/billing/get-account-summary";
import { isWellFormedSecret } from "../../../lib/keys/secret";
import { removeConfig, writeConfig } from "../config";
import { contextOf } from "../context";
import { UsageError } from "../errors";
import { tierLabel } from "../format";
import { withExamples } from "../help";
import { readSecret } from "../prompt";

export function registerAuth(program: Command): void {
  withExamples(
    program
      .command("login")
      .description(
        "Check an API key against the server and save it for the next commands.\n" +
          "The key is saved with the base URL, in a file only you can read.\n" +
          "The key comes from --api-key or HEADROOM_API_KEY, else a prompt (or the first line of stdin).\n" +
          "Create keys in the console (API keys page) or with `headroom create api-key`.",
      )
      .action(async (_opts: unknown, cmd: Command) => {
        const ctx = contextOf(cmd);
        const key = ctx.explicitApiKey ?? (await readSecret(`API key for ${ctx.baseUrl}: `));
        if (!key) throw new UsageError("no API key given: pass --api-key, set HEADROOM_API_KEY, or type it at the prompt");
        if (!isWellFormedSecret(key)) throw new UsageError('that is not a Headroom API key (expected "hr_" and 40 letters or digits)');
        const account = await ctx.clientWithKey(key).get<AccountSummary>("/api/v1/account");
        writeConfig(ctx.configFile, { baseUrl: ctx.baseUrl, apiKey: key });
        if (ctx.output === "json") return ctx.json(account);
        ctx.out(`Logged in to ${ctx.baseUrl} as ${ctx.style.bold(account.name)} (${tierLabel(account.tier)}).`);
        ctx.note(`Key saved to ${ctx.configFile} (readable only by you).`);
      }),
    [
      "headroom login                                  # prompts for the key",
      "headroom login --base-url https://headroom.example.com",
      "printenv MY_HEADROOM_KEY | headroom login       # key from stdin",
    ],
  );

  withExamples(
    program
      .command("logout")
      .description(
        "Forget the saved API key.\nDeletes the login file; the key itself stays valid until revoked (`headroom revoke api-key`).",
      )
      .action((_opts: unknown, cmd: Command) => {
        const ctx = contextOf(cmd);
        const removed = removeConfig(ctx.configFile);
        if (ctx.output === "json") return ctx.json({ loggedOut: removed, configFile: ctx.configFile });
        ctx.out(removed ? `Logged out: removed ${ctx.configFile}.` : `Not logged in (no ${ctx.configFile}).`);
      }),
    ["headroom logout"],
  );
}
