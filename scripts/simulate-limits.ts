// npm run simulate:limits -- --policy <model|default> --minutes 180 --traffic track [--json]
// Prints the limits a traffic pattern would see under a rate-limit policy, minute by minute (SPEC §6).
import { parseArgs } from "node:util";
import { BUILTIN_POLICIES, builtinPolicy, parseTraffic, simulate, type SimulatedMinute } from "../lib/limits";

const USAGE = `usage: npm run simulate:limits -- [options]

  --policy <name>      built-in policy: ${Object.keys(BUILTIN_POLICIES).join(", ")} (default: default)
  --minutes <n>        minutes to simulate, 1..10080 (default: 180)
  --traffic <pattern>  track | constant:<rpm> | ramp:<from>:<to> | spike:<rpm>@<minute>[:<base rpm>]
                       (default: track = send exactly the current limit every minute)
  --load <0..10>       the model's utilisation of its capacity, constant (default: 0); above the
                       policy's growth gate no limit grows
  --prompt-tokens <n>  prompt tokens per request (default: the policy's ITPM/RPM ratio)
  --max-tokens <n>     max_tokens per request (default: the policy's OTPM/RPM ratio)
  --json               print JSON instead of a table
  --help               this text`;

function usageError(message: string): never {
  process.stderr.write(`simulate-limits: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function wholeNumber(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max)
    usageError(`--${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
  return value;
}

function parseCli(argv: string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        policy: { type: "string", default: "default" },
        minutes: { type: "string" },
        traffic: { type: "string", default: "track" },
        load: { type: "string" },
        "prompt-tokens": { type: "string" },
        "max-tokens": { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
    });
  } catch (error) {
    usageError(error instanceof Error ? error.message : String(error));
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const policy = builtinPolicy(values.policy);
  if (!policy) usageError(`unknown policy ${JSON.stringify(values.policy)} (known: ${Object.keys(BUILTIN_POLICIES).join(", ")})`);
  const traffic = parseTraffic(values.traffic);
  if (!traffic.ok) usageError(traffic.error);
  const load = values.load === undefined ? 0 : Number(values.load);
  if (values.load !== undefined && (!/^\d+(\.\d+)?$/.test(values.load) || load > 10))
    usageError(`--load must be a number from 0 to 10, got ${JSON.stringify(values.load)}`);
  return {
    policyName: values.policy,
    policy,
    traffic: traffic.value,
    minutes: wholeNumber("minutes", values.minutes, 180, 1, 10_080),
    modelLoad: load,
    promptTokens: wholeNumber("prompt-tokens", values["prompt-tokens"], policy.tokensPromptPerRequest, 0, 10_000_000),
    maxTokens: wholeNumber("max-tokens", values["max-tokens"], policy.tokensGeneratedPerReq, 0, 10_000_000),
    json: values.json,
  };
}

function table(rows: SimulatedMinute[]): string {
  const header = ["minute", "RPM", "ITPM", "OTPM", "sent", "in-limit", "over-limit", "rejected", "sustained"];
  const cells = rows.map((r) => [
    r.minute,
    r.limits.requests,
    r.limits.tokensPrompt,
    r.limits.tokensGenerated,
    r.sent,
    r.admittedInLimit,
    r.admittedOverLimit,
    r.rejected,
    Number(r.sustainedMinutes.toFixed(3)),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => String(c[i]).length)));
  const line = (values: (string | number)[]) => values.map((v, i) => String(v).padStart(widths[i]!)).join("  ");
  return [line(header), ...cells.map(line)].join("\n");
}

function main(): void {
  const options = parseCli(process.argv.slice(2));
  const rows = simulate(options);
  if (options.json) {
    const { policy, policyName, traffic, minutes, modelLoad, promptTokens, maxTokens } = options;
    process.stdout.write(
      `${JSON.stringify({ policyName, policy, traffic, minutes, modelLoad, promptTokens, maxTokens, rows }, null, 2)}\n`,
    );
    return;
  }
  process.stdout.write(`${table(rows)}\n`);
  const capAt = rows.find((r) => r.limits.requests >= options.policy.capRpm);
  const totals = rows.reduce((t, r) => ({ sent: t.sent + r.sent, over: t.over + r.admittedOverLimit, rejected: t.rejected + r.rejected }), {
    sent: 0,
    over: 0,
    rejected: 0,
  });
  process.stdout.write(
    `\npolicy ${options.policyName}: sent ${totals.sent}, over-limit ${totals.over}, rejected ${totals.rejected}; ` +
      (capAt ? `cap ${options.policy.capRpm} RPM reached at minute ${capAt.minute}\n` : `cap ${options.policy.capRpm} RPM not reached\n`),
  );
}

main();
