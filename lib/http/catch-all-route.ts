// The handlers of the catch-all route files — app/api/[[...path]], app/api/v1/[[...path]] and
// app/api/operator/[[...path]] re-export these: every method of a path no route serves is a 404
// `not_found` in the §7 shape naming the path (Next's own is an HTML page). HEAD is Next's, from GET.
import { noSuchEndpoint } from "./fallbacks";

export {
  noSuchEndpoint as GET,
  noSuchEndpoint as POST,
  noSuchEndpoint as PUT,
  noSuchEndpoint as PATCH,
  noSuchEndpoint as DELETE,
  noSuchEndpoint as OPTIONS,
};
