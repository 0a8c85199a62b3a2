// `previous_attributes` of `*.updated` events: the old values of the top-level fields that changed.
import { snapshot } from "./state";

export function previousAttributes(before: object, after: object): Record<string, unknown> | undefined {
  const prev: Record<string, unknown> = {};
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) prev[key] = a[key] === undefined ? null : snapshot(a[key]);
  }
  return Object.keys(prev).length > 0 ? prev : undefined;
}
