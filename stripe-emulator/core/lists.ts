// Stripe list objects `{object:"list", data, has_more, url}` with cursor pagination
// (`limit` 1–100, default 10; `starting_after` / `ending_before`) and `created` filters.
import { invalidRequest } from "./errors";
import type { Params } from "./params";

export interface ApiList<T> {
  object: "list";
  data: T[];
  has_more: boolean;
  url: string;
}

export function listOf<T>(data: T[], url: string): ApiList<T> {
  return { object: "list", data, has_more: false, url };
}

/** Pages through `items`, which must already be newest-first (Stripe's list order). */
export function paginate<T extends { id: string }>(items: T[], params: Params, url: string, resourceName: string): ApiList<T> {
  const limit = params.int("limit", { min: 1, max: 100 }) ?? 10;
  const after = params.optionalId("starting_after");
  const before = params.optionalId("ending_before");
  if (after && before) {
    throw invalidRequest("You may only specify one of these parameters: ending_before, starting_after.", {
      param: "ending_before",
    });
  }
  const cursorIndex = (id: string, param: string) => {
    const i = items.findIndex((item) => item.id === id);
    if (i === -1) throw invalidRequest(`No such ${resourceName}: '${id}'`, { param, code: "resource_missing" });
    return i;
  };
  if (before) {
    const end = cursorIndex(before, "ending_before");
    const start = Math.max(0, end - limit);
    return { object: "list", data: items.slice(start, end), has_more: start > 0, url };
  }
  const start = after ? cursorIndex(after, "starting_after") + 1 : 0;
  return { object: "list", data: items.slice(start, start + limit), has_more: start + limit < items.length, url };
}

/** `created=<ts>` or `created[gt|gte|lt|lte]=<ts>`. */
export function createdFilter(params: Params): (created: number) => boolean {
  if (!params.has("created")) return () => true;
  const exact = typeof params.values.created === "string" ? params.int("created") : undefined;
  if (exact !== undefined) return (c) => c === exact;
  const range = params.object("created");
  if (!range) return () => true;
  const gt = range.int("gt");
  const gte = range.int("gte");
  const lt = range.int("lt");
  const lte = range.int("lte");
  return (c) =>
    (gt === undefined || c > gt) && (gte === undefined || c >= gte) && (lt === undefined || c < lt) && (lte === undefined || c <= lte);
}

export function newestFirst<T>(record: Record<string, T>): T[] {
  return Object.values(record).reverse();
}
