// The emulator's clock: real time plus an offset that tests move forward with
// `POST /_emulator/advance` (like a Stripe test clock, but for the whole emulator).

export interface EmulatorClock {
  /** Milliseconds since the epoch, emulated. */
  nowMs(): number;
  /** Seconds since the epoch, emulated: what Stripe puts in `created`. */
  now(): number;
  advance(seconds: number): void;
  offsetSeconds(): number;
  setOffsetSeconds(seconds: number): void;
}

export function createClock(initialOffsetSeconds = 0): EmulatorClock {
  let offsetMs = initialOffsetSeconds * 1000;
  return {
    nowMs: () => Date.now() + offsetMs,
    now: () => Math.floor((Date.now() + offsetMs) / 1000),
    advance(seconds) {
      if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError("advance: seconds must be ≥ 0");
      offsetMs += seconds * 1000;
    },
    offsetSeconds: () => Math.floor(offsetMs / 1000),
    setOffsetSeconds(seconds) {
      offsetMs = seconds * 1000;
    },
  };
}
