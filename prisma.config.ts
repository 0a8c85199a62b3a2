// Prisma CLI configuration. The CLI's native schema engine cannot be downloaded offline, so it is
// pointed at Headroom's WASM-backed engine (prisma/engine/), which speaks the same protocol.
import path from "node:path";
import { defineConfig } from "prisma/config";

process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.resolve("prisma/engine/schema-engine");

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations", seed: "tsx prisma/seed.ts" },
  datasource: { url: process.env.DATABASE_URL ?? "pglite:./.headroom/db" },
});
