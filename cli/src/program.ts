// The `headroom` command tree (commander). Verb-then-noun like firectl: `headroom list quotas`,
// `headroom update quota monthly-spend-usd --value 200`. Global options work before or after the
// command; every bad flag is a usage error (exit 2) thanks to exitOverride (see run.ts).
import { Command, Option } from "commander";
import { version } from "../../package.json";
import { registerAccount } from "./commands/account";
import { registerApiKeys } from "./commands/api-keys";
import { registerAuth } from "./commands/auth";
import { registerBilling } from "./commands/billing";
import { registerDeployments } from "./commands/deployments";
import { registerMembers } from "./commands/members";
import { registerQuotas } from "./commands/quotas";
import { registerSimulateLimits } from "./commands/simulate-limits";
import { registerUsage } from "./commands/usage";
import { DEFAULT_BASE_URL } from "./context";
import { examplesOf, positiveSeconds, summarize, withExamples } from "./help";

const ROOT_HELP = `
Examples:
  $ headroom login                                   # save an API key for the next commands
  $ headroom get account                             # tier, status, spend vs limit, credits
  $ headroom list quotas
  $ headroom update quota monthly-spend-usd --value 200
  $ headroom buy credits --amount 100                # prints the checkout URL
  $ headroom usage --since 1h
  $ headroom simulate-limits --minutes 130           # offline: how limits grow
  $ headroom list quotas --output json | jq '.quotas[0].value'

Authentication: --api-key, else HEADROOM_API_KEY, else the key saved by \`headroom login\` in
$XDG_CONFIG_HOME/headroom/config.json (~/.config/headroom/config.json). A saved key is only sent
to the base URL it was saved with.

Output: tables for people (money as $ amounts, colour on a terminal unless NO_COLOR is set);
--output json prints the API's JSON unchanged (on errors: the API's error body), for scripts.

Exit codes: 0 ok · 1 the API refused (the message and its request id are printed) or another
error · 2 usage error (bad command, flag or value) · 3 cannot reach the server`;

/** A verb that only groups nouns (`list`, `get`, …): no action of its own. */
function verb(program: Command, name: string, description: string): Command {
  return program.command(name).description(description);
}

export function buildProgram(): Command {
  const program = new Command("headroom")
    .description("Headroom's command-line client: quotas, spend limits, credits, invoices, API keys, usage and rate limits.")
    .version(version, "-V, --version", "print the CLI's version")
    .addOption(
      new Option("--api-key <key>", "API key of the account (prefer HEADROOM_API_KEY or `headroom login`: flags show in `ps`)").env(
        "HEADROOM_API_KEY",
      ),
    )
    .addOption(new Option("--base-url <url>", `Headroom's URL (default: the login's, else ${DEFAULT_BASE_URL})`).env("HEADROOM_BASE_URL"))
    .addOption(
      new Option("-o, --output <format>", "table for people, json for scripts (the API's JSON as is)")
        .choices(["table", "json"])
        .default("table")
        .env("HEADROOM_OUTPUT"),
    )
    .addOption(new Option("--timeout <seconds>", "give up on the server after this long").argParser(positiveSeconds).default(30))
    .option("--no-color", "no colours (also: NO_COLOR=1; colours are only used on a terminal)")
    .addHelpText("after", ROOT_HELP)
    .showHelpAfterError("(add --help for usage)")
    .configureHelp({ showGlobalOptions: true })
    // Inherited by every command added below: commander throws instead of exiting (run.ts maps to 2).
    .exitOverride();

  registerAuth(program);

  const list = verb(program, "list", "List resources: quotas, invoices, api-keys, deployments, quota-requests, members.");
  const get = verb(program, "get", "Show one resource: account, invoice.");
  const update = verb(program, "update", "Change a setting: quota (your monthly spend limit).");
  const create = verb(program, "create", "Create a resource: api-key.");
  const revoke = verb(program, "revoke", "Revoke a resource: api-key, invitation.");
  const invite = verb(program, "invite", "Invite: member (prints the invitation link).");
  const remove = verb(program, "remove", "Remove: member (from the account).");
  const pay = verb(program, "pay", "Pay: invoice (prints the hosted payment page's URL).");
  const buy = verb(program, "buy", "Buy: credits (prints the checkout URL).");
  const request = verb(program, "request", "Ask the operators: quota (an increase).");

  registerAccount(get);
  registerQuotas({ list, update, request });
  registerBilling({ list, get, pay, buy });
  registerApiKeys({ list, create, revoke });
  registerDeployments(list);
  registerMembers({ list, invite, revoke, remove });
  registerUsage(program);
  registerSimulateLimits(program);

  // A verb's help shows the first example of each of its nouns.
  for (const group of [list, get, update, create, revoke, invite, remove, pay, buy, request]) {
    withExamples(
      group,
      group.commands.flatMap((c) => examplesOf(c).slice(0, 1)),
    );
  }
  summarize(program);
  return program;
}
