// PostgreSQL LISTEN on a connection of its own, for news other instances send with pg_notify() in a
// transaction (delivered when it commits, not if it rolls back). Used to hurry, never to be correct:
// a listener that is down (the database restarting) misses messages, so whatever it hurries must also
// happen without it (the gateway's leases are re-checked on every renewal, every 2 s).
import pg from "pg";
import { errorSummary, log } from "../log";

export interface Listener {
  close(): Promise<void>;
}

const CHANNEL = /^[a-z_][a-z0-9_]*$/;

/**
 * Closes a listening connection at once: its socket destroyed, not a polite end() — that waits for
 * the server to close its side, which a hung server (or a host that no longer answers) never does,
 * and shutdown would wait with it.
 */
function drop(c: pg.Client): void {
  const socket = (c as unknown as { connection?: { stream?: { destroy?: () => void } } }).connection?.stream;
  if (typeof socket?.destroy === "function") socket.destroy();
  else void c.end().catch(() => undefined);
}
const RECONNECT_MS = 1_000;

/** Calls `onMessage` with each payload NOTIFY sends on `channel`; reconnects by itself until closed. */
export function pgListen(url: string, channel: string, onMessage: (payload: string) => void): Listener {
  if (!CHANNEL.test(channel)) throw new Error(`channel ${JSON.stringify(channel)}: use lower-case letters, digits and _`);
  let client: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | null = null;
  let down = false;

  const connect = async (): Promise<void> => {
    retry = null;
    // A dead connection is noticed within a minute (TCP keep-alive), a connect that hangs in 5 s.
    const c = new pg.Client({
      connectionString: url,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      connectionTimeoutMillis: 5_000,
    });
    client = c;
    let lost = false;
    const onLost = (err?: Error) => {
      if (lost) return;
      lost = true;
      drop(c);
      if (closed) return;
      if (!down) log.warn("database notifications lost; reconnecting", { channel, error: err ? errorSummary(err) : "connection ended" });
      down = true;
      retry = setTimeout(() => void connect(), RECONNECT_MS);
      retry.unref();
    };
    c.on("error", onLost);
    c.on("end", () => onLost());
    c.on("notification", (msg) => {
      if (msg.channel === channel && msg.payload !== undefined) onMessage(msg.payload);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${channel}`);
      if (closed) return drop(c);
      if (down) log.info("database notifications back", { channel });
      down = false;
    } catch (err) {
      onLost(err as Error);
    }
  };
  void connect();

  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      if (client) drop(client);
    },
  };
}
