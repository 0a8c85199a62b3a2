// Stripe's idempotent requests: a POST with an `Idempotency-Key` seen before (same API key,
// within 24 h) gets the first response replayed (`Idempotent-Replayed: true`) — errors
// included, except 5xx. Reusing a key for a different endpoint or parameters is a 400
// `idempotency_error`.
import { StripeApiError } from "../core/errors";

interface Entry {
  endpoint: string;
  fingerprint: string;
  status: number;
  body: string;
  storedAt: number;
}

const TTL_MS = 24 * 60 * 60 * 1000;

export type IdempotencyLookup =
  { kind: "miss" } | { kind: "replay"; status: number; body: string } | { kind: "conflict"; error: StripeApiError };

export class IdempotencyCache {
  private readonly entries = new Map<string, Entry>();

  lookup(apiKey: string, key: string, endpoint: string, fingerprint: string): IdempotencyLookup {
    const entry = this.entries.get(`${apiKey}\n${key}`);
    if (!entry || Date.now() - entry.storedAt > TTL_MS) return { kind: "miss" };
    if (entry.endpoint !== endpoint) {
      return {
        kind: "conflict",
        error: new StripeApiError(400, {
          type: "idempotency_error",
          message: `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${entry.endpoint}' vs '${endpoint}'). Try using a key other than '${key}' if you meant to execute a different request.`,
        }),
      };
    }
    if (entry.fingerprint !== fingerprint) {
      return {
        kind: "conflict",
        error: new StripeApiError(400, {
          type: "idempotency_error",
          message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
        }),
      };
    }
    return { kind: "replay", status: entry.status, body: entry.body };
  }

  store(apiKey: string, key: string, endpoint: string, fingerprint: string, status: number, body: string): void {
    if (status >= 500) return;
    const now = Date.now();
    for (const [k, e] of this.entries) {
      if (now - e.storedAt <= TTL_MS) break;
      this.entries.delete(k);
    }
    this.entries.set(`${apiKey}\n${key}`, { endpoint, fingerprint, status, body, storedAt: now });
  }

  clear(): void {
    this.entries.clear();
  }
}
