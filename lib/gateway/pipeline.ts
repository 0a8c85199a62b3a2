// The /v1 request pipeline (SPEC §6, §7): authenticate → validate → account status → count prompt
// tokens → reserve the maximum cost against the spend limit → rate-limit admission → queue by
// priority → serve → meter (durable before the response completes) → settle.
import { countTokens } from "gpt-tokenizer";
import { authenticateApiKey } from "../keys/authenticate-api-key";
import { bearerToken } from "../http/caller";
import { AppError, badRequest, toAppError } from "../http/errors";
import { parseWith } from "../http/json";
import { newRequestId } from "../http/request-id";
import { LimiterUnavailableError } from "../limits/redis-store";
import { costOf, DEFAULT_POLICY, limitKey, type Admission, type Cost, type LimitView, type Policy } from "../limits";
import { displayUsd, requestCostMicros, usdString } from "../money";
import { metrics } from "../metrics";
import { errorSummary, log } from "../log";
import { env } from "../env";
import { SUSPENSION_FIX } from "../billing/suspension";
import { defaultBackend, type Completion, type GenerationEvent, type GenerationInput } from "./backends";
import type { CatalogModel } from "./catalog";
import { gateway, type GatewayContext } from "./context";
import { MeterUnavailableError, type RecordOptions } from "./meter";
import { rateLimitHeaders } from "./headers";
import { chunkObject, completionObject, sse, SSE_DONE, usageChunk, usageOf } from "./openai-shapes";
import { chatCompletionSchema, completionSchema, plainChatRequest, type InferenceKind } from "./schemas";
import { chatPromptSteps, chatPromptText, completionPromptSteps, countWithBreaks } from "./tokens";
import type { GatewayRequest, GatewayResult } from "./types";

/** /v1 request bodies above this are refused with 413 before parsing. */
export const MAX_GATEWAY_BODY_BYTES = 1024 * 1024;

const JSON_HEADERS = { "content-type": "application/json" };
/**
 * How long a finished response waits for its usage to be committed before the client is told the
 * service is unavailable (HEADROOM_METER_WAIT_MS: the database is down or stalled). A plain response
 * not yet in a flush is then withdrawn — never sent, never charged; a stream the client has
 * received, or a plain response its client abandoned, stays queued and is charged when the
 * database returns.
 */
const meterWait = (withdrawOnTimeout: boolean): RecordOptions => ({ waitMs: env().HEADROOM_METER_WAIT_MS, withdrawOnTimeout });
const meterUnavailable = (requestId: string) =>
  new AppError(
    "service_unavailable",
    `The response to ${requestId} could not be recorded: the usage database is not answering. Retry shortly.`,
  );

/**
 * Limits shown when no model's limits apply (GET /v1/models, a request naming no known model): the
 * default policy's base limits, untouched. A request naming a known model shows that model's.
 */
function baseView(policy: Policy = DEFAULT_POLICY): LimitView {
  const limits = {
    requests: policy.baseRpm,
    tokensPrompt: policy.baseRpm * policy.tokensPromptPerRequest,
    tokensGenerated: policy.baseRpm * policy.tokensGeneratedPerReq,
  };
  return { limits, remaining: { ...limits }, overLimit: false, sustainedMinutes: 0 };
}

/** The headers of a response no model's limits apply to: the same for every such request. */
const BASE_HEADERS: Readonly<Record<string, string>> = Object.freeze(rateLimitHeaders(baseView()));

export async function handleGateway(req: GatewayRequest, ctx: GatewayContext = gateway()): Promise<GatewayResult> {
  const requestId = newRequestId();
  const state: GatewayState = { rl: null, model: "-" };
  const m = metrics();
  try {
    const result = await route(req, ctx, requestId, state);
    result.headers["x-request-id"] = requestId;
    if (state.admitted) m.requests.inc({ model: state.model, outcome: state.admitted });
    return result;
  } catch (err) {
    const appError = toAppError(err);
    if (appError !== err)
      log.error("gateway request failed", {
        requestId,
        error: err instanceof Error ? err.message : String(err),
        stack: err instanceof Error ? err.stack : undefined,
      });
    // A client that left (while queued, say) was refused nothing: it is not a 503 nor a rejection.
    const clientGone = req.signal.aborted;
    m.requests.inc({ model: state.model, outcome: clientGone ? "client_closed" : String(appError.status) });
    if (
      !clientGone &&
      state.accountId &&
      state.modelId &&
      (appError.status === 402 || appError.status === 429 || appError.status === 503)
    ) {
      ctx.rejections.add(state.accountId, state.modelId, appError.status);
    }
    let rl = state.rl;
    if (!rl && state.peek)
      rl = rateLimitHeaders(
        await ctx.limiter.peek(state.peek.key, state.peek.policy, Date.now()).catch(() => baseView(state.peek!.policy)),
      );
    return {
      status: appError.status,
      headers: { ...JSON_HEADERS, ...(rl ?? {}), ...appError.extra.headers, "x-request-id": requestId },
      body: JSON.stringify(appError.body(requestId)),
    };
  }
}

interface GatewayState {
  rl: Record<string, string> | null;
  model: string;
  /** Admitted and given a slot: the outcome counted if it is served. */
  admitted?: "in_limit" | "over_limit";
  modelId?: string;
  accountId?: string;
  peek?: { key: string; policy: Policy };
}

const ENDPOINTS: Readonly<Record<string, string>> = { "/v1/chat/completions": "POST", "/v1/completions": "POST", "/v1/models": "GET" };
const MODEL_PATH = "/v1/models/";

async function route(req: GatewayRequest, ctx: GatewayContext, requestId: string, state: GatewayState): Promise<GatewayResult> {
  const path = req.path.split("?")[0]!.replace(/\/+$/, "");
  const principal = await authenticate(req.authorization);
  state.rl = BASE_HEADERS;
  const method = path.startsWith(MODEL_PATH) ? "GET" : ENDPOINTS[path];
  if (!method)
    throw new AppError(
      "not_found",
      `Unknown endpoint ${req.method} ${path}. Endpoints: POST /v1/chat/completions, POST /v1/completions, GET /v1/models, GET /v1/models/{model}.`,
    );
  if (req.method !== method) throw new AppError("method_not_allowed", `${path} accepts ${method} only.`, { headers: { allow: method } });
  if (path === "/v1/models") return listModels(ctx);
  if (method === "GET") return retrieveModel(ctx, path.slice(MODEL_PATH.length));
  state.rl = null;
  return inference(req, ctx, requestId, principal, path === "/v1/chat/completions" ? "chat" : "completion", state);
}

async function authenticate(authorization: string | null) {
  const token = bearerToken(authorization);
  if (!token) throw new AppError("invalid_api_key", "Missing API key: send it as `Authorization: Bearer <key>`.");
  const principal = await authenticateApiKey(token);
  if (!principal) throw new AppError("invalid_api_key", "Invalid API key: it is unknown or has been revoked.");
  return principal;
}

const modelObject = (mo: CatalogModel) => ({
  id: mo.name,
  object: "model",
  created: Math.floor(mo.createdAt.getTime() / 1000),
  owned_by: "headroom",
});

async function listModels(ctx: GatewayContext): Promise<GatewayResult> {
  const data = (await ctx.catalog.list()).map(modelObject);
  return { status: 200, headers: { ...BASE_HEADERS, ...JSON_HEADERS }, body: JSON.stringify({ object: "list", data }) };
}

async function retrieveModel(ctx: GatewayContext, encoded: string): Promise<GatewayResult> {
  let name: string;
  try {
    name = decodeURIComponent(encoded);
  } catch {
    name = encoded;
  }
  const model = name.length <= 256 ? (ctx.catalog.peek(name) ?? (await ctx.catalog.get(name))) : undefined;
  if (!model) throw modelNotFound(name);
  return { status: 200, headers: { ...BASE_HEADERS, ...JSON_HEADERS }, body: JSON.stringify(modelObject(model)) };
}

const modelNotFound = (name: string) =>
  new AppError("model_not_found", `The model "${name}" does not exist. GET /v1/models lists the models you can use.`, {
    param: "model",
  });

/** The body as a JSON object (not yet checked against the endpoint's schema). */
async function readJsonObject(req: GatewayRequest): Promise<Record<string, unknown>> {
  if (!/^application\/json\b/i.test(req.contentType ?? ""))
    throw new AppError("unsupported_media_type", "Send the body as JSON with `Content-Type: application/json`.");
  const text = await req.readBody(MAX_GATEWAY_BODY_BYTES);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw badRequest("The request body is not valid JSON.");
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw badRequest("The request body must be a JSON object.");
  return raw as Record<string, unknown>;
}

function validate(raw: Record<string, unknown>, kind: InferenceKind) {
  return kind === "chat"
    ? { kind, body: plainChatRequest(raw) ?? parseWith(chatCompletionSchema, raw) }
    : { kind, body: parseWith(completionSchema, raw) };
}

async function inference(
  req: GatewayRequest,
  ctx: GatewayContext,
  requestId: string,
  principal: { accountId: string; apiKeyId: string },
  kind: InferenceKind,
  state: GatewayState,
): Promise<GatewayResult> {
  const m = metrics();
  const admitStarted = performance.now();
  state.rl = BASE_HEADERS;
  const raw = await readJsonObject(req);
  // The model first, so that a request refused for the rest of its body still shows the caller's
  // limits for the model it named. Each step answers without a promise when it can (cached model,
  // a lease with room, the in-process limiter, a free slot): every await avoided is CPU saved.
  const named = typeof raw.model === "string" && raw.model.length <= 256 ? raw.model : null;
  const model = named === null ? undefined : (ctx.catalog.peek(named) ?? (await ctx.catalog.get(named)));
  const policy = model?.policy ?? DEFAULT_POLICY;
  const key = model ? limitKey(principal.accountId, model.id) : "";
  if (model) {
    state.rl = null;
    state.peek = { key, policy };
    state.model = model.name; // a request refused for its body is counted under the model it named
  }
  const parsed = validate(raw, kind);
  const body = parsed.body;
  if (!model) throw modelNotFound(body.model);
  state.modelId = model.id;
  state.accountId = principal.accountId;

  const account = await ctx.accounts.get(principal.accountId);
  if (account.status === "suspended") {
    const reason = account.reasons[0] ?? "manual";
    throw new AppError("account_suspended", `This account is suspended (${reason}). ${SUSPENSION_FIX[reason]}`, { bodyCode: reason });
  }

  const askedMax =
    (parsed.kind === "chat" ? (parsed.body.max_completion_tokens ?? parsed.body.max_tokens) : parsed.body.max_tokens) ?? null;
  const maxField = parsed.kind === "chat" && parsed.body.max_completion_tokens != null ? "max_completion_tokens" : "max_tokens";
  if (askedMax !== null && askedMax >= model.contextWindow) {
    throw badRequest(
      `${maxField}: ${askedMax} leaves no room for a prompt in ${model.name}'s context window of ${model.contextWindow} tokens. Lower it.`,
      maxField,
    );
  }
  // Counting stops once the prompt cannot fit with the completion asked for (or one token).
  const promptLimit = model.contextWindow - (askedMax ?? 1);
  // A legacy completion may carry several prompts, each answered with n choices: the request's
  // prompt tokens are theirs together, and each must fit the context window on its own.
  // A large prompt is counted in slices, letting other requests run between them (countWithBreaks).
  let prompts: { text: string; tokens: number }[] | null = null;
  let promptTokens = 0;
  let longest = 0;
  if (parsed.kind === "chat") {
    const counted = countWithBreaks(chatPromptSteps(parsed.body, promptLimit));
    promptTokens = longest = typeof counted === "number" ? counted : await counted;
  } else {
    const counted = countWithBreaks(completionPromptSteps(parsed.body.prompt, promptLimit));
    prompts = Array.isArray(counted) ? counted : await counted;
  }
  if (prompts)
    for (const p of prompts) {
      promptTokens += p.tokens;
      if (p.tokens > longest) longest = p.tokens;
    }
  const n = (body.n ?? 1) * (prompts?.length ?? 1);
  if (longest > promptLimit) {
    const field = parsed.kind === "chat" ? "messages" : "prompt";
    throw badRequest(
      askedMax === null
        ? `The prompt is longer than ${model.name}'s context window of ${model.contextWindow} tokens leaves room for. Shorten the prompt.`
        : `The prompt is more than ${promptLimit} tokens: with ${maxField} ${askedMax} it does not fit ${model.name}'s context window of ${model.contextWindow} tokens. Shorten the prompt or lower ${maxField}.`,
      field,
    );
  }
  // Unasked, a completion may fill what the context window leaves, up to the model's default.
  const maxTokens = askedMax ?? Math.min(policy.defaultMaxTokens, model.contextWindow - longest);
  const cost = costOf({ n, promptTokens, maxTokens }, policy);
  const maxCost = requestCostMicros(
    defaultBackend().reservedPromptTokens(promptTokens),
    n * maxTokens,
    model.inputPricePerMTok,
    model.outputPricePerMTok,
  );

  // Reserve the most this request can cost, so concurrent requests cannot overshoot the limit.
  const reservation = ctx.guard.tryReserve(principal.accountId, maxCost) ?? (await ctx.guard.reserve(principal.accountId, maxCost));
  if (!reservation.ok) {
    ctx.accounts.forget(principal.accountId);
    if (reservation.limitMicros === null)
      throw new AppError("service_unavailable", "The monthly spend limit cannot be checked right now; retry shortly.");
    // Exact amounts: a request costs fractions of a cent, and "$0.00 left" would hide what is.
    throw new AppError(
      "account_suspended",
      `Monthly spend limit reached: $${usdString(reservation.availableMicros)} of the ${displayUsd(reservation.limitMicros)} limit is left, and this request may cost up to $${usdString(maxCost)}. Raise the limit, buy credits to move up a tier, or lower max_tokens.`,
      { bodyCode: "spend_limit_reached" },
    );
  }
  const spend = new SpendHold(ctx, principal.accountId, reservation.leaseId, maxCost);

  let admission: Admission;
  const limiterStarted = performance.now();
  try {
    const load = ctx.load.utilisation(model.id, model.capacityTokensPerMin);
    admission = ctx.limiter.admitSync
      ? ctx.limiter.admitSync(key, policy, cost, Date.now(), load)
      : await ctx.limiter.admit(key, policy, cost, Date.now(), load);
  } catch (err) {
    spend.release(0n);
    if (err instanceof LimiterUnavailableError)
      throw new AppError(
        "service_unavailable",
        "Rate limits cannot be checked right now: the rate-limit store is unreachable. Retry shortly.",
      );
    throw err;
  }
  m.limiterSeconds.observe((performance.now() - limiterStarted) / 1000);
  const decision = admission.decision;
  if (decision.outcome === "reject" || decision.outcome === "too_large") {
    spend.release(0n);
    state.rl = rateLimitHeaders(admission, true);
    if (decision.outcome === "too_large") {
      // No wait admits it at this limit: `x-should-retry: false` so that SDKs (OpenAI's checks it
      // before retry-after) answer at once instead of retrying into the same refusal. retry-after
      // is still sent, as on every 429 (SPEC §7), for clients that read only that one.
      const retryAfter = secondsUntilFull(admission.limits[decision.dimension], admission.remaining[decision.dimension]);
      throw new AppError(
        "rate_limit_exceeded",
        `This request alone reserves more ${decision.dimension === "tokensGenerated" ? "generated tokens (n × max_tokens)" : decision.dimension === "tokensPrompt" ? "prompt tokens" : "requests (n)"} than your current ${model.name} limit allows (${decision.maxCost}). Lower it; the limit grows with sustained usage.`,
        { headers: { "x-should-retry": "false", "retry-after": String(retryAfter) } },
      );
    }
    const retryAfter = Math.max(1, decision.retryAfterSeconds);
    throw new AppError(
      "rate_limit_exceeded",
      `Rate limit exceeded for ${model.name}: this request would take you more than ${policy.hardMultiplier}× over your current limit (${admission.limits.requests} requests, ${admission.limits.tokensPrompt} prompt tokens, ${admission.limits.tokensGenerated} generated tokens per minute). Retry after ${retryAfter} s; limits grow with sustained usage.`,
      { headers: { "retry-after": String(retryAfter) } },
    );
  }
  const overLimit = decision.outcome === "admit_over_limit";
  const admittedLocally = admission.local === true;
  state.rl = rateLimitHeaders(admission, overLimit);

  // Over the model's capacity, over-limit requests are shed first (SPEC §6).
  if (overLimit && ctx.load.utilisation(model.id, model.capacityTokensPerMin) > 1) {
    await refundAll(ctx, spend, key, policy, cost, admittedLocally);
    throw new AppError(
      "overloaded",
      `${model.name} is over capacity and this request is over your rate limit: it was shed. Retry shortly.`,
    );
  }
  const admitted = performance.now();
  m.admissionSeconds.observe((admitted - admitStarted) / 1000);
  let release: () => void;
  try {
    const priority = overLimit ? "low" : "high";
    release =
      ctx.scheduler.tryAcquire(model.id, model.concurrency, priority) ??
      (await ctx.scheduler.acquire(model.id, model.concurrency, priority, () => req.signal));
  } catch (err) {
    await refundAll(ctx, spend, key, policy, cost, admittedLocally);
    throw err;
  }
  m.queueWaitSeconds.observe((performance.now() - admitted) / 1000);
  // Counted when the response is known (handleGateway): a request that fails after this counts once, as its error.
  state.admitted = overLimit ? "over_limit" : "in_limit";

  const serving: Serving = {
    ctx,
    requestId,
    kind,
    model,
    principal,
    promptTokens,
    n,
    cost,
    key,
    policy,
    overLimit,
    admittedLocally,
    leaseId: reservation.leaseId,
    limits: admission.limits,
    started: Date.now(),
    loadCounted: 0,
    release,
    spend,
    generation: new Generation(
      kind,
      model,
      body as Record<string, unknown>,
      parsed.kind === "chat" ? [chatPromptText(parsed.body.messages)] : prompts!.map((p) => p.text),
      n,
      maxTokens,
      req,
    ),
  };
  if (body.stream) {
    const includeUsage = body.stream_options?.include_usage === true;
    let events: AsyncGenerator<GenerationEvent>;
    try {
      events = await defaultBackend().stream(serving.generation);
    } catch (err) {
      // Refused before anything was generated (an upstream's 4xx/5xx): an error response, nothing charged.
      release();
      await refundAll(ctx, spend, key, policy, cost, admittedLocally);
      throw err;
    }
    return {
      status: 200,
      headers: { ...state.rl, "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive" },
      stream: streamResponse(serving, events, includeUsage),
    };
  }
  const result = await collectResponse(serving);
  return { status: 200, headers: { ...state.rl, ...JSON_HEADERS }, body: JSON.stringify(result) };
}

/**
 * Whole seconds (≥ 1) until a bucket of `limit` per minute holding `remaining` is full again: it
 * refills at limit/60 per second. The retry-after of a request too large for the limit in force —
 * no wait admits it, but a full bucket is the most waiting can give. `remaining` is floored at 0,
 * so for a bucket in debt this is the time from empty (a lower bound).
 */
function secondsUntilFull(limit: number, remaining: number): number {
  return Math.max(1, Math.ceil((Math.max(0, limit - remaining) * 60) / limit));
}

/**
 * A request's spend reservation until it is settled, once, to what the request cost. (A class and
 * module-level helpers rather than per-request closures: the server runs under tsx, whose
 * keep-names transform redefines the name of every named closure it creates — measurable at the
 * gateway's request rate.)
 */
class SpendHold {
  private settled = false;
  constructor(
    private readonly ctx: GatewayContext,
    private readonly accountId: string,
    private readonly leaseId: string,
    /** The most this request may cost: what admission reserved against the spend limit. */
    readonly maxCost: bigint,
  ) {}

  release(spent: bigint): void {
    if (this.settled) return;
    this.settled = true;
    this.ctx.guard.settle(this.accountId, this.leaseId, this.maxCost, spent);
  }
}

const NOTHING: Cost = Object.freeze({ requests: 0, tokensPrompt: 0, tokensGenerated: 0 });

/** Gives back everything a request reserved that will not be served. */
async function refundAll(
  ctx: GatewayContext,
  spend: SpendHold,
  key: string,
  policy: Policy,
  cost: Cost,
  admittedLocally: boolean,
): Promise<void> {
  spend.release(0n);
  await ctx.limiter.settle(key, policy, cost, NOTHING, Date.now(), admittedLocally).catch(() => undefined);
}

/**
 * What the backend is asked for. The abort signal is read from the request only when the backend
 * waits or streams (a fast answer never needs one). A class, not an object literal with a getter:
 * V8 gives every such literal its own hidden class in the old generation, which then keeps the
 * whole request (closures, req, res) alive through young-generation collections — every request
 * got promoted, and the old generation's collections paused the gateway.
 */
class Generation implements GenerationInput {
  constructor(
    readonly kind: InferenceKind,
    readonly model: CatalogModel,
    readonly body: Record<string, unknown>,
    readonly prompts: readonly string[],
    readonly n: number,
    readonly maxTokens: number,
    private readonly req: GatewayRequest,
  ) {}

  get signal(): AbortSignal {
    return this.req.signal;
  }
}

interface Serving {
  ctx: GatewayContext;
  requestId: string;
  kind: InferenceKind;
  model: CatalogModel;
  principal: { accountId: string; apiKeyId: string };
  promptTokens: number;
  n: number;
  cost: Cost;
  key: string;
  policy: Policy;
  overLimit: boolean;
  /** Admitted by the Redis store's per-instance fallback: settled there (see Admission.local). */
  admittedLocally: boolean;
  leaseId: string;
  limits: Cost;
  started: number;
  /** Tokens already added to the model's load (a stream counts as it runs). */
  loadCounted: number;
  release: () => void;
  spend: SpendHold;
  generation: GenerationInput;
}

/** Meter (durably), then settle the rate-limit reservation and the spend reservation. */
async function finish(
  s: Serving,
  usage: { promptTokens: number; completionTokens: number },
  opts: { streamed: boolean; abandoned: boolean },
  wait: RecordOptions = {},
): Promise<bigint> {
  s.release();
  let costMicros = requestCostMicros(usage.promptTokens, usage.completionTokens, s.model.inputPricePerMTok, s.model.outputPricePerMTok);
  // An upstream counts with its own tokenizer (and may ignore max_tokens): what it reports can cost
  // more than admission reserved. The charge stops at the reservation — spend never passes the
  // limit (SPEC §7) — and the usage record keeps the upstream's counts.
  if (costMicros > s.spend.maxCost) {
    log.warn("usage costs more than was reserved; charging the reservation", {
      requestId: s.requestId,
      promptTokens: usage.promptTokens,
      completionTokens: usage.completionTokens,
      costMicros: costMicros.toString(),
      reservedMicros: s.spend.maxCost.toString(),
    });
    costMicros = s.spend.maxCost;
  }
  // What a stream has not yet added as it ran (all of it for a plain response).
  const uncounted = usage.promptTokens + usage.completionTokens - s.loadCounted;
  if (uncounted > 0) s.ctx.load.add(s.model.id, uncounted);
  let releaseNow = true;
  try {
    await s.ctx.meter.record(
      {
        requestId: s.requestId,
        accountId: s.principal.accountId,
        apiKeyId: s.principal.apiKeyId,
        modelId: s.model.id,
        modelName: s.model.name,
        promptTokens: usage.promptTokens,
        completionTokens: usage.completionTokens,
        n: s.n,
        costMicros,
        overLimit: s.overLimit,
        streamed: opts.streamed,
        abandoned: opts.abandoned,
        latencyMs: Date.now() - s.started,
        leaseId: s.leaseId,
        limits: s.limits,
        at: new Date(),
      },
      wait,
    );
  } catch (err) {
    if (!(err instanceof MeterUnavailableError)) throw err;
    // Withdrawn: not charged (or, if in doubt, credited back), so its rate-limit reservation goes
    // back whole. Still queued: it will be charged, so it settles like a served request. Either way
    // the spend reservation is held until the meter knows whether the charge landed: given back
    // now, the lease could be released (idle, retired) and its budget granted again while the charge
    // is still to come.
    releaseNow = false;
    void err.committed.then((committed) => s.spend.release(committed ? costMicros : 0n));
    const settled: Cost = err.withdrawn ? NOTHING : { ...s.cost, tokensGenerated: usage.completionTokens };
    void s.ctx.limiter.settle(s.key, s.policy, s.cost, settled, Date.now(), s.admittedLocally).catch(() => undefined);
    throw meterUnavailable(s.requestId);
  } finally {
    if (releaseNow) s.spend.release(costMicros);
  }
  const actual: Cost = { requests: s.cost.requests, tokensPrompt: s.cost.tokensPrompt, tokensGenerated: usage.completionTokens };
  // Not awaited: the response need not wait for it. The settle is issued before the response is
  // written, and a store applies commands in the order issued (Redis: one connection, FIFO), so
  // the client's next request is admitted against the settled bucket all the same.
  void s.ctx.limiter
    .settle(s.key, s.policy, s.cost, actual, Date.now(), s.admittedLocally)
    .catch((err) => log.warn("rate-limit settle failed", { error: String(err) }));
  return costMicros;
}

async function collectResponse(s: Serving): Promise<unknown> {
  let completion: Completion;
  try {
    completion = await defaultBackend().complete(s.generation);
  } catch (err) {
    s.release();
    await refundAll(s.ctx, s.spend, s.key, s.policy, s.cost, s.admittedLocally);
    throw err;
  }
  const usage = completion.upstreamUsage ?? { promptTokens: s.promptTokens, completionTokens: completion.completionTokens };
  // A client that left mid-answer is charged what was generated until then (its answer goes nowhere).
  // Only a client still waiting may have its record withdrawn when the database is too slow: it is
  // told so (503, not charged). One that left hears nothing, yet its tokens were generated (SPEC §7):
  // like a stream the client received, its record stays queued — its spend reservation held — until
  // the database answers. (The backend's report decides: reading the request's abort signal here
  // would cost every fast answer an AbortController. A client that leaves during the meter's wait
  // left because of the stall, and is not charged, as when it stays for its 503.)
  await finish(s, usage, { streamed: false, abandoned: completion.abandoned }, meterWait(!completion.abandoned));
  return completionObject(
    s.kind,
    s.requestId,
    s.model.name,
    Math.floor(s.started / 1000),
    completion.choices,
    usageOf(usage.promptTokens, usage.completionTokens),
  );
}

async function* streamResponse(
  s: Serving,
  events: AsyncGenerator<GenerationEvent>,
  includeUsage: boolean,
): AsyncGenerator<string, void, undefined> {
  const created = Math.floor(s.started / 1000);
  let completionTokens = 0;
  let upstreamUsage: { promptTokens: number; completionTokens: number } | null = null;
  // Set once the usage is queued for good (a delivered stream's record is never withdrawn).
  let recorded = false;
  const started = new Set<number>();
  const chunk = (index: number, delta: { role?: "assistant"; content?: string }, finish: "stop" | "length" | null) =>
    sse(chunkObject(s.kind, s.requestId, s.model.name, created, index, delta, finish, includeUsage));
  try {
    try {
      for await (const e of events) {
        if (e.type === "delta") {
          const tokens = e.tokens || countTokens(e.text);
          completionTokens += tokens;
          // The capacity gate (SPEC §6) sees a long stream's work as it happens, not when it ends:
          // its prompt with the first token, then each token.
          const load = s.loadCounted === 0 ? s.promptTokens + tokens : tokens;
          s.ctx.load.add(s.model.id, load);
          s.loadCounted += load;
          if (s.kind === "chat" && !started.has(e.index)) {
            started.add(e.index);
            yield chunk(e.index, { role: "assistant", content: "" }, null);
          }
          yield chunk(e.index, { content: e.text }, null);
        } else if (e.type === "finish") {
          yield chunk(e.index, {}, e.reason);
        } else {
          upstreamUsage = { promptTokens: e.promptTokens, completionTokens: e.completionTokens };
        }
      }
    } catch (err) {
      // The answer failed midway (an upstream's error event, or its stream cut short): end with an
      // error event, never [DONE] — the client must not take a partial answer as complete. What was
      // generated is charged below (finally), as for an abandoned stream.
      if (s.generation.signal.aborted) return;
      const appError = toAppError(err);
      if (appError !== err) log.error("stream failed", { requestId: s.requestId, error: errorSummary(err) });
      yield sse(appError.body(s.requestId));
      return;
    }
    // The simulated model stops quietly when the client hangs up: that stream was abandoned, not
    // finished — charged below (finally) for what was generated, and recorded as abandoned.
    if (s.generation.signal.aborted) return;
    const usage = upstreamUsage ?? { promptTokens: s.promptTokens, completionTokens };
    // Durable before the client sees the end of the stream.
    recorded = true;
    try {
      await finish(s, usage, { streamed: true, abandoned: false }, meterWait(false));
    } catch (err) {
      // The database is not answering: end the stream with an error event (OpenAI's shape, which
      // the SDKs raise), not with [DONE] — the client must not take it as complete.
      if (err instanceof AppError) {
        yield sse(err.body(s.requestId));
        return;
      }
      throw err;
    }
    if (includeUsage)
      yield sse(usageChunk(s.kind, s.requestId, s.model.name, created, usageOf(usage.promptTokens, usage.completionTokens)));
    yield SSE_DONE;
  } finally {
    if (!recorded) {
      // The client went away (or the upstream failed): charge what was generated.
      await finish(s, upstreamUsage ?? { promptTokens: s.promptTokens, completionTokens }, { streamed: true, abandoned: true }).catch(
        (err) => log.error("metering an abandoned stream failed", { requestId: s.requestId, error: String(err) }),
      );
    }
  }
}
