// `npm start` (and `npm run dev` with --dev: hot reload, no build): Headroom on its embedded defaults unless configured otherwise (SPEC §12, §14).
// Generates missing secrets, builds if there is no build (under the checkout's build lock), applies migrations, seeds the demo,
// starts the Stripe emulator when no Stripe keys are set, and serves on PORT (3000).
import path from "node:path";
import { ensureNextBuild, hasBuild } from "../lib/runtime/next-build";
import { loadOrCreateSecrets } from "../lib/runtime/secrets";

const root = path.resolve(import.meta.dirname, "..");
process.env.NEXT_TELEMETRY_DISABLED = "1";
const dataDir = path.resolve(process.env.HEADROOM_DATA_DIR ?? path.join(root, ".headroom"));
process.env.HEADROOM_DATA_DIR = dataDir;
const port = Number(process.env.PORT ?? 3000);
const secrets = loadOrCreateSecrets(dataDir);
process.env.NEXTAUTH_SECRET ??= secrets.nextAuthSecret;
process.env.NEXTAUTH_URL ??= `http://localhost:${port}`;
const dev = process.argv.includes("--dev");
(process.env as Record<string, string>).NODE_ENV = dev ? "development" : "production";

if (!dev && !hasBuild()) {
  console.log("No production build yet: running `next build` (about a minute, once)…");
  try {
    ensureNextBuild();
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}

const { runHeadroom } = await import("../lib/runtime/run-headroom");
try {
  await runHeadroom({ root, port, dataDir, webhookSecret: process.env.STRIPE_WEBHOOK_SECRET ?? secrets.stripeWebhookSecret, dev });
} catch (err) {
  // A start-up failure (a malformed setting, a database that will not open) is told in one line; its
  // stack only when asked for.
  console.error(`Headroom could not start: ${err instanceof Error ? err.message : String(err)}`);
  if (process.env.HEADROOM_LOG_LEVEL === "debug" && err instanceof Error) console.error(err.stack);
  process.exit(1);
}
