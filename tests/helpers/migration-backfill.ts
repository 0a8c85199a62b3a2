// Run the data part of a migration (after its "-- Backfill" marker) on the test's database, as
// deploying it would on rows written before it: the test database is migrated before the test can
// write such rows, so the test writes them first and then runs this.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { db } from "@/lib/db";

export async function applyMigrationBackfill(name: string): Promise<void> {
  const dir = path.join(process.cwd(), "prisma/migrations");
  const folder = readdirSync(dir).find((f) => f.endsWith(`_${name}`));
  if (!folder) throw new Error(`no migration named ${name}`);
  const sql = readFileSync(path.join(dir, folder, "migration.sql"), "utf8");
  const backfill = sql.split(/^-- Backfill$/m)[1];
  if (!backfill) throw new Error(`migration ${name} has no backfill`);
  for (const statement of backfill.split(/;\s*\n/).filter((s) => /\S/.test(s.replace(/--.*$/gm, "")))) {
    await db().$executeRawUnsafe(statement);
  }
}
