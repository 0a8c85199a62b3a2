// The /v1 pipeline: authenticate → route → parse the form body → idempotency → run the
// handler (synchronously) → expand → answer in Stripe's JSON, errors included.
import type http from "node:http";
import type { Emulator } from "../core/emulator";
import { internalError, StripeApiError, unrecognizedUrl } from "../core/errors";
import { applyExpand } from "../core/expand";
import { newId } from "../core/ids";
import { Params } from "../core/params";
import { authenticate } from "./auth";
import { parseForm, type FormObject } from "./form-body";
import type { IdempotencyCache } from "./idempotency";
import { readBody, sendJson } from "./respond";
import type { ApiHandler, Router } from "./router";

export interface ApiDeps {
  emu: Emulator;
  router: Router<ApiHandler>;
  idempotency: IdempotencyCache;
  log: (line: string) => void;
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export async function handleApiRequest(deps: ApiDeps, req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
  const started = Date.now();
  const method = (req.method ?? "GET").toUpperCase();
  const requestId = newId("request");
  const baseHeaders: Record<string, string> = {
    "request-id": requestId,
    "stripe-version": header(req, "stripe-version") ?? deps.emu.apiVersion,
  };
  const finish = (status: number, body: unknown, extra: Record<string, string> = {}) => {
    sendJson(res, status, body, { ...baseHeaders, ...extra });
    deps.log(`${method} ${url.pathname} → ${status} (${Date.now() - started} ms)`);
  };
  const fail = (err: StripeApiError, extra: Record<string, string> = {}) => finish(err.status, { error: err.body }, extra);

  const auth = authenticate(header(req, "authorization"));
  if (!auth.ok) return fail(auth.error, { "www-authenticate": 'Basic realm="Stripe"' });

  const match = deps.router.match(method, url.pathname);
  if (!match.handler) return fail(unrecognizedUrl(method, url.pathname));

  let values: FormObject;
  try {
    const query = parseForm(url.search.slice(1));
    const raw = method === "POST" ? await readBody(req) : "";
    const contentType = header(req, "content-type") ?? "";
    if (raw.trim() !== "" && !contentType.includes("application/x-www-form-urlencoded")) {
      return fail(
        new StripeApiError(400, {
          type: "invalid_request_error",
          message: `Invalid request: the Stripe API takes form-encoded bodies (application/x-www-form-urlencoded), not ${contentType || "an untyped body"}.`,
        }),
      );
    }
    values = { ...query, ...parseForm(raw) };
  } catch (err) {
    if (err instanceof StripeApiError) return fail(err);
    return fail(new StripeApiError(400, { type: "invalid_request_error", message: "Could not read the request body." }));
  }

  const idempotencyKey = method === "POST" ? header(req, "idempotency-key") : undefined;
  const endpoint = `${method} ${url.pathname}`;
  const fingerprint = JSON.stringify(values);
  if (idempotencyKey) {
    if (idempotencyKey.length > 255) {
      return fail(
        new StripeApiError(400, { type: "invalid_request_error", message: "Idempotency keys can be at most 255 characters long." }),
      );
    }
    const cached = deps.idempotency.lookup(auth.apiKey, idempotencyKey, endpoint, fingerprint);
    if (cached.kind === "conflict") return fail(cached.error);
    if (cached.kind === "replay") {
      return finish(cached.status, cached.body, { "idempotency-key": idempotencyKey, "idempotent-replayed": "true" });
    }
  }

  let status = 200;
  let body: unknown;
  try {
    const params = new Params(values);
    const result = match.handler(deps.emu, {
      method,
      path: url.pathname,
      pathParams: match.pathParams,
      params,
      origin: { id: requestId, idempotency_key: idempotencyKey ?? null },
    });
    body = applyExpand(deps.emu, result, params.stringArray("expand"));
  } catch (err) {
    const apiError = err instanceof StripeApiError ? err : internalError();
    if (!(err instanceof StripeApiError))
      deps.log(`internal error on ${endpoint}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    status = apiError.status;
    body = { error: apiError.body };
  }
  if (method !== "GET") deps.emu.changed();
  const text = JSON.stringify(body, null, 2);
  if (idempotencyKey) deps.idempotency.store(auth.apiKey, idempotencyKey, endpoint, fingerprint, status, text);
  finish(status, text, idempotencyKey ? { "idempotency-key": idempotencyKey } : {});
}
