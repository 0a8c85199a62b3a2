// Headroom's schema engine: the native `schema-engine` CLI + JSON-RPC protocol, served by the WASM engine.
import fs from "node:fs";
import readline from "node:readline";
import { Cleanup, EngineUserError, adapterFactory, canConnect, createDatabase, detachedFactory } from "./datasource.mjs";
import { createEngine, errorData, loadBindings } from "./wasm.mjs";

/** Parses the native binary's arguments: `--datamodels <path>…`, `--datasource <json>`, `cli <command>`. */
function parseArgs(argv) {
  const args = { datamodels: [], datasource: null, version: false, help: false, cli: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`Missing value for ${arg}`);
      return next;
    };
    if (arg === "--version" || arg === "-V") args.version = true;
    else if (arg === "--help" || arg === "-h") args.help = true;
    else if (arg === "--datamodels" || arg === "-d") args.datamodels.push(value());
    else if (arg === "--datasource") args.datasource = JSON.parse(value());
    else if (arg === "--enabled-preview-features" || arg === "--extension-types")
      value(); // not used by the WASM engine
    else if (arg === "cli") {
      args.cli = argv.slice(i + 1);
      break;
    } else throw new Error(`Unknown argument: ${arg}`);
  }
  return args;
}

/** A log line in the native engine's format (tracing JSON): the CLI parses these from stderr. */
function logLine(level, message, fields = {}) {
  return JSON.stringify({ timestamp: new Date().toISOString(), level, fields: { message, ...fields }, target: "schema_engine::logger" });
}

/**
 * `cli can-connect-to-database` / `cli create-database`. Failure is reported the native way: exit
 * code 1 and, on stderr, one non-JSON first line followed by JSON log lines, the last an ERROR
 * with `error_code` (the CLI creates the database when it sees P1003).
 */
async function runCliCommand(args) {
  const [command] = args.cli;
  const url = args.datasource?.url;
  try {
    if (!url) throw new EngineUserError("P1012", "The `--datasource` argument with a `url` is required.");
    if (command === "can-connect-to-database") await canConnect(url);
    else if (command === "create-database") {
      const name = await createDatabase(url);
      process.stdout.write(`${JSON.stringify({ databaseName: name })}\n`);
    } else throw new EngineUserError("P1012", `Unknown cli command: ${command ?? "(none)"}`);
    return 0;
  } catch (error) {
    const fields = error instanceof EngineUserError ? { error_code: error.code } : {};
    // No trailing newline: the CLI parses every line after the first as JSON.
    process.stderr.write(`schema-engine cli ${command}\n${logLine("ERROR", error?.message ?? String(error), fields)}`);
    return 1;
  }
}

/** What a request needs: "main" (the configured database), "shadow" (a scratch one to replay migrations) or "none". */
function databaseNeeds(method, params) {
  if (method !== "diff") return "main";
  const tags = [params?.from?.tag, params?.to?.tag];
  if (tags.some((tag) => tag === "schemaDatasource" || tag === "url")) return "main";
  return tags.includes("migrations") ? "shadow" : "none";
}

/** Methods whose RPC name differs from the WASM engine's method name. */
const METHOD_ALIASES = { getDatabaseVersion: "version" };

/** The JSON-RPC 2.0 server the CLI talks to over stdin/stdout, one JSON object per line. */
function serveRpc(args) {
  const cleanup = new Cleanup();
  const factory = adapterFactory(args.datasource, cleanup);
  const send = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);

  // Why one engine per process, created on first use: in the WASM engine, evaluateDataLoss and
  // createMigration get no shadow database factory of their own; they reuse the one that a
  // devDiagnostic earlier in the same engine set up (see the retry in `call`).
  // The exception: an engine started on a stand-in database (see detachedFactory) is replaced by
  // one on the real database when a request that needs it comes in.
  let engineSlot = null; // { detached, promise }
  const engine = async (method, params) => {
    const standIn = detachedFactory(factory, databaseNeeds(method, params)); // null: needs the real one
    if (engineSlot?.detached && !standIn) {
      const stale = engineSlot.promise;
      engineSlot = null;
      (await stale.catch(() => null))?.engine.free();
    }
    engineSlot ??= {
      detached: standIn !== null,
      promise: createEngine({
        datamodels: args.datamodels.map((file) => [file, fs.readFileSync(file, "utf8")]),
        factory: standIn ?? factory,
        log: (line) => process.stderr.write(`${String(line).trimEnd()}\n`),
      }),
    };
    return engineSlot.promise;
  };
  const errorRegistry = async () => (engineSlot ? ((await engineSlot.promise.catch(() => null))?.errorRegistry ?? null) : null);

  // The engine prints `migrate diff` output by asking the CLI to print it and waiting for the reply.
  let nextPrintId = 1;
  const pendingPrints = new Map();
  const print = (content) =>
    new Promise((resolve) => {
      const id = `print-${nextPrintId++}`;
      pendingPrints.set(id, resolve);
      send({ jsonrpc: "2.0", id, method: "print", params: { content } });
    });

  async function call(method, params) {
    if (method === "createDatabase") return { databaseName: await createDatabase(params?.datasource?.url ?? args.datasource?.url) };
    const { engine: wasm } = await engine(method, params);
    const name = METHOD_ALIASES[method] ?? method;
    if (typeof wasm[name] !== "function") throw new EngineUserError("P1012", `Method not supported by the WASM schema engine: ${method}`);
    if (method === "diff") {
      const { exitCode, stdout } = await wasm.diff(params);
      // The CLI appends a newline to what it prints; the WASM engine's output already ends with one.
      if (stdout) await print(stdout.replace(/\n$/, ""));
      return { exitCode };
    }
    try {
      return await wasm[name](params);
    } catch (error) {
      // Why: without a devDiagnostic earlier in this process (`migrate dev` runs one first, other
      // callers may not), these fail with "shadow DB must be provided through an external factory".
      // Run one for the same migrations, then retry once.
      const needsShadow = /shadow DB must be provided through an external factory/.test(error?.message ?? "");
      if (!needsShadow || !(method === "evaluateDataLoss" || method === "createMigration")) throw error;
      process.stderr.write(`${logLine("INFO", `${method}: no shadow database yet, running devDiagnostic first`)}\n`);
      await wasm.devDiagnostic({ migrationsList: params.migrationsList, filters: params.filters });
      return await wasm[name](params);
    }
  }

  const sendError = (id, data) =>
    send({ jsonrpc: "2.0", id, error: { code: 4466, message: "An error happened. Check the data field for details.", data } });

  // Requests run one at a time, in order, like the native engine's single connection.
  let queue = Promise.resolve();
  let inFlight = null;
  const handle = async (request) => {
    inFlight = request;
    try {
      const result = await call(request.method, request.params);
      send({ jsonrpc: "2.0", id: request.id, result: result ?? null });
    } catch (error) {
      const registry = await errorRegistry();
      sendError(
        request.id,
        error instanceof EngineUserError ? { is_panic: false, message: error.message, error_code: error.code } : errorData(error, registry),
      );
    } finally {
      inFlight = null;
    }
  };

  // Why: a Rust panic inside the WASM engine surfaces as an uncaught RuntimeError thrown from a
  // promise callback, not as a rejection of the call. Answer the request in flight with a panic
  // (the CLI shows it) instead of dying silently, then exit like the native binary (101).
  const crash = (error) => {
    const data = errorData(error, null);
    if (inFlight) sendError(inFlight.id, { ...data, is_panic: true });
    process.stderr.write(`${logLine("ERROR", data.message)}\n`);
    inFlight = null;
    cleanup.run().finally(() => process.exit(101));
  };
  process.on("uncaughtException", crash);
  process.on("unhandledRejection", crash);

  const input = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  input.on("line", (line) => {
    if (!line.trim()) return;
    let message;
    try {
      message = JSON.parse(line);
    } catch {
      send({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error" } });
      return;
    }
    if (message.method === undefined && pendingPrints.has(message.id)) {
      pendingPrints.get(message.id)();
      pendingPrints.delete(message.id);
      return;
    }
    if (message.method) queue = queue.then(() => handle(message));
  });

  // The CLI ends stdin and, on Linux, sends SIGTERM right away: finish the work in flight, then
  // close connections and drop shadow databases before exiting either way.
  let exiting = false;
  const within = (ms, promise) => Promise.race([promise.catch(() => {}), new Promise((resolve) => setTimeout(resolve, ms).unref())]);
  const shutdown = async () => {
    if (exiting) return;
    exiting = true;
    await within(60_000, queue); // e.g. a migration script still running: let it finish
    await within(10_000, cleanup.run());
    process.exit(0);
  };
  input.on("close", shutdown);
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
  process.stdout.on("error", () => {}); // the CLI may be gone already when we answer
}

export async function main(argv) {
  let args;
  try {
    args = parseArgs(argv);
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    return process.exit(1);
  }
  if (args.version) {
    const { version } = await loadBindings();
    process.stdout.write(`schema-engine-cli ${version()}\n`);
    return;
  }
  if (args.help) {
    process.stdout.write(
      "Headroom schema engine (WASM). Usage: schema-engine [--datamodels <path>…] [--datasource <json>] [cli can-connect-to-database|create-database]\n",
    );
    return;
  }
  if (args.cli) {
    process.exitCode = await runCliCommand(args);
    return;
  }
  serveRpc(args);
}
