// The REST API client (SPEC §13): JSON over HTTP with `Authorization: Bearer <key>`. Turns every
// failure into one of three things: an ApiError (the server said no, §7 body), an
// UnreachableError (no answer: refused, DNS, timeout) or a CliError (an answer that is not JSON).
import { ApiError, CliError, UnreachableError } from "./errors";

export interface ClientOptions {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  userAgent: string;
}

type Query = Record<string, string | undefined>;

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ENOTFOUND: "host not found (DNS)",
  EAI_AGAIN: "DNS lookup failed",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "connection timed out",
  UND_ERR_CONNECT_TIMEOUT: "connection timed out",
  UND_ERR_SOCKET: "connection closed",
  EPIPE: "connection closed",
  CERT_HAS_EXPIRED: "TLS certificate expired",
  DEPTH_ZERO_SELF_SIGNED_CERT: "self-signed TLS certificate",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "TLS certificate not trusted",
};

/** The errno-style code of a fetch failure (undici nests it in `cause`, sometimes in an AggregateError). */
function networkCode(err: unknown): string | null {
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current && typeof current === "object"; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    const errors = (current as { errors?: unknown }).errors;
    current = Array.isArray(errors) && errors.length > 0 ? errors[0] : (current as { cause?: unknown }).cause;
  }
  return null;
}

export function unreachable(err: unknown, baseUrl: string, timeoutMs: number): UnreachableError {
  const name = err instanceof Error ? err.name : "";
  const code = networkCode(err);
  const why =
    name === "TimeoutError" || name === "AbortError"
      ? `no answer within ${timeoutMs / 1000}s`
      : code
        ? `${NETWORK_CODES[code] ?? "network error"}, ${code}`
        : err instanceof Error
          ? (err.cause instanceof Error ? err.cause.message : err.message) || "network error"
          : "network error";
  return new UnreachableError(`cannot reach Headroom at ${baseUrl} (${why}); is the server running? Set --base-url or HEADROOM_BASE_URL`);
}

interface ErrorShape {
  error: { message: string; type?: string; code?: string; param?: string; request_id?: string };
}

function isErrorShape(body: unknown): body is ErrorShape {
  const error = (body as { error?: unknown } | null)?.error;
  return typeof error === "object" && error !== null && typeof (error as { message?: unknown }).message === "string";
}

export class ApiClient {
  constructor(private readonly opts: ClientOptions) {}

  get baseUrl(): string {
    return this.opts.baseUrl;
  }

  get<T>(path: string, query: Query = {}): Promise<T> {
    return this.request<T>("GET", path, { query });
  }

  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.request<T>("POST", path, { body });
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>("PATCH", path, { body });
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>("DELETE", path);
  }

  async request<T>(method: string, path: string, opts: { query?: Query; body?: unknown } = {}): Promise<T> {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) search.set(k, v);
    const query = search.toString();
    const url = `${this.opts.baseUrl}${path}${query ? `?${query}` : ""}`;
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.opts.apiKey}`,
      accept: "application/json",
      "user-agent": this.opts.userAgent,
    };
    if (opts.body !== undefined) headers["content-type"] = "application/json";
    let status: number;
    let requestIdHeader: string | null;
    let text: string;
    try {
      const res = await fetch(url, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
      status = res.status;
      requestIdHeader = res.headers.get("x-request-id");
      text = await res.text();
    } catch (err) {
      throw unreachable(err, this.opts.baseUrl, this.opts.timeoutMs);
    }
    let body: unknown;
    try {
      body = text === "" ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (status >= 200 && status < 300) {
      if (body === undefined)
        throw new CliError(`${method} ${path}: ${this.opts.baseUrl} answered HTTP ${status} without JSON; is it a Headroom server?`);
      return body as T;
    }
    if (isErrorShape(body)) {
      const requestId = body.error.request_id ?? requestIdHeader;
      throw new ApiError(body.error.message, status, body.error.code ?? null, requestId, body);
    }
    // Not the §7 shape: a proxy, another server, or a Headroom without this endpoint (Next's HTML 404).
    const message =
      status === 404 || status === 405
        ? `${this.opts.baseUrl} has no ${method} ${path} (HTTP ${status}): is it an older Headroom, or not Headroom at all?`
        : `${method} ${path} answered HTTP ${status} without an error body`;
    throw new ApiError(message, status, null, requestIdHeader, body ?? text);
  }
}
