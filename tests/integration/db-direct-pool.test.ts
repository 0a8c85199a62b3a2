// The direct statements' own connections (lib/db openPostgres) survive the server closing an idle
// one: a PostgreSQL restart or pg_terminate_backend must not take the process down, and the next
// statement simply opens a new connection. (PostgreSQL only: PGlite has no server to lose.)
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { openPostgres, type Handle } from "@/lib/db";
import { setupTestDatabase } from "../helpers/test-db";

const database = setupTestDatabase();
const onPostgres = Boolean(process.env.DATABASE_URL);
let handle: Handle | undefined;
afterAll(async () => handle?.close());

describe.skipIf(!onPostgres)("direct statements on PostgreSQL", () => {
  it("an idle connection closed by the server is dropped quietly, and the next statement works", async () => {
    handle = openPostgres(database.current!.url!, 2);
    const whoAmI = { name: "direct_pool_backend_pid", text: "SELECT pg_backend_pid() AS pid", values: [] };
    const [first] = await handle.query(whoAmI);
    const pid = Number(first!.pid);

    const admin = new pg.Client({ connectionString: database.current!.url! });
    await admin.connect();
    try {
      const [terminated] = (await admin.query("SELECT pg_terminate_backend($1) AS ok", [pid])).rows;
      expect(terminated.ok).toBe(true);
      // Give the FATAL message time to reach the idle connection: unhandled, it would crash the
      // test process here (vitest reports it as an unhandled error and the run fails).
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      await admin.end();
    }

    const [second] = await handle.query(whoAmI);
    expect(Number(second!.pid)).not.toBe(pid);
  });
});
