// The job scheduler thread's entry (scheduler-thread.ts): runs startJobScheduler with the thread's
// own database connection, answers "tick" and "stop", and closes the connection on stop.
import { parentPort } from "node:worker_threads";
import { closeDb } from "../db";
import { errorSummary } from "../log";
import { startJobScheduler } from "./scheduler";
import type { ToThread } from "./scheduler-thread";

const port = parentPort!;
const scheduler = startJobScheduler();

port.on("message", (msg: ToThread) => {
  if (msg.type === "tick") {
    scheduler
      .tick(msg.at ? new Date(msg.at) : undefined)
      .then(() => port.postMessage({ type: "ticked" }))
      .catch((err: unknown) => port.postMessage({ type: "ticked", error: errorSummary(err) }));
  } else {
    void scheduler
      .stop()
      .then(() => closeDb())
      .catch(() => undefined)
      .then(() => port.postMessage({ type: "stopped" }));
  }
});
