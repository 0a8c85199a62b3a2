// The Stripe emulator: the subset of Stripe's REST API Headroom uses, hosted Checkout and
// invoice pages, and signed webhooks with Stripe's retry behaviour — for offline development,
// demos and tests. The real `stripe` SDK talks to it with
// `new Stripe(key, { host: "127.0.0.1", port, protocol: "http" })`.
import http from "node:http";
import { createClock } from "./core/clock";
import type { Emulator } from "./core/emulator";
import { buildEvent } from "./core/events";
import { pruneOldEvents, relocateHostedUrls } from "./core/maintenance";
import { createPersistence, loadState } from "./core/persistence";
import { emptyState, type Delivery, type State } from "./core/state";
import { handleControlRequest, type AdvanceResult, type ControlDeps } from "./control/routes";
import { handleApiRequest } from "./http/api";
import { IdempotencyCache } from "./http/idempotency";
import { sendJson } from "./http/respond";
import { Router, type ApiHandler } from "./http/router";
import { handleCheckoutPage } from "./pages/checkout-page";
import { handleDashboard } from "./pages/dashboard";
import { handleInvoicePage } from "./pages/invoice-page";
import { handleReceiptPage } from "./pages/receipt-page";
import { expireDueCheckoutSessions } from "./payments/checkout";
import { advanceInvoices } from "./payments/invoices";
import { chargeRoutes } from "./resources/charges";
import { checkoutSessionRoutes } from "./resources/checkout-sessions";
import { customerRoutes } from "./resources/customers";
import { eventRoutes } from "./resources/events";
import { invoiceItemRoutes } from "./resources/invoice-items";
import { invoiceRoutes } from "./resources/invoices";
import { paymentIntentRoutes } from "./resources/payment-intents";
import { paymentMethodRoutes } from "./resources/payment-methods";
import { refundRoutes, settlePendingRefunds } from "./resources/refunds";
import { setupIntentRoutes } from "./resources/setup-intents";
import { WebhookDispatcher, type DeliveryFilter } from "./webhooks/dispatcher";
import { generateWebhookSecret } from "./webhooks/signature";

/** The API version of the installed `stripe` SDK: events are rendered in it. */
export const DEFAULT_API_VERSION = "2026-10-28.endive";
/** 1 s, 2 s, 4 s … 64 s: Stripe's exponential backoff (which spans 3 days) compressed. */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000];

export interface StripeEmulatorOptions {
  /** TCP port; 0 picks a free one. Default 12111 (stripe-mock's). */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** Base URL of hosted pages as browsers reach them. Default `http://<host>:<port>`. */
  publicUrl?: string;
  /** Webhook endpoint(s) every event is POSTed to. */
  webhookUrl?: string | readonly string[];
  webhookUrls?: readonly string[];
  /** Signing secret (`whsec_…`) shared with the endpoints. Generated when absent. */
  webhookSecret?: string;
  /** JSON file to keep state in across restarts. In memory only when absent. */
  stateFile?: string;
  /** Delays in ms before each retry; the number of attempts is `length + 1`. */
  retrySchedule?: readonly number[];
  /** How long an endpoint has to answer. Default 10 s. */
  webhookTimeoutMs?: number;
  /** How often expired Checkout Sessions and auto-advancing invoices are processed. Default 10 s. */
  sweepIntervalMs?: number;
  apiVersion?: string;
  /** `true` logs to stdout; a function receives each line. Default silent. */
  log?: boolean | ((line: string) => void);
}

export interface StripeEmulator {
  /** `http://127.0.0.1:<port>` — also where hosted pages live unless `publicUrl` says otherwise. */
  url: string;
  port: number;
  host: string;
  webhookSecret: string;
  apiVersion: string;
  /** Options for `new Stripe(key, stripeConfig)`. */
  stripeConfig: { host: string; port: number; protocol: "http" };
  webhookUrls(): readonly string[];
  setWebhookUrls(urls: readonly string[]): void;
  deliveries(filter?: DeliveryFilter): Delivery[];
  /** Sends every pending delivery now; resolves when each has had an attempt. */
  flushWebhooks(): Promise<Delivery[]>;
  /** Resolves when every delivery has succeeded or been given up. */
  waitForWebhooks(timeoutMs?: number): Promise<void>;
  resendEvent(eventId: string, endpoint?: string): Delivery[];
  /** Moves the emulator clock forward and runs what became due (session expiry, invoice collection). */
  advance(seconds: number): AdvanceResult;
  reset(): void;
  /** The live state (read it; do not change it). */
  state(): State;
  close(): Promise<void>;
}

function makeLogger(option: StripeEmulatorOptions["log"]): (line: string) => void {
  if (typeof option === "function") return option;
  if (option) return (line) => console.log(`[stripe-emulator] ${line}`);
  return () => {};
}

function normalizeUrls(options: StripeEmulatorOptions): string[] {
  const single = options.webhookUrl;
  const list = [...(typeof single === "string" ? [single] : (single ?? [])), ...(options.webhookUrls ?? [])];
  for (const u of list) new URL(u); // throws on a malformed URL, at start rather than at delivery
  return [...new Set(list)];
}

export async function startStripeEmulator(options: StripeEmulatorOptions = {}): Promise<StripeEmulator> {
  const log = makeLogger(options.log);
  const host = options.host ?? "127.0.0.1";
  const apiVersion = options.apiVersion ?? DEFAULT_API_VERSION;
  const webhookSecret = options.webhookSecret ?? generateWebhookSecret();
  if (webhookSecret.trim() === "") throw new Error("stripe-emulator: webhookSecret must not be blank");
  let webhookUrls = normalizeUrls(options);
  let state = loadState(options.stateFile);
  const clock = createClock(state.clockOffsetSeconds);
  const persistence = createPersistence(options.stateFile, () => state);
  let publicUrl = options.publicUrl?.replace(/\/$/, "") ?? "";

  const dispatcher = new WebhookDispatcher({
    state: () => state,
    endpoints: () => webhookUrls,
    secret: webhookSecret,
    retrySchedule: options.retrySchedule ?? DEFAULT_RETRY_SCHEDULE_MS,
    timeoutMs: options.webhookTimeoutMs ?? 10_000,
    onChange: () => persistence.markDirty(),
    log,
  });

  const emu: Emulator = {
    get state() {
      return state;
    },
    clock,
    apiVersion,
    publicUrl: () => publicUrl,
    emit(type, object, origin, previous) {
      const event = buildEvent({ type, object, origin, previous, apiVersion, created: clock.now(), pendingWebhooks: webhookUrls.length });
      state.events[event.id] = event;
      dispatcher.enqueue(event);
      persistence.markDirty();
      return event;
    },
    changed: () => persistence.markDirty(),
  };

  const apiRouter = new Router<ApiHandler>().addAll([
    ...customerRoutes,
    ...paymentMethodRoutes,
    ...checkoutSessionRoutes,
    ...paymentIntentRoutes,
    ...setupIntentRoutes,
    ...chargeRoutes,
    ...refundRoutes,
    ...invoiceRoutes,
    ...invoiceItemRoutes,
    ...eventRoutes,
  ]);
  const idempotency = new IdempotencyCache();

  const runDueWork = () => {
    const expiredCheckoutSessions = expireDueCheckoutSessions(emu);
    const { finalized, attempted } = advanceInvoices(emu);
    const settledRefunds = settlePendingRefunds(emu);
    const pruned = pruneOldEvents(state, clock.now());
    if (expiredCheckoutSessions + finalized + attempted + settledRefunds + pruned > 0) persistence.markDirty();
    return { expiredCheckoutSessions, finalizedInvoices: finalized, attemptedInvoices: attempted, settledRefunds };
  };

  const control: ControlDeps = {
    info: () => ({
      object: "stripe_emulator",
      url: publicUrl,
      api_version: apiVersion,
      webhook_urls: webhookUrls,
      clock: { now: clock.now(), offset_seconds: clock.offsetSeconds() },
      counts: Object.fromEntries(
        (
          [
            "customers",
            "paymentMethods",
            "checkoutSessions",
            "paymentIntents",
            "charges",
            "invoices",
            "refunds",
            "events",
            "deliveries",
          ] as const
        ).map((k) => [k, Object.keys(state[k]).length]),
      ),
    }),
    state: () => state,
    deliveries: (filter) => dispatcher.list(filter),
    flush: () => dispatcher.flush(),
    resend: (eventId, endpoint) => (state.events[eventId] ? dispatcher.resend(eventId, endpoint) : null),
    advance(seconds) {
      clock.advance(seconds);
      state.clockOffsetSeconds = clock.offsetSeconds();
      persistence.markDirty();
      return { clockOffsetSeconds: clock.offsetSeconds(), now: clock.now(), ...runDueWork() };
    },
    reset() {
      dispatcher.stop();
      state = emptyState();
      state.publicUrl = publicUrl;
      clock.setOffsetSeconds(0);
      idempotency.clear();
      persistence.markDirty();
    },
    webhookUrls: () => webhookUrls,
    setWebhookUrls(urls) {
      for (const u of urls) new URL(u);
      webhookUrls = [...new Set(urls)];
      dispatcher.resume();
    },
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://emulator.local");
    const path = url.pathname;
    const route = async (): Promise<void> => {
      if (path.startsWith("/v1/")) return handleApiRequest({ emu, router: apiRouter, idempotency, log }, req, res, url);
      if (path === "/_emulator" || path.startsWith("/_emulator/")) return handleControlRequest(control, req, res, url);
      const checkout = /^\/c\/pay\/([^/]+)\/?$/.exec(path);
      if (checkout && (req.method === "GET" || req.method === "POST"))
        return handleCheckoutPage(emu, req, res, decodeURIComponent(checkout[1] ?? ""));
      const invoice = /^\/i\/([^/]+)(\/pdf)?\/?$/.exec(path);
      if (invoice && (req.method === "GET" || req.method === "POST")) {
        return handleInvoicePage(emu, req, res, decodeURIComponent(invoice[1] ?? ""), invoice[2] !== undefined && req.method === "GET");
      }
      const receipt = /^\/receipts\/([^/]+)\/?$/.exec(path);
      if (receipt && req.method === "GET") return handleReceiptPage(emu, res, decodeURIComponent(receipt[1] ?? ""));
      if (path === "/" && req.method === "GET") return handleDashboard(emu, res, webhookUrls);
      sendJson(res, 404, { error: { type: "invalid_request_error", message: `Unrecognized request URL (${req.method}: ${path}).` } });
    };
    route().catch((err: unknown) => {
      log(`unhandled error on ${req.method} ${path}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      if (!res.headersSent)
        sendJson(res, 500, { error: { type: "api_error", message: "An unknown error occurred in the Stripe emulator." } });
      else res.end();
    });
  });
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 12111, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : (options.port ?? 12111);
  const urlHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  const url = `http://${urlHost}:${port}`;
  if (!publicUrl) publicUrl = url;
  relocateHostedUrls(state, publicUrl);
  persistence.markDirty();

  const sweeper = setInterval(runDueWork, options.sweepIntervalMs ?? 10_000);
  sweeper.unref();
  dispatcher.resume();
  log(`listening on ${url}; webhooks → ${webhookUrls.join(", ") || "(none)"}`);

  let closed = false;
  return {
    url,
    port,
    host,
    webhookSecret,
    apiVersion,
    stripeConfig: { host: urlHost.replace(/^\[|\]$/g, ""), port, protocol: "http" },
    webhookUrls: () => webhookUrls,
    setWebhookUrls: (urls) => control.setWebhookUrls([...urls]),
    deliveries: (filter) => dispatcher.list(filter),
    flushWebhooks: () => dispatcher.flush(),
    waitForWebhooks: (timeoutMs) => dispatcher.waitForIdle(timeoutMs),
    resendEvent: (eventId, endpoint) => dispatcher.resend(eventId, endpoint),
    advance: (seconds) => control.advance(seconds),
    reset: () => control.reset(),
    state: () => state,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(sweeper);
      dispatcher.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      persistence.close();
    },
  };
}
