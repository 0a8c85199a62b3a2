// Reads and validates Stripe request parameters, naming nested ones the way Stripe's
// errors do (`line_items[0][price_data][currency]`).
import type { FormObject, FormValue } from "../http/form-body";
import { emptyParam, invalidRequest, missingParam } from "./errors";

export type MetadataUpdate = Record<string, string | null>;

export class Params {
  constructor(
    readonly values: FormObject,
    private readonly prefix = "",
  ) {}

  name(key: string): string {
    return this.prefix ? `${this.prefix}[${key}]` : key;
  }

  has(key: string): boolean {
    return this.values[key] !== undefined;
  }

  /** A present, non-empty value. */
  isSet(key: string): boolean {
    const v = this.values[key];
    return v !== undefined && v !== "";
  }

  private scalar(key: string): string | undefined {
    const v = this.values[key];
    if (v === undefined) return undefined;
    if (typeof v !== "string")
      throw invalidRequest(`Invalid string: ${this.name(key)} must be a string, not an object or array`, { param: this.name(key) });
    return v;
  }

  /** `undefined` when absent, `""` when explicitly emptied. */
  string(key: string, opts: { maxLength?: number } = {}): string | undefined {
    const v = this.scalar(key);
    if (v !== undefined && opts.maxLength !== undefined && v.length > opts.maxLength) {
      throw invalidRequest(`Invalid ${this.name(key)}: must be at most ${opts.maxLength} characters`, {
        param: this.name(key),
      });
    }
    return v;
  }

  requiredString(key: string, opts: { maxLength?: number } = {}): string {
    const v = this.string(key, opts);
    if (v === undefined) throw missingParam(this.name(key));
    if (v === "") throw emptyParam(this.name(key));
    return v;
  }

  /** For updatable fields: absent → undefined, `""` → null (unset), else the string. */
  nullableString(key: string, opts: { maxLength?: number } = {}): string | null | undefined {
    const v = this.string(key, opts);
    return v === "" ? null : v;
  }

  /** Non-empty string or undefined (an empty string counts as absent, e.g. optional ids). */
  optionalId(key: string): string | undefined {
    const v = this.string(key);
    return v === "" || v === undefined ? undefined : v;
  }

  int(key: string, opts: { min?: number; max?: number } = {}): number | undefined {
    const v = this.scalar(key);
    if (v === undefined || v === "") return undefined;
    if (!/^-?\d+$/.test(v) || !Number.isSafeInteger(Number(v))) {
      throw invalidRequest(`Invalid integer: ${v}`, { param: this.name(key), code: "parameter_invalid_integer" });
    }
    const n = Number(v);
    if (opts.min !== undefined && n < opts.min) {
      throw invalidRequest(`This value must be greater than or equal to ${opts.min}.`, { param: this.name(key) });
    }
    if (opts.max !== undefined && n > opts.max) {
      throw invalidRequest(`This value must be less than or equal to ${opts.max}.`, { param: this.name(key) });
    }
    return n;
  }

  requiredInt(key: string, opts: { min?: number; max?: number } = {}): number {
    const v = this.scalar(key);
    if (v === undefined) throw missingParam(this.name(key));
    if (v === "") throw emptyParam(this.name(key));
    return this.int(key, opts) as number;
  }

  bool(key: string): boolean | undefined {
    const v = this.scalar(key);
    if (v === undefined || v === "") return undefined;
    if (v === "true") return true;
    if (v === "false") return false;
    throw invalidRequest(`Invalid boolean: ${v}`, { param: this.name(key) });
  }

  enumOf<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const v = this.scalar(key);
    if (v === undefined || v === "") return undefined;
    if (!(allowed as readonly string[]).includes(v)) {
      const list = allowed.length > 1 ? `${allowed.slice(0, -1).join(", ")}, or ${allowed[allowed.length - 1]}` : allowed.join("");
      throw invalidRequest(`Invalid ${this.name(key)}: must be one of ${list}`, { param: this.name(key) });
    }
    return v as T;
  }

  requiredEnum<T extends string>(key: string, allowed: readonly T[]): T {
    if (!this.has(key)) throw missingParam(this.name(key));
    if (this.values[key] === "") throw emptyParam(this.name(key));
    return this.enumOf(key, allowed) as T;
  }

  object(key: string): Params | undefined {
    const v = this.values[key];
    if (v === undefined || v === "") return undefined;
    if (typeof v === "string" || Array.isArray(v)) {
      throw invalidRequest(`Invalid hash`, { param: this.name(key) });
    }
    return new Params(v, this.name(key));
  }

  array(key: string): Params[] | undefined {
    const v = this.values[key];
    if (v === undefined || v === "") return undefined;
    const items: FormValue[] = Array.isArray(v) ? v : typeof v === "object" ? Object.values(v) : [];
    if (typeof v === "string") throw invalidRequest(`Invalid array`, { param: this.name(key) });
    return items.map((item, i) => {
      if (typeof item === "string" || Array.isArray(item)) {
        throw invalidRequest(`Invalid hash`, { param: `${this.name(key)}[${i}]` });
      }
      return new Params(item, `${this.name(key)}[${i}]`);
    });
  }

  stringArray(key: string): string[] | undefined {
    const v = this.values[key];
    if (v === undefined || v === "") return undefined;
    if (typeof v === "string") return [v];
    const items = Array.isArray(v) ? v : Object.values(v);
    return items.map((item, i) => {
      if (typeof item !== "string") throw invalidRequest(`Invalid string`, { param: `${this.name(key)}[${i}]` });
      return item;
    });
  }

  /**
   * Metadata as an update: `metadata[k]=v` sets, `metadata[k]=` removes a key, `metadata=`
   * clears everything (returned as `null`). Stripe's limits: 50 keys, 40-char keys, 500-char values.
   */
  metadata(key = "metadata"): MetadataUpdate | null | undefined {
    const v = this.values[key];
    if (v === undefined) return undefined;
    if (v === "") return null;
    if (typeof v === "string") throw invalidRequest(`Invalid hash`, { param: this.name(key) });
    const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
    if (entries.length > 50) {
      throw invalidRequest(`Invalid ${this.name(key)}: cannot have more than 50 keys`, { param: this.name(key) });
    }
    const update: MetadataUpdate = {};
    for (const [k, value] of entries) {
      const param = `${this.name(key)}[${k}]`;
      if (typeof value !== "string") throw invalidRequest(`Invalid string`, { param });
      if (k.length > 40) throw invalidRequest(`Metadata keys must be at most 40 characters.`, { param });
      if (value.length > 500) throw invalidRequest(`Metadata values must be at most 500 characters.`, { param });
      update[k] = value === "" ? null : value;
    }
    return update;
  }
}

/** Applies a metadata update to existing metadata (a fresh object for created resources). */
export function applyMetadata(
  current: Record<string, string> | null | undefined,
  update: MetadataUpdate | null | undefined,
): Record<string, string> {
  if (update === null) return {};
  const next: Record<string, string> = { ...(current ?? {}) };
  for (const [k, v] of Object.entries(update ?? {})) {
    if (v === null) delete next[k];
    else next[k] = v;
  }
  return next;
}
