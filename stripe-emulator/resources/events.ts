// /v1/events — newest first; `type` (with `*` wildcards) or `types[]`, `created`, cursors,
// `delivery_success`.
import { invalidRequest, noSuch } from "../core/errors";
import { eventTypeMatches } from "../core/events";
import { createdFilter, newestFirst, paginate } from "../core/lists";
import type { ApiHandler, Route } from "../http/router";

const retrieve: ApiHandler = (emu, req) => {
  const id = req.pathParams.id ?? "";
  const event = emu.state.events[id];
  if (!event) throw noSuch("event", id);
  return event;
};

const list: ApiHandler = (emu, req) => {
  const p = req.params;
  const type = p.optionalId("type");
  const types = p.stringArray("types");
  if (type && types) throw invalidRequest("You may pass either `type` or `types`, but not both.", { param: "types" });
  if (types && types.length > 20) throw invalidRequest("You may pass at most 20 `types`.", { param: "types" });
  const deliverySuccess = p.bool("delivery_success");
  const created = createdFilter(p);
  const items = newestFirst(emu.state.events).filter(
    (e) =>
      created(e.created) &&
      (type === undefined || eventTypeMatches(type, e.type)) &&
      (types === undefined || types.some((t) => eventTypeMatches(t, e.type))) &&
      (deliverySuccess === undefined || (e.pending_webhooks === 0) === deliverySuccess),
  );
  return paginate(items, p, "/v1/events", "event");
};

export const eventRoutes: Route<ApiHandler>[] = [
  { method: "GET", pattern: "/v1/events", handler: list },
  { method: "GET", pattern: "/v1/events/:id", handler: retrieve },
];
