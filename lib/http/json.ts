// JSON in and out at the HTTP edge: size-limited, zod-validated bodies; errors in the §7 shape.
import { z } from "zod";
import { AppError, badRequest, toAppError } from "./errors";
import { log } from "../log";

/** Request bodies above this are refused with 413 before parsing (documented in the README). */
export const MAX_JSON_BODY_BYTES = 256 * 1024;

export function json(data: unknown, status = 200, headers: Record<string, string> = {}): Response {
  const body = JSON.stringify(data, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
  return new Response(body, { status, headers: { "content-type": "application/json", ...headers } });
}

export function errorResponse(err: unknown, requestId: string, headers: Record<string, string> = {}): Response {
  const appError = toAppError(err);
  if (appError !== err) {
    log.error("request failed", {
      requestId,
      error: err instanceof Error ? err.message : String(err),
      stack: err instanceof Error ? err.stack : undefined,
    });
  }
  return json(appError.body(requestId), appError.status, { ...headers, ...appError.extra.headers, "x-request-id": requestId });
}

/**
 * Read and validate a JSON body. The first problem is named in the message ("value: …") and is the
 * error's `param`. No body or an empty one, whatever its Content-Type, reads as `{}`: the first
 * required field is named, or, where every field is optional, the schema's defaults apply. A body
 * with anything in it must be JSON (415 otherwise) and valid JSON (400).
 */
export async function readJson<S extends z.ZodType>(req: Request, schema: S): Promise<z.infer<S>> {
  const text = await readBody(req);
  if (text.trim() === "") return parseWith(schema, {});
  assertJsonType(req);
  return parseJsonText(text, schema);
}

/** The body of a request that takes none: nothing, or `{}`; a field in it is refused, named. */
export const noBody = z.strictObject({});

function assertJsonType(req: Request): void {
  const type = req.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw new AppError("unsupported_media_type", "Send the body as JSON with `Content-Type: application/json`.");
  }
}

async function readBody(req: Request): Promise<string> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_JSON_BODY_BYTES) throw tooLarge();
  return readLimited(req);
}

function parseJsonText<S extends z.ZodType>(text: string, schema: S): z.infer<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw badRequest("The request body is not valid JSON.");
  }
  return parseWith(schema, sanitizeJson(raw));
}

const PROTOTYPE_KEYS = new Set(["__proto__", "constructor", "prototype"]);
/** A high surrogate not followed by a low one, or a low one not preceded by a high one (UTF-16 code units). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Untrusted JSON made safe to hand to schemas and the database: strings with NUL characters or a
 * lone UTF-16 surrogate are refused naming the field (PostgreSQL text cannot store U+0000 and jsonb
 * refuses a lone surrogate: either would be a 500, e.g. in an audit entry's detail), and the keys
 * `__proto__`, `constructor`, `prototype` are dropped so no later spread or merge can reach a
 * prototype. Iterative, so deeply nested input cannot overflow the stack.
 */
export function sanitizeJson(value: unknown): unknown {
  const stack: { v: unknown; path: string }[] = [{ v: value, path: "" }];
  while (stack.length > 0) {
    const { v, path } = stack.pop()!;
    if (typeof v === "string") {
      if (v.includes("\u0000")) throw badRequest(`${path || "body"}: must not contain NUL (\\u0000) characters`, path || undefined);
      if (LONE_SURROGATE.test(v))
        throw badRequest(`${path || "body"}: must be valid Unicode (a lone surrogate was sent)`, path || undefined);
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push({ v: item, path: path ? `${path}.${i}` : String(i) }));
    } else if (v !== null && typeof v === "object") {
      const obj = v as Record<string, unknown>;
      for (const key of Object.keys(obj)) {
        if (PROTOTYPE_KEYS.has(key)) {
          delete obj[key];
          continue;
        }
        const at = path ? `${path}.${key}` : key;
        if (key.includes("\u0000") || LONE_SURROGATE.test(key))
          throw badRequest(`${at}: field names must not contain NUL characters or lone surrogates`);
        stack.push({ v: obj[key], path: at });
      }
    }
  }
  return value;
}

/** Zod's own words for a field the schema does not have ("Unrecognized key: …"), in the API's. */
const unknownField: z.core.$ZodErrorMap = (issue) => (issue.code === "unrecognized_keys" ? "not a field of this request" : undefined);

/**
 * Validate with a schema; the first problem is named ("value: …") and is the error's `param` — an
 * unknown field (a strict object's) too. `at` names a value parsed on its own, e.g. a query
 * parameter: parseWith(schema, raw, "status").
 */
export function parseWith<S extends z.ZodType>(schema: S, raw: unknown, at?: string): z.infer<S> {
  const parsed = schema.safeParse(raw, { error: unknownField });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.code === "unrecognized_keys" ? issue.keys.slice(0, 1) : [];
  const param = [...(at ? [at] : []), ...issue.path.map(String), ...field].join(".");
  throw badRequest(param ? `${param}: ${issue.message}` : issue.message, param || undefined);
}

function tooLarge(): AppError {
  return new AppError("payload_too_large", `The request body is larger than ${MAX_JSON_BODY_BYTES} bytes.`);
}

async function readLimited(req: Request): Promise<string> {
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_JSON_BODY_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
