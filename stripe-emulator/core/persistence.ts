// Optional JSON persistence of the state (`stateFile`), so a restart keeps customers and cards.
// Writes are debounced and atomic (temp file + rename); `flush()` writes synchronously.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { emptyState, type State } from "./state";

export interface Persistence {
  /** Marks the state changed; it is written soon after. */
  markDirty(): void;
  flush(): void;
  close(): void;
}

export function loadState(file: string | undefined): State {
  if (!file) return emptyState();
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return emptyState();
    throw err;
  }
  const parsed = JSON.parse(text) as Partial<State>;
  if (parsed.version !== 1) throw new Error(`stripe-emulator: unsupported state file version in ${file}`);
  // Fields added later default to empty; deliveries caught mid-flight are retried.
  const state: State = { ...emptyState(), ...parsed } as State;
  for (const d of Object.values(state.deliveries)) {
    if (d.status === "in_flight") {
      d.status = "pending";
      d.nextAttemptAt = Date.now();
    }
  }
  return state;
}

export function createPersistence(file: string | undefined, getState: () => State, delayMs = 100): Persistence {
  let timer: NodeJS.Timeout | null = null;
  const write = () => {
    if (!file) return;
    timer = null;
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(getState()));
    renameSync(tmp, file);
  };
  return {
    markDirty() {
      if (!file || timer) return;
      timer = setTimeout(write, delayMs);
      timer.unref();
    },
    flush() {
      if (timer) clearTimeout(timer);
      write();
    },
    close() {
      if (timer) {
        clearTimeout(timer);
        write();
      }
    },
  };
}
