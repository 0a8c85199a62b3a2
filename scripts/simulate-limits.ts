// npm run simulate:limits -- --policy <model|default> --minutes 180 --traffic track [--json]
// Prints the limits a traffic pattern would see under a rate-limit policy, minute by minute (SPEC §6).
import { parseArgs } from "node:util";
import { BUILTIN_POLICIES, builtinPolicy, parseTraffic, simulate } from "../lib/limits";
import { simulationSummary, simulationTable } from "../lib/limits/simulation-report";

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
  process.stdout.write(`${simulationTable(rows)}\n`);
  process.stdout.write(`\n${simulationSummary(options.policyName, options.policy.capRpm, rows)}\n`);
}

main();
