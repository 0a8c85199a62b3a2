// Stripe's error model: `{ error: { type, code, message, param, … } }` with its HTTP statuses.
// Handlers throw `StripeApiError`; the API pipeline turns it into the response.

export type StripeErrorType = "api_error" | "card_error" | "idempotency_error" | "invalid_request_error";

export interface StripeErrorBody {
  type: StripeErrorType;
  message: string;
  code?: string;
  decline_code?: string;
  param?: string;
  doc_url?: string;
  charge?: string;
  payment_intent?: unknown;
  payment_method?: unknown;
  setup_intent?: unknown;
  request_log_url?: string;
}

export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
  ) {
    super(body.message);
    this.name = "StripeApiError";
  }
}

function docUrl(code: string): string {
  return `https://docs.stripe.com/error-codes/${code.replaceAll("_", "-")}`;
}

export function invalidRequest(message: string, opts: { param?: string; code?: string; status?: number } = {}): StripeApiError {
  return new StripeApiError(opts.status ?? 400, {
    type: "invalid_request_error",
    message,
    ...(opts.code ? { code: opts.code, doc_url: docUrl(opts.code) } : {}),
    ...(opts.param ? { param: opts.param } : {}),
  });
}

export function missingParam(param: string): StripeApiError {
  return invalidRequest(`Missing required param: ${param}.`, { param, code: "parameter_missing" });
}

export function emptyParam(param: string): StripeApiError {
  return invalidRequest(
    `You passed an empty string for '${param}'. We assume empty values are an attempt to unset a parameter; however '${param}' cannot be unset. You should remove '${param}' from your request or supply a non-empty value.`,
    { param, code: "parameter_invalid_empty" },
  );
}

/**
 * "No such customer: 'cus_x'". Stripe answers 404 when the id is in the URL and 400 when a
 * body parameter references a missing object; both carry code `resource_missing`.
 */
export function noSuch(resource: string, id: string, param = "id"): StripeApiError {
  return invalidRequest(`No such ${resource}: '${id}'`, {
    param,
    code: "resource_missing",
    status: param === "id" ? 404 : 400,
  });
}

export function unrecognizedUrl(method: string, path: string): StripeApiError {
  return invalidRequest(
    `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
    { status: 404 },
  );
}

export function authenticationError(message: string): StripeApiError {
  return new StripeApiError(401, { type: "invalid_request_error", message });
}

export interface CardDecline {
  /** `card_declined`, `expired_card`, `incorrect_cvc`, `processing_error`, … */
  code: string;
  /** Only for `card_declined`: `generic_decline`, `insufficient_funds`, `lost_card`, … */
  declineCode?: string;
  message: string;
}

export function cardError(
  decline: CardDecline,
  extra: Pick<StripeErrorBody, "charge" | "payment_intent" | "payment_method" | "setup_intent" | "param"> = {},
): StripeApiError {
  return new StripeApiError(402, {
    type: "card_error",
    code: decline.code,
    ...(decline.declineCode ? { decline_code: decline.declineCode } : {}),
    doc_url: docUrl(decline.code),
    message: decline.message,
    ...extra,
  });
}

export function internalError(): StripeApiError {
  return new StripeApiError(500, {
    type: "api_error",
    message: "An unknown error occurred in the Stripe emulator; see its log.",
  });
}
