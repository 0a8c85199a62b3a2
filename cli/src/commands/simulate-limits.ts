// `headroom simulate-limits`: the offline limit simulator (SPEC §6) — no server, no key. Same engine
// (lib/limits/simulate.ts), same flags, same table and JSON as `npm run simulate:limits`
// (scripts/simulate-limits.ts); tests/integration/cli checks the two print the same thing.
import type { Command } from "commander";
import { BUILTIN_POLICIES, builtinPolicy } from "../../../lib/limits/policy";
import { simulate } from "../../../lib/limits/simulate";
import { parseTraffic } from "../../../lib/limits/traffic";
import { simulationSummary, simulationTable } from "../../../lib/limits/simulation-report";
import { contextOf } from "../context";
import { UsageError } from "../errors";
import { withExamples } from "../help";

interface Flags {
  policy: string;
  minutes?: string;
  traffic: string;
  load?: string;
  promptTokens?: string;
  maxTokens?: string;
  json?: boolean;
}

function wholeNumber(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return value;
}

function options(flags: Flags) {
  const policy = builtinPolicy(flags.policy);
  if (!policy) {
    throw new UsageError(`unknown policy ${JSON.stringify(flags.policy)} (known: ${Object.keys(BUILTIN_POLICIES).join(", ")})`);
  }
  const traffic = parseTraffic(flags.traffic);
  if (!traffic.ok) throw new UsageError(traffic.error);
  const load = flags.load === undefined ? 0 : Number(flags.load);
  if (flags.load !== undefined && (!/^\d+(\.\d+)?$/.test(flags.load) || load > 10)) {
    throw new UsageError(`--load must be a number from 0 to 10, got ${JSON.stringify(flags.load)}`);
  }
  return {
    policyName: flags.policy,
    policy,
    traffic: traffic.value,
    minutes: wholeNumber("minutes", flags.minutes, 180, 1, 10_080),
    modelLoad: load,
    promptTokens: wholeNumber("prompt-tokens", flags.promptTokens, policy.tokensPromptPerRequest, 0, 10_000_000),
    maxTokens: wholeNumber("max-tokens", flags.maxTokens, policy.tokensGeneratedPerReq, 0, 10_000_000),
  };
}

export { simulationTable };

export function registerSimulateLimits(program: Command): void {
  withExamples(
    program
      .command("simulate-limits")
      .description(
        "Simulate the dynamic rate limits a traffic pattern would see, offline.\n" +
          "Prints the limits minute by minute under a built-in policy.\n" +
          "Runs offline (no server, no API key) on the gateway's own limiter engine; the same as `npm run simulate:limits`.",
      )
      .option("--policy <name>", `built-in policy: ${Object.keys(BUILTIN_POLICIES).join(", ")}`, "default")
      .option("--minutes <n>", "minutes to simulate, 1..10080 (default: 180)")
      .option(
        "--traffic <pattern>",
        "track | constant:<rpm> | ramp:<from>:<to> | spike:<rpm>@<minute>[:<base rpm>]\n(track = send exactly the current limit every minute)",
        "track",
      )
      .option(
        "--load <0..10>",
        "the model's utilisation of its capacity, constant (default: 0); above the policy's growth gate no limit grows",
      )
      .option("--prompt-tokens <n>", "prompt tokens per request (default: the policy's ITPM/RPM ratio)")
      .option("--max-tokens <n>", "max_tokens per request (default: the policy's OTPM/RPM ratio)")
      .option("--json", "print JSON instead of a table (same as --output json)")
      .action((flags: Flags, cmd: Command) => {
        const ctx = contextOf(cmd);
        const opts = options(flags);
        const rows = simulate(opts);
        if (flags.json || ctx.output === "json") {
          const { policy, policyName, traffic, minutes, modelLoad, promptTokens, maxTokens } = opts;
          return ctx.json({ policyName, policy, traffic, minutes, modelLoad, promptTokens, maxTokens, rows });
        }
        ctx.out(simulationTable(rows));
        ctx.out(`\n${simulationSummary(opts.policyName, opts.policy.capRpm, rows)}`);
      }),
    [
      "headroom simulate-limits                                   # the default policy, 180 minutes at the limit",
      "headroom simulate-limits --minutes 130 --traffic track     # 60 → 120 (10 min) → 720 (1 h) → 1440 (2 h) RPM",
      "headroom simulate-limits --policy large --traffic ramp:30:600 --minutes 240",
      "headroom simulate-limits --traffic spike:500@5:20 --minutes 15   # a burst: over-limit, then 429s",
      "headroom simulate-limits --load 0.95 --minutes 60                # a busy model: no growth",
      "headroom simulate-limits --json | jq '.rows[-1].limits'",
    ],
  );
}
