// A process that is killed with a withdrawn response in doubt (tests/integration/gateway/meter-outage.test.ts):
// it meters on the database in DOUBT_DATABASE_URL with the journal in DOUBT_JOURNAL_DIR, prints "warm"
// once a first record is committed, meters DOUBT_REQUEST_ID when told "go" on stdin (the test has armed
// its proxy to cut the connection as PostgreSQL answers), prints what its caller heard, and waits to be
// SIGKILLed. Its records in doubt fall due in an hour: only the journal can get them settled.
import readline from "node:readline";
import { openPostgres, setDb } from "@/lib/db";
import { fileDoubtJournal } from "@/lib/gateway/doubt-journal";
import { Meter, MeterUnavailableError } from "@/lib/gateway/meter";
import { usageChargeFixture } from "./fixtures";

const url = process.env.DOUBT_DATABASE_URL!;
const model = { id: process.env.DOUBT_MODEL_ID!, name: process.env.DOUBT_MODEL_NAME! };
const charge = (requestId: string) => usageChargeFixture(requestId, process.env.DOUBT_ACCOUNT_ID!, model, { costMicros: 11n });

setDb(openPostgres(url, 2));
const meter = new Meter({}, 3_600_000);
meter.useJournal(fileDoubtJournal(process.env.DOUBT_JOURNAL_DIR!, url));
await meter.record(charge(`${process.env.DOUBT_REQUEST_ID}_warm`));
console.log("warm");
const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line !== "go") continue;
  const heard = await meter.record(charge(process.env.DOUBT_REQUEST_ID!), { waitMs: 300, withdrawOnTimeout: true }).then(
    () => "committed",
    (e: unknown) => (e instanceof MeterUnavailableError && e.withdrawn ? "withdrawn" : `error ${String(e)}`),
  );
  console.log(heard);
}
