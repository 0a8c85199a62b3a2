// Prepare a benchmark database (DATABASE_URL, or the PGlite folder in HEADROOM_DATA_DIR): migrations,
// then the benchmark's data (setup-data.ts), then one run of the jobs scheduler. A fresh database
// has last month's close and today's reconciliation still to do, and a new instance's first tick
// (15 s after start, inside the measured window) would do them: the close holds each account's row
// for its transaction (~100 ms here), which stalls that account's metering once. A long-running
// instance did them long ago; the benchmark measures that steady state. The per-minute jobs still
// run during the measurement, as they always do.
import { closeDb } from "../../lib/db";
import { prepareDatabase } from "../../lib/db/prepare";
import { startJobScheduler } from "../../lib/jobs/scheduler";
import { seedBenchAccount } from "./setup-data";

await prepareDatabase();
await seedBenchAccount();
const scheduler = startJobScheduler({ autoStart: false });
await scheduler.tick();
await scheduler.stop();
await closeDb();
console.log("bench database ready");
