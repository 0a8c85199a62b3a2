// What the gateway pipeline takes and gives, independent of Node's http and of Web Requests, so the
// fast path (server.ts) and the app/v1 route handlers run the very same code.
export interface GatewayRequest {
  method: string;
  path: string;
  authorization: string | null;
  contentType: string | null;
  /** Reads the body, refusing more than `limit` bytes (throws AppError payload_too_large). */
  readBody: (limit: number) => Promise<string>;
  /** Aborts when the client goes away. May be a getter that creates it on first read. */
  readonly signal: AbortSignal;
}

export interface GatewayResult {
  status: number;
  headers: Record<string, string>;
  body?: string;
  /** SSE: chunks written as they come; metering happens inside before the final chunk. */
  stream?: AsyncGenerator<string, void, undefined>;
}
