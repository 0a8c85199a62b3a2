// The time an operator runs a job "as of" (POST /api/operator/jobs/{job}, SPEC §13). A past time
// replays a job. A future time rehearses one (closing a month early, metering ahead): with real
// payments that would charge customers for GPU minutes not yet used and move their spend period
// past the real month, so their limit would stop counting this month's usage. So future times are
// allowed only against the Stripe emulator (demo and tests), never with real Stripe keys.
import { badRequest } from "../http/errors";
import { stripeMode } from "../payments/stripe-client";

/** Clock skew tolerated between the operator's machine and the server. */
const SKEW_MS = 60_000;

export function jobTime(at: string | undefined, now = new Date()): Date {
  if (at === undefined) return now;
  const t = new Date(at);
  if (t.getTime() > now.getTime() + SKEW_MS && stripeMode() === "stripe") {
    throw badRequest(
      `at: ${t.toISOString()} is in the future. With real payments a job runs only as of now or a past time (future times are for rehearsals against the Stripe emulator).`,
      "at",
    );
  }
  return t;
}
