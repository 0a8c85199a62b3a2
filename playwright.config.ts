// Playwright e2e against the production build served by `npm start` on a throwaway data folder.
import { defineConfig, devices } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 3100);
const dataDir = process.env.E2E_DATA_DIR ?? `/tmp/headroom-e2e-${process.pid}`;

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: [["list"]],
  use: {
    baseURL: `http://localhost:${port}`,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--disable-gpu",
        "--disable-quic",
        "--no-sandbox",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"] } }],
  webServer: {
    command: `rm -rf ${dataDir} && npm start`,
    url: `http://localhost:${port}/api/health`,
    timeout: 180_000,
    reuseExistingServer: false,
    env: {
      PORT: String(port),
      // Each e2e server gets its own emulator port, so parallel runs on one machine do not collide.
      HEADROOM_STRIPE_EMULATOR_PORT: String(port + 10_000),
      HEADROOM_DATA_DIR: dataDir,
      HEADROOM_DEMO_API_KEY: "hr_e2eDemoKey000000000000000000000000000000",
      HEADROOM_LOG_LEVEL: "warn",
      // Every spec signs up from 127.0.0.1: more than the default 5 accounts an hour per address
      // (the throttle itself is tested in tests/integration).
      HEADROOM_SIGNUPS_PER_IP_PER_HOUR: "100",
      DATABASE_URL: "",
      REDIS_URL: "",
    },
  },
});
