// Traffic patterns for the limit simulator: `track`, `constant:<rpm>`, `ramp:<from>:<to>`,
// `spike:<rpm>@<minute>[:<base rpm>]`. Parsed here so the CLI and an operator page share one grammar.

export type Traffic =
  /** Sends exactly its current RPM limit every minute. */
  | { kind: "track" }
  | { kind: "constant"; rpm: number }
  /** Linear from `from` RPM in the first minute to `to` RPM in the last. */
  | { kind: "ramp"; from: number; to: number }
  /** `baseRpm` every minute (default 0), `rpm` during minute `minute`. */
  | { kind: "spike"; rpm: number; minute: number; baseRpm: number };

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const N = "(\\d{1,9})";
const GRAMMAR: [RegExp, (n: number[]) => Traffic][] = [
  [/^track$/, () => ({ kind: "track" })],
  [new RegExp(`^constant:${N}$`), ([rpm]) => ({ kind: "constant", rpm: rpm! })],
  [new RegExp(`^ramp:${N}:${N}$`), ([from, to]) => ({ kind: "ramp", from: from!, to: to! })],
  [
    new RegExp(`^spike:${N}@${N}(?::${N})?$`),
    ([rpm, minute, baseRpm]) => ({ kind: "spike", rpm: rpm!, minute: minute!, baseRpm: baseRpm ?? 0 }),
  ],
];

export function parseTraffic(spec: string): Parsed<Traffic> {
  for (const [pattern, build] of GRAMMAR) {
    const match = pattern.exec(spec.trim());
    if (match) return { ok: true, value: build(match.slice(1).flatMap((g) => (g === undefined ? [] : [Number(g)]))) };
  }
  return {
    ok: false,
    error: `--traffic ${JSON.stringify(spec)} is not a traffic pattern (expected track | constant:<rpm> | ramp:<from>:<to> | spike:<rpm>@<minute>[:<base rpm>], whole numbers)`,
  };
}

/** Requests the client sends in `minute` (0-based) of a `totalMinutes` run, given its current RPM limit. */
export function requestsInMinute(traffic: Traffic, minute: number, totalMinutes: number, limitRpm: number): number {
  switch (traffic.kind) {
    case "track":
      return limitRpm;
    case "constant":
      return traffic.rpm;
    case "ramp": {
      const progress = totalMinutes > 1 ? minute / (totalMinutes - 1) : 0;
      return Math.round(traffic.from + (traffic.to - traffic.from) * progress);
    }
    case "spike":
      return minute === traffic.minute ? traffic.rpm : traffic.baseRpm;
  }
}
