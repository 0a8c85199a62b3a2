// Arrays sent to PostgreSQL as one text parameter each (unnest($1::text[]), $2::bigint[], …): the
// gateway's group commit sends a batch as one array per column, and the spend-lease grant its tiers.
const NEEDS_ESCAPE = /["\\]/;

/**
 * Values as a PostgreSQL array literal (`{"a","b",NULL}`, `{1,2}`, `{t,f}`), built directly: the
 * driver's generic array encoding (a function call, a type check and a regex per element) cost more
 * CPU per flush than anything else in the gateway's metering (charge-usage-batch.ts). Text is always
 * quoted (so "NULL", commas, braces and spaces are plain data), with `"` and `\` backslash-escaped, and
 * null is NULL; "int" takes no nulls (a number array with gaps goes as "text", which PostgreSQL casts).
 */
export function arrayLiteral(kind: "text" | "int" | "bool", values: unknown[]): string {
  if (kind === "int") return `{${values.join(",")}}`;
  if (kind === "bool") return `{${values.map((v) => (v ? "t" : "f")).join(",")}}`;
  let out = "{";
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ",";
    if (v === null || v === undefined) out += "NULL";
    else {
      const text = String(v);
      out += NEEDS_ESCAPE.test(text) ? `"${text.replace(/["\\]/g, "\\$&")}"` : `"${text}"`;
    }
  }
  return out + "}";
}
