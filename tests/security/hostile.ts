// Hostile input for the security suites: fast-check arbitraries that produce raw JSON text (so
// bodies can carry what JSON.stringify cannot: 1e309, 2^63 as a literal, duplicate keys, broken
// syntax), hostile strings, and the check that a response leaks nothing.
import fc from "fast-check";

/** JSON text to splice in as is. */
export class Raw {
  constructor(readonly text: string) {}
}
/** An object written with its pairs in order — duplicate keys included. */
export class Pairs {
  constructor(readonly pairs: [string, unknown][]) {}
}

export function toJsonText(v: unknown): string {
  if (v instanceof Raw) return v.text;
  if (v instanceof Pairs) return `{${v.pairs.map(([k, x]) => `${JSON.stringify(k)}:${toJsonText(x)}`).join(",")}}`;
  if (Array.isArray(v)) return `[${v.map(toJsonText).join(",")}]`;
  if (v !== null && typeof v === "object") return toJsonText(new Pairs(Object.entries(v)));
  return JSON.stringify(v) ?? "null";
}

export const HOSTILE_STRINGS = [
  "\u202Eevil\u202C.exe", // right-to-left override
  "مرحبا بالعالم", // RTL script
  "🙂👩‍👩‍👧‍👦🏳️‍🌈", // emoji, ZWJ sequences
  "a\u0000b", // NUL (PostgreSQL text cannot store it)
  "\u0000",
  "\ud800", // lone surrogate
  "' OR 1=1 --",
  '\'); DROP TABLE "Account"; --',
  "${7*7}{{7*7}}",
  "../../../../etc/passwd",
  "<script>alert(1)</script>",
  "\r\nSet-Cookie: injected=1",
  "%00%0d%0a",
  " ",
  "",
  "x".repeat(70_000),
];

export const HOSTILE_NUMBERS = [
  "1e309",
  "-1e309",
  "9223372036854775808", // 2^63
  "-9223372036854775809",
  "18446744073709551616", // 2^64
  "1e21",
  "1e-400",
  "-0",
  "0.1e1",
  "123456789012345678901234567890",
  "4.9e-324",
  "NaN",
  "Infinity",
];

export const PROTO_KEYS = ["__proto__", "constructor", "prototype"];

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.constantFrom(...HOSTILE_NUMBERS).map((n) => new Raw(n)),
  fc.constantFrom(null, true, false, 0, -1, 1.5, [], {}),
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constant(new Raw("[".repeat(5000) + "]".repeat(5000))), // deep nesting
  fc.constantFrom(...PROTO_KEYS).map((k) => new Pairs([[k, new Pairs([["isAdmin", true]])]])),
);

/** A body: the valid one with fields replaced/duplicated/added, or something else entirely. */
export function hostileBody(valid: Record<string, unknown> | undefined): fc.Arbitrary<string> {
  const keys = [...Object.keys(valid ?? {}), ...PROTO_KEYS, "id", "accountId", "role", "isOperator"];
  const base = Object.entries(valid ?? {});
  return fc.oneof(
    // One field of a valid body made hostile.
    fc
      .tuple(fc.constantFrom(...(base.length ? base.map(([k]) => k) : ["x"])), hostileValue)
      .map(([k, v]) => toJsonText(new Pairs([...base.filter(([bk]) => bk !== k), [k, v]]))),
    // Duplicate keys: the valid value first, a hostile one after (JSON.parse keeps the last).
    fc
      .tuple(fc.constantFrom(...(base.length ? base.map(([k]) => k) : ["x"])), hostileValue)
      .map(([k, v]) => toJsonText(new Pairs([...base, [k, v]]))),
    // Extra keys, prototype keys included.
    fc.array(fc.tuple(fc.constantFrom(...keys), hostileValue), { maxLength: 4 }).map((extra) => toJsonText(new Pairs([...base, ...extra]))),
    // Anything JSON.
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
    // Not JSON at all.
    fc.string({ maxLength: 200 }),
    fc.constantFrom("", "{", "}", "[", '{"a":}', "{'a':1}", "null", "undefined", "\u0000", '{"a":1}garbage', "\ufeff{}"),
  );
}

export const hostileContentType = fc.constantFrom(
  "application/json",
  "application/json; charset=utf-8",
  "application/json; charset=utf-16",
  "APPLICATION/JSON",
  "application/json-patch+json",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "",
  "application/jsonx",
  "application/json\r\nX-Injected: 1".replace(/[\r\n]/g, " "),
);

/** Why a response body is unsafe to show, or null: stack traces, SQL, internal paths, driver errors. */
export function leak(text: string): string | null {
  const patterns: [string, RegExp][] = [
    ["stack trace", /\n\s+at\s|\bat\s+\S+\s+\(\S+:\d+:\d+\)|at async /],
    ["file path", /\/work\/|node_modules|\/home\/|[\w-]+\.(ts|js|mjs|tsx):\d+/],
    [
      "SQL",
      /\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+"|DELETE\s+FROM|syntax error at or near|violates .* constraint|relation "|column ")/i,
    ],
    ["ORM/driver", /Prisma|prisma\.|\bP[12]\d{3}\b|PrismaClient|pg-protocol|DriverAdapterError|invalid byte sequence/i],
    ["JS error", /TypeError|ReferenceError|SyntaxError: |RangeError|Cannot read propert|is not a function|undefined is not/],
  ];
  for (const [name, re] of patterns) if (re.test(text)) return `${name}: ${text.slice(0, 300)}`;
  return null;
}
