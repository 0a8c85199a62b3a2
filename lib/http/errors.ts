// Typed errors and the one table that maps them to HTTP status and the OpenAI-style body (SPEC §7).
export const ERRORS = {
  invalid_request_error: { status: 400, type: "invalid_request_error" },
  invalid_api_key: { status: 401, type: "invalid_request_error" },
  sign_in_required: { status: 401, type: "invalid_request_error" },
  account_suspended: { status: 402, type: "account_suspended" },
  forbidden: { status: 403, type: "permission_error" },
  not_found: { status: 404, type: "invalid_request_error" },
  model_not_found: { status: 404, type: "invalid_request_error" },
  method_not_allowed: { status: 405, type: "invalid_request_error" },
  conflict: { status: 409, type: "invalid_request_error" },
  payload_too_large: { status: 413, type: "invalid_request_error" },
  unsupported_media_type: { status: 415, type: "invalid_request_error" },
  quota_exceeded: { status: 422, type: "quota_error" },
  rate_limit_exceeded: { status: 429, type: "rate_limit_error" },
  too_many_attempts: { status: 429, type: "rate_limit_error" },
  internal_error: { status: 500, type: "server_error" },
  overloaded: { status: 503, type: "overloaded" },
  service_unavailable: { status: 503, type: "service_unavailable" },
} as const;

export type ErrorCode = keyof typeof ERRORS;

export interface ErrorBody {
  error: { message: string; type: string; code: string; param?: string; request_id?: string };
}

export class AppError extends Error {
  readonly status: number;
  readonly type: string;
  /** The `code` in the body; for 402 it is the suspension reason (SPEC §7). */
  readonly bodyCode: string;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { param?: string; bodyCode?: string; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = "AppError";
    this.status = ERRORS[code].status;
    this.type = ERRORS[code].type;
    this.bodyCode = extra.bodyCode ?? code;
  }

  body(requestId?: string): ErrorBody {
    return {
      error: {
        message: this.message,
        type: this.type,
        code: this.bodyCode,
        ...(this.extra.param ? { param: this.extra.param } : {}),
        ...(requestId ? { request_id: requestId } : {}),
      },
    };
  }
}

export const badRequest = (message: string, param?: string) => new AppError("invalid_request_error", message, { param });

/** Prisma/pg/PGlite errors that mean "the database is not answering" rather than a bug. */
export function isUnavailableError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  // A raw query's failure (Prisma P2010) carries PostgreSQL's own code underneath.
  const meta = (err as { meta?: { driverAdapterError?: { cause?: { code?: unknown } } } }).meta;
  const code = meta?.driverAdapterError?.cause?.code ?? (err as { code?: unknown }).code;
  if (
    typeof code === "string" &&
    // Unreachable or restarting servers; a lock or statement waited out (55P03, 57014); Prisma's
    // unreachable, closed, pool and transaction timeouts (P1001, P1008, P1017, P2024, P2028).
    [
      "ECONNREFUSED",
      "ECONNRESET",
      "ETIMEDOUT",
      "EPIPE",
      "57P01",
      "57P03",
      "55P03",
      "57014",
      "P1001",
      "P1008",
      "P1017",
      "P2024",
      "P2028",
    ].includes(code)
  ) {
    return true;
  }
  // pg's own timeouts (a connection not had in time, an answer not read in time) are bare Errors.
  return /ECONNREFUSED|Connection terminated|Can't reach database|connection.*closed|terminating connection|the database system is (starting|shutting) down|Query read timeout|timeout exceeded when trying to connect/i.test(
    err.message,
  );
}

/** Any thrown value → an AppError safe to show (no internals, no stack). */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (isUnavailableError(err)) {
    return new AppError("service_unavailable", "The service is temporarily unavailable; retry shortly.");
  }
  return new AppError("internal_error", "Internal error; the request id identifies it in the server log.");
}
