// The whole Playwright e2e suite against a server whose every printed line is captured, then a scan
// for the demo API key (and the e2e passwords) in that output. Slower than server.test.ts (which
// runs in `npm test` and drives the same main flows over HTTP), so it is a script:
//   flock .next-build.lock npx tsx tests/security/e2e-log-scan.ts      (E2E_PORT, default 3203)
// It expects to hold the build lock itself (see the command): the server is started without one.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { ROOT } from "./discover";
import { startServer } from "./server-harness";

const DEMO_KEY = "hr_e2eDemoKey000000000000000000000000000000"; // as playwright.config.ts sets it
const port = Number(process.env.E2E_PORT ?? 3203);

const server = await startServer(
  { HEADROOM_DEMO_API_KEY: DEMO_KEY, HEADROOM_LOG_LEVEL: process.env.SCAN_LOG_LEVEL ?? "debug" },
  { port, lock: false },
);
let status = 1;
try {
  const e2e = spawnSync("npx", ["playwright", "test", "--config", path.join("tests", "security", "playwright.logscan.config.ts")], {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, E2E_PORT: String(port) },
  });
  const output = server.output();
  // Not "headroom-demo": the start banner prints that default password on purpose (it is in the README);
  // a configured HEADROOM_DEMO_PASSWORD is never printed.
  const found = [DEMO_KEY, DEMO_KEY.slice(3, 30), "correct-horse-battery", "member-password"].filter((s) => output.includes(s));
  console.log(`\ne2e suite: ${e2e.status === 0 ? "passed" : `FAILED (${e2e.status})`}; server printed ${output.split("\n").length} lines`);
  console.log(
    found.length ? `SECRETS IN THE SERVER OUTPUT: ${found.map((s) => `${s.slice(0, 8)}…`).join(", ")}` : "no secret in the server output",
  );
  status = e2e.status === 0 && found.length === 0 ? 0 : 1;
} finally {
  await server.stop();
}
process.exit(status);
