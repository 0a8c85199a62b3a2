// What /api/* answers where no handler applies, in the §7 shape (Next's own answers are an HTML 404
// page and an empty 405). Both come before authentication: they describe the URL and the method,
// which are wrong whoever asks, and the route list is public (SPEC §13). The catch-alls
// app/api/[[...path]], app/api/v1/[[...path]] and app/api/operator/[[...path]] answer paths no route
// serves (each re-exports catch-all-route.ts); next-auth's catch-all under /api/auth answers its own misses (lib/auth/next-auth-route.ts).
//
// Next answers 405 itself (empty, no Allow) for any method a route file does not export, so every
// route file exports the other methods too, built from the ones it implements:
//   const other = otherMethods({ GET, POST });
//   export { other as PUT, other as PATCH, other as DELETE, other as OPTIONS };
// plus `other as HEAD` when there is no GET (Next serves HEAD with GET otherwise). A method given a
// handler of its own must leave that list (a duplicate export does not compile) and join the object;
// tests/integration/api/rest-api-errors.test.ts checks every route file's Allow against its handlers.
import { AppError } from "./errors";
import { withPublic } from "./wrappers";

type Route = ReturnType<typeof withPublic>;
type Implemented = Partial<Record<"GET" | "POST" | "PUT" | "PATCH" | "DELETE", Route>>;

const pathOf = (req: Request) => new URL(req.url).pathname;

/** The handler of a route file's other methods: 405 with Allow, and OPTIONS → 204 with the same Allow. */
export function otherMethods(implemented: Implemented): Route {
  return refuseMethod(Object.keys(implemented));
}

/**
 * 405 naming the methods `own` a URL takes (Allow adds OPTIONS, and HEAD with GET unless `head` is
 * false: a GET with effects of its own); OPTIONS → 204.
 */
export function refuseMethod(methods: readonly string[], { head = true }: { head?: boolean } = {}): Route {
  const own = [...methods].sort();
  const allow = [...own, ...(head && own.includes("GET") ? ["HEAD"] : []), "OPTIONS"].sort().join(", ");
  return withPublic(async ({ req }) => {
    if (req.method === "OPTIONS") return new Response(null, { status: 204, headers: { allow } });
    throw new AppError("method_not_allowed", `${req.method} is not allowed on ${pathOf(req)}: it takes ${own.join(", ")}.`, {
      headers: { allow },
    });
  });
}

/** The catch-all routes' handler, every method: 404 naming the path. */
export const noSuchEndpoint: Route = withPublic(async ({ req }) => {
  throw new AppError("not_found", `No such endpoint: ${req.method} ${pathOf(req)}.`);
});
