// `npm run test:faults`: the fault-injection harness (a private PostgreSQL cluster and redis-server, under load; ~30 s).
// Kept out of `npm test` (see the root vitest.config.mts exclude).
import path from "node:path";
import { defineConfig } from "vitest/config";

const root = path.resolve(import.meta.dirname, "../..");

export default defineConfig({
  root,
  resolve: { alias: { "@": root } },
  test: {
    include: ["tests/faults/**/*.test.ts"],
    environment: "node",
    testTimeout: 300_000,
    hookTimeout: 120_000,
    pool: "forks",
    fileParallelism: false,
  },
});
