// The test-control API under /_emulator (no API key; JSON or form bodies):
//   GET  /_emulator                        what is running: URLs, API version, clock, counts
//   GET  /_emulator/deliveries             webhook deliveries (?event_id=&type=&status=&endpoint=)
//   POST /_emulator/deliveries/flush       send every pending delivery now; answers once each was tried
//   POST /_emulator/events/:id/resend      deliver an event again (optional `endpoint`)
//   POST /_emulator/advance                move the clock `seconds` forward and run what became due
//   POST /_emulator/reset                  forget everything (customers, events, deliveries…)
//   GET  /_emulator/webhook_endpoints      the endpoint URLs;  PUT/POST replaces them (`urls[]`)
//   GET  /_emulator/state                  the whole state, for debugging
import type http from "node:http";
import type { Delivery, DeliveryStatus, State } from "../core/state";
import { parseForm, type FormObject } from "../http/form-body";
import { readBody, sendJson } from "../http/respond";
import { Router } from "../http/router";
import type { DeliveryFilter } from "../webhooks/dispatcher";

export interface AdvanceResult {
  clockOffsetSeconds: number;
  now: number;
  expiredCheckoutSessions: number;
  finalizedInvoices: number;
  attemptedInvoices: number;
  /** Pending refunds that succeeded (refund.updated sent). */
  settledRefunds: number;
}

export interface ControlDeps {
  info(): Record<string, unknown>;
  state(): State;
  deliveries(filter: DeliveryFilter): Delivery[];
  flush(): Promise<Delivery[]>;
  resend(eventId: string, endpoint?: string): Delivery[] | null;
  advance(seconds: number): AdvanceResult;
  reset(): void;
  webhookUrls(): readonly string[];
  setWebhookUrls(urls: string[]): void;
}

type Body = Record<string, unknown>;
type ControlHandler = (
  deps: ControlDeps,
  body: Body,
  url: URL,
  params: Record<string, string>,
) => Promise<[number, unknown]> | [number, unknown];

async function readControlBody(req: http.IncomingMessage): Promise<Body> {
  if (req.method === "GET") return {};
  const text = await readBody(req);
  if (text.trim() === "") return {};
  if ((req.headers["content-type"] ?? "").includes("application/json")) return JSON.parse(text) as Body;
  return parseForm(text) as FormObject;
}

function stringList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === "string") return value === "" ? [] : [value];
  if (value && typeof value === "object") return Object.values(value).map(String);
  return [];
}

const STATUSES: DeliveryStatus[] = ["pending", "in_flight", "succeeded", "failed"];

const router = new Router<ControlHandler>()
  .add("GET", "/_emulator", (deps) => [200, deps.info()])
  .add("GET", "/_emulator/state", (deps) => [200, deps.state()])
  .add("GET", "/_emulator/deliveries", (deps, _b, url) => {
    const status = url.searchParams.get("status") ?? undefined;
    if (status !== undefined && !STATUSES.includes(status as DeliveryStatus)) {
      return [400, { error: { message: `status must be one of ${STATUSES.join(", ")}` } }];
    }
    const data = deps.deliveries({
      eventId: url.searchParams.get("event_id") ?? undefined,
      eventType: url.searchParams.get("type") ?? undefined,
      status: status as DeliveryStatus | undefined,
      endpoint: url.searchParams.get("endpoint") ?? undefined,
    });
    return [200, { object: "list", data }];
  })
  .add("POST", "/_emulator/deliveries/flush", async (deps) => [200, { object: "list", data: await deps.flush() }])
  .add("POST", "/_emulator/events/:id/resend", (deps, body, _u, params) => {
    const endpoint = typeof body.endpoint === "string" ? body.endpoint : undefined;
    const created = deps.resend(params.id ?? "", endpoint);
    if (created === null) return [404, { error: { message: `No such event: '${params.id}'` } }];
    return [200, { object: "list", data: created }];
  })
  .add("POST", "/_emulator/advance", (deps, body) => {
    const seconds = Number(body.seconds ?? 0);
    if (!Number.isFinite(seconds) || seconds < 0) return [400, { error: { message: "seconds must be a number ≥ 0" } }];
    return [200, deps.advance(seconds)];
  })
  .add("POST", "/_emulator/reset", (deps) => {
    deps.reset();
    return [200, { reset: true }];
  })
  .add("GET", "/_emulator/webhook_endpoints", (deps) => [200, { urls: deps.webhookUrls() }])
  .add("PUT", "/_emulator/webhook_endpoints", (deps, body) => {
    deps.setWebhookUrls(stringList(body.urls));
    return [200, { urls: deps.webhookUrls() }];
  })
  .add("POST", "/_emulator/webhook_endpoints", (deps, body) => {
    deps.setWebhookUrls(stringList(body.urls));
    return [200, { urls: deps.webhookUrls() }];
  });

export async function handleControlRequest(
  deps: ControlDeps,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
): Promise<void> {
  const match = router.match((req.method ?? "GET").toUpperCase(), url.pathname);
  if (!match.handler) return sendJson(res, 404, { error: { message: `Unknown control endpoint ${req.method} ${url.pathname}` } });
  let body: Body;
  try {
    body = await readControlBody(req);
  } catch {
    return sendJson(res, 400, { error: { message: "Could not parse the request body (JSON or form)." } });
  }
  const [status, result] = await match.handler(deps, body, url, match.pathParams);
  sendJson(res, status, result);
}
