// Loads @prisma/schema-engine-wasm in plain Node and turns its errors into JSON-RPC error data.
import fs from "node:fs";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";

let bindings;
let lastPanicMessage = null;

/**
 * The package's entry point does `import * as wasm from "./schema_engine_bg.wasm"`, which plain
 * Node cannot import. Load the JS glue and instantiate the .wasm next to it ourselves.
 */
export async function loadBindings() {
  if (bindings) return bindings;
  // The WASM code reports panics through this global before throwing a RuntimeError.
  globalThis.PRISMA_WASM_PANIC_REGISTRY ??= {
    set_message(message) {
      lastPanicMessage = message;
    },
  };
  const glueUrl = import.meta.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const glue = await import(glueUrl);
  const wasmModule = new WebAssembly.Module(fs.readFileSync(new URL("./schema_engine_bg.wasm", glueUrl)));
  const instance = new WebAssembly.Instance(wasmModule, { "./schema_engine_bg.js": glue });
  glue.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
  bindings = glue;
  return glue;
}

/** Creates the engine for the given schema files, with `factory` as its database connection. */
export async function createEngine({ datamodels, factory, log }) {
  const { SchemaEngine } = await loadBindings();
  const adapter = bindMigrationAwareSqlAdapterFactory(factory);
  try {
    const engine = await SchemaEngine.new({ datamodels: datamodels.length > 0 ? datamodels : undefined }, log, adapter);
    return { engine, errorRegistry: adapter.errorRegistry };
  } catch (error) {
    // The engine connects while starting: surface the adapter's own error (P1001…), not "External error id#0".
    throw registeredJsError(error, adapter.errorRegistry) ?? error;
  }
}

/**
 * The `error.data` the CLI expects in a JSON-RPC error: `{ message, error_code?, meta?, is_panic }`.
 * The WASM engine throws: user-facing errors with a `code` (P3005…); "External error id#N" when a
 * driver-adapter call threw, the JavaScript error sitting in the adapter's error registry under N;
 * panics (RuntimeError, message set through PRISMA_WASM_PANIC_REGISTRY).
 */
export function errorData(error, errorRegistry) {
  if (error instanceof WebAssembly.RuntimeError || lastPanicMessage) {
    const message = lastPanicMessage ?? error?.message ?? String(error);
    lastPanicMessage = null;
    return { is_panic: true, message, error: { message }, backtrace: error?.stack ?? null };
  }
  if (typeof error?.code === "string" && /^P\d{4}$/.test(error.code)) {
    return { is_panic: false, message: error.message, error_code: error.code, meta: error.meta ?? null };
  }
  const jsError = registeredJsError(error, errorRegistry);
  if (jsError) return errorData(jsError, null);
  return { is_panic: false, message: error?.message ?? String(error) };
}

function registeredJsError(error, errorRegistry) {
  const id = /External error id#(\d+)/.exec(error?.message ?? "")?.[1];
  if (!errorRegistry || id === undefined) return null;
  return errorRegistry.consumeError(Number(id))?.error ?? null;
}
