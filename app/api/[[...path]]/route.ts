// /api and any /api/* path no route serves (outside /api/v1, /api/operator and next-auth's /api/auth,
// which have catch-alls of their own) — 404 `not_found` in the §7 shape naming the path, for every
// method, instead of Next's HTML page. HEAD is Next's, from GET.
import { noSuchEndpoint } from "@/lib/http/fallbacks";

export const dynamic = "force-dynamic";

export {
  noSuchEndpoint as GET,
  noSuchEndpoint as POST,
  noSuchEndpoint as PUT,
  noSuchEndpoint as PATCH,
  noSuchEndpoint as DELETE,
  noSuchEndpoint as OPTIONS,
};
