// Run the Stripe emulator on its own:
//   tsx stripe-emulator/cli.ts --port 12111 --webhook-url http://localhost:3000/api/stripe/webhook --webhook-secret whsec_…
import { parseArgs } from "node:util";
import { startStripeEmulator } from "./server";

const USAGE = `Usage: tsx stripe-emulator/cli.ts [options]

  --port <n>              port to listen on (default 12111; 0 = any free port)
  --host <addr>           interface to listen on (default 127.0.0.1)
  --public-url <url>      base URL browsers use for hosted pages (default http://<host>:<port>)
  --webhook-url <url>     endpoint to POST events to (repeatable)
  --webhook-secret <s>    signing secret, whsec_… (default: $STRIPE_WEBHOOK_SECRET, else generated)
  --state-file <path>     keep state in this JSON file across restarts
  --retry-schedule <ms,…> delays before webhook retries (default 1000,2000,4000,…,64000)
  --quiet                 do not log requests and deliveries
  --help`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: "string" },
        host: { type: "string" },
        "public-url": { type: "string" },
        "webhook-url": { type: "string", multiple: true },
        "webhook-secret": { type: "string" },
        "state-file": { type: "string" },
        "retry-schedule": { type: "string" },
        quiet: { type: "boolean" },
        help: { type: "boolean" },
      },
    }));
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }

  const port = values.port === undefined ? 12111 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be an integer 0–65535, not ${values.port}`);
  const retrySchedule = values["retry-schedule"]?.split(",").map((s) => Number(s.trim()));
  if (retrySchedule?.some((n) => !Number.isFinite(n) || n < 0)) fail("--retry-schedule must be comma-separated milliseconds");

  const emulator = await startStripeEmulator({
    port,
    host: values.host,
    publicUrl: values["public-url"],
    webhookUrls: values["webhook-url"] ?? [],
    webhookSecret: values["webhook-secret"] ?? process.env.STRIPE_WEBHOOK_SECRET,
    stateFile: values["state-file"],
    retrySchedule,
    log: !values.quiet,
  }).catch((err: unknown) => fail(`could not start: ${err instanceof Error ? err.message : String(err)}`));

  console.log(`
  Stripe emulator on ${emulator.url}  (API version ${emulator.apiVersion})
  SDK:      new Stripe("sk_test_anything", { host: "${emulator.stripeConfig.host}", port: ${emulator.port}, protocol: "http" })
  Webhooks: ${emulator.webhookUrls().join(", ") || "none (add with PUT /_emulator/webhook_endpoints)"}
  Secret:   ${emulator.webhookSecret}
  State:    ${values["state-file"] ?? "in memory"}
  Overview: ${emulator.url}/   Control API: ${emulator.url}/_emulator
`);

  const stop = () => {
    void emulator.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

void main();
