// `npm run bench`: every benchmark in turn — the rate-limit stores, the meter's statement, prompt
// token counting, then the gateway (each prints its figures and its ratios against a baseline measured in the same run).
import { spawnSync } from "node:child_process";

for (const script of ["bench/limits/index.ts", "bench/meter/index.ts", "bench/tokens/index.ts", "bench/gateway/index.ts"]) {
  console.log(`\n═══ ${script}\n`);
  const run = spawnSync("npx", ["tsx", script], { stdio: "inherit", env: process.env });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
