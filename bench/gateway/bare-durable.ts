// Baseline (d): the floor of durable metering — a bare Node http server that parses the body,
// records one usage row per request in PostgreSQL and answers only after that row is committed,
// with group commit (one flush in flight; what queues meanwhile goes in the next one) and a
// counter row updated in the same statement. No auth, limits, reservation or settlement: what any
// gateway pays for "a response is not completed before its usage is durable" on this machine.
import http from "node:http";
import pg from "pg";
import { FIXED_COMPLETION } from "./fixed";

const payload = JSON.stringify(FIXED_COMPLETION);
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
await pool.query(`
  CREATE TABLE IF NOT EXISTS bare_usage (request_id text PRIMARY KEY, prompt_chars int NOT NULL, at timestamptz NOT NULL);
  CREATE TABLE IF NOT EXISTS bare_counter (id int PRIMARY KEY, requests bigint NOT NULL);
  INSERT INTO bare_counter VALUES (1, 0) ON CONFLICT DO NOTHING;`);

const FLUSH = `
  WITH ins AS (INSERT INTO bare_usage SELECT * FROM unnest($1::text[], $2::int[], $3::timestamptz[]) RETURNING 1)
  UPDATE bare_counter SET requests = requests + (SELECT count(*) FROM ins) WHERE id = 1`;

interface Queued {
  id: string;
  chars: number;
  at: string;
  done: () => void;
}
let queue: Queued[] = [];
let flushing = false;
let seq = 0;

function flush(): void {
  if (flushing || queue.length === 0) return;
  flushing = true;
  const batch = queue;
  queue = [];
  pool.query({ name: "flush", text: FLUSH, values: [batch.map((q) => q.id), batch.map((q) => q.chars), batch.map((q) => q.at)] }).then(
    () => {
      flushing = false;
      flush();
      for (const q of batch) q.done();
    },
    (err: Error) => {
      console.error(`flush failed: ${err.message}`);
      process.exit(1);
    },
  );
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8");
    JSON.parse(body);
    queue.push({
      id: `req_${process.pid}_${seq++}`,
      chars: body.length,
      at: new Date().toISOString(),
      done: () => {
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(payload) });
        res.end(payload);
      },
    });
    setImmediate(flush);
  });
});
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  console.log(`ready ${(server.address() as { port: number }).port}`);
});
