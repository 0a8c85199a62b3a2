// The model catalog refreshes in the background every few seconds while it serves the previous one.
// A refresh that failed (the database away) used to be a promise nobody handled: an unhandled
// rejection, which ends a Node process by default. It now keeps the previous catalog and says why.
import { afterEach, describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createModelFixture } from "../../helpers/fixtures";
import { closeDb, openPostgres, setDb } from "@/lib/db";
import { ModelCatalog } from "@/lib/gateway/catalog";

const database = setupTestDatabase();
const onPostgres = Boolean(process.env.DATABASE_URL);

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

afterEach(async () => {
  process.off("unhandledRejection", onUnhandled);
  await closeDb();
  setDb(openPostgres(database.current!.url!, 4));
});

describe.skipIf(!onPostgres)("the model catalog's background refresh", () => {
  it("serves the previous catalog when a refresh fails, with no unhandled rejection", async () => {
    const model = await createModelFixture({ baseRpm: 100, capRpm: 100 });
    let now = Date.now();
    const catalog = new ModelCatalog(() => now);
    expect((await catalog.get(model.name))?.name).toBe(model.name);

    // The database goes away (nothing listens on port 1: refused at once), and the catalog is due a refresh.
    await closeDb();
    setDb(openPostgres("postgresql://postgres@127.0.0.1:1/none", 1));
    process.on("unhandledRejection", onUnhandled);
    now += 60_000;
    expect((await catalog.list()).map((m) => m.name)).toContain(model.name);
    await new Promise((r) => setTimeout(r, 300));
    expect(unhandled).toEqual([]);
  });
});
