// Prisma CLI configuration. The CLI's native schema engine cannot be downloaded offline, so it is
// pointed at Headroom's WASM-backed engine (prisma/engine/), which speaks the same protocol.
// Without DATABASE_URL the CLI works on the embedded PGlite folder the app uses
// ($HEADROOM_DATA_DIR/db) — never while the app has it open.
import path from "node:path";
import { defineConfig } from "prisma/config";

const root = import.meta.dirname;
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(root, "prisma/engine/schema-engine");
const pgliteDir = path.resolve(root, process.env.HEADROOM_DATA_DIR || ".headroom", "db");

export default defineConfig({
  schema: path.join(root, "prisma/schema.prisma"),
  migrations: { path: path.join(root, "prisma/migrations"), seed: "tsx prisma/seed.ts" },
  datasource: { url: process.env.DATABASE_URL || `pglite:${pgliteDir}` },
});
