// Token-bucket arithmetic in exact integers. A level is stored in 1/60000 token: a bucket of
// capacity L tokens refills L/60 tokens per second = exactly L units per millisecond, so refill over
// any whole number of milliseconds is an integer and JS and Lua compute bit-identical levels.
import type { PerDimension } from "./types";

export const SCALE = 60_000;

/** The level after `dt` ms of refill at `perMinute`; never above capacity (perMinute × SCALE). */
export function refillLevel(level: number, perMinute: number, dt: number): number {
  const capacity = perMinute * SCALE;
  if (level >= capacity) return capacity; // also clamps a bucket whose limit just decayed
  const deficit = capacity - level;
  // Comparing against the time to fill keeps perMinute × dt small (exact) however long dt is.
  return dt >= Math.ceil(deficit / perMinute) ? capacity : level + perMinute * dt;
}

/** Whole units left, floored at 0 — what x-ratelimit-remaining-* shows. */
export function remainingOf(levels: PerDimension): PerDimension {
  return { requests: whole(levels.requests), tokensPrompt: whole(levels.tokensPrompt), tokensGenerated: whole(levels.tokensGenerated) };
}

function whole(level: number): number {
  return level > 0 ? Math.floor(level / SCALE) : 0;
}

export function anyBelowZero(levels: PerDimension): boolean {
  return levels.requests < 0 || levels.tokensPrompt < 0 || levels.tokensGenerated < 0;
}
