// Prepare a benchmark database (DATABASE_URL, or the PGlite folder in HEADROOM_DATA_DIR): migrations,
// then the benchmark's data (setup-data.ts).
import { closeDb } from "../../lib/db";
import { prepareDatabase } from "../../lib/db/prepare";
import { seedBenchAccount } from "./setup-data";

await prepareDatabase();
await seedBenchAccount();
await closeDb();
console.log("bench database ready");
