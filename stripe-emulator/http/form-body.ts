// Stripe's form encoding: `metadata[account_id]=1&line_items[0][price_data][unit_amount]=500&expand[]=x`
// parsed into nested objects and arrays (numeric keys become arrays, in index order).
import { invalidRequest } from "../core/errors";

export type FormValue = string | FormValue[] | FormObject;
export interface FormObject {
  [key: string]: FormValue;
}

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

type Tree = Map<string, Node>;
type Node = string | { tree: Tree; pushes: Node[] };

function decode(component: string): string {
  try {
    return decodeURIComponent(component.replace(/\+/g, " "));
  } catch {
    throw invalidRequest(`Invalid URL encoding: ${component.slice(0, 40)}`);
  }
}

/** Splits `a[b][0][]` into `["a", "b", "0", ""]`. */
function splitKey(key: string): string[] {
  const open = key.indexOf("[");
  if (open <= 0) return [key];
  const segments = [key.slice(0, open)];
  const rest = key.slice(open);
  const re = /\[([^\]]*)\]/g;
  let consumed = 0;
  for (let m = re.exec(rest); m; m = re.exec(rest)) {
    if (m.index !== consumed) break;
    segments.push(m[1] ?? "");
    consumed = re.lastIndex;
  }
  if (consumed !== rest.length) return [key];
  return segments;
}

function branch(): { tree: Tree; pushes: Node[] } {
  return { tree: new Map(), pushes: [] };
}

function insert(root: { tree: Tree; pushes: Node[] }, segments: string[], value: string, rawKey: string): void {
  let node = root;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] ?? "";
    const last = i === segments.length - 1;
    if (FORBIDDEN_KEYS.has(segment)) throw invalidRequest(`Invalid parameter name: ${rawKey}`);
    if (segment === "" && i > 0) {
      if (last) {
        node.pushes.push(value);
        return;
      }
      const child = branch();
      node.pushes.push(child);
      node = child;
      continue;
    }
    const existing = node.tree.get(segment);
    if (last) {
      if (existing !== undefined && typeof existing !== "string") {
        throw invalidRequest(`Invalid hash: ${segments[0]} is both a value and an object`, { param: rawKey });
      }
      node.tree.set(segment, value);
      return;
    }
    if (typeof existing === "string") {
      // `metadata=` (unset) followed by `metadata[k]=v`: the object wins, as in Stripe.
      if (existing !== "") throw invalidRequest(`Invalid hash`, { param: rawKey });
    }
    if (existing === undefined || typeof existing === "string") {
      const child = branch();
      node.tree.set(segment, child);
      node = child;
    } else {
      node = existing;
    }
  }
}

function toValue(node: Node): FormValue {
  if (typeof node === "string") return node;
  const keys = [...node.tree.keys()];
  if (node.pushes.length > 0 || (keys.length > 0 && keys.every((k) => /^\d+$/.test(k)))) {
    const indexed = keys
      .map((k) => [Number(k), node.tree.get(k)] as const)
      .sort((a, b) => a[0] - b[0])
      .map(([, v]) => toValue(v as Node));
    return [...indexed, ...node.pushes.map(toValue)];
  }
  const out: FormObject = {};
  for (const k of keys) out[k] = toValue(node.tree.get(k) as Node);
  return out;
}

/** Parses an `application/x-www-form-urlencoded` body or a query string. */
export function parseForm(input: string): FormObject {
  const root = branch();
  for (const pair of input.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const rawKey = decode(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? "" : decode(pair.slice(eq + 1));
    if (rawKey === "") continue;
    insert(root, splitKey(rawKey), value, rawKey);
  }
  // The top level is always an object, even when every key is numeric.
  const out: FormObject = {};
  for (const [k, v] of root.tree) out[k] = toValue(v);
  return out;
}
