// A deployment's clock (pure). Started deployments spend a short simulated start-up in `starting`
// and become `running` at the next whole UTC minute after it; from then on every whole UTC minute
// is one billable GPU-minute. Aligning to UTC minutes makes each minute a natural idempotency key
// ("deployment:<id>:2026-11-25T10:06:00.000Z") and lets all of an account's deployments be charged
// minute by minute in step, so a spend-limit crossing happens at one instant for all of them.
export const MINUTE_MS = 60_000;
/** Simulated start-up (pulling weights, warming GPUs) before a deployment can be ready. */
export const STARTUP_MS = 30_000;

export function floorMinute(at: Date): Date {
  return new Date(Math.floor(at.getTime() / MINUTE_MS) * MINUTE_MS);
}

export function ceilMinute(at: Date): Date {
  return new Date(Math.ceil(at.getTime() / MINUTE_MS) * MINUTE_MS);
}

/** When a deployment started at `startedAt` becomes running (and starts being charged). */
export function readyAt(startedAt: Date): Date {
  return ceilMinute(new Date(startedAt.getTime() + STARTUP_MS));
}

/** Started at or before this instant ⇒ ready by `now` (readyAt(s) ≤ now ⟺ s ≤ this). */
export function readyIfStartedBy(now: Date): Date {
  return new Date(floorMinute(now).getTime() - STARTUP_MS);
}

/**
 * One run charges at most about this many deployment-minutes per account (a day of one deployment):
 * a run after a long outage of the scheduler stays a short transaction, and the next run carries
 * on from where it stopped. (A stop or suspension settles at most this much; anything older than
 * that was the scheduler's outage and is not billed.)
 */
export const MAX_MINUTES_PER_RUN = 24 * 60;

/**
 * The minutes (their UTC start) still to charge for a deployment that ran from `readyAt` and was
 * charged through the minute starting at `lastMeteredAt` (null: none yet), up to `through`: only
 * minutes that have fully elapsed by then. A final partial minute is not charged.
 */
export function minutesToCharge(ready: Date, lastMeteredAt: Date | null, through: Date, max = MAX_MINUTES_PER_RUN): Date[] {
  const first = lastMeteredAt ? lastMeteredAt.getTime() + MINUTE_MS : ready.getTime();
  const minutes: Date[] = [];
  for (let m = first; m + MINUTE_MS <= through.getTime() && minutes.length < max; m += MINUTE_MS) minutes.push(new Date(m));
  return minutes;
}

/** When a deployment stopped at `now` stops: never before the end of a minute already charged. */
export function stopInstant(now: Date, lastMeteredAt: Date | null): Date {
  const meteredThrough = lastMeteredAt ? lastMeteredAt.getTime() + MINUTE_MS : 0;
  return new Date(Math.max(now.getTime(), meteredThrough));
}
