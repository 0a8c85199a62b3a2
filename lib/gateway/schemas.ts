// OpenAI request bodies for /v1/chat/completions and /v1/completions (the subset Headroom honours,
// unknown fields passed through to an upstream). Messages name the field that is wrong (SPEC §7).
// Optional fields accept null as "not set", as OpenAI's do (clients serialise unset options so).
import { z } from "zod";

const contentPart = z
  .object(
    {
      type: z.string({ error: "must be a string naming the part's type (text, image_url, …)" }),
      text: z.string({ error: "must be a string" }).optional(),
    },
    { error: "must be a content part: an object with a type" },
  )
  .loose();

/** Roles whose messages are nothing without content (an assistant's may hold only tool calls). */
const CONTENT_REQUIRED = new Set(["system", "developer", "user", "tool"]);

export const chatMessageSchema = z
  .object(
    {
      role: z.enum(["system", "developer", "user", "assistant", "tool", "function"], {
        error: "must be one of system, developer, user, assistant, tool",
      }),
      content: z.union([z.string(), z.array(contentPart), z.null()], { error: "must be a string or an array of content parts" }).optional(),
      name: z.string({ error: "must be a string" }).max(256, "must be at most 256 characters").nullish(),
    },
    { error: "must be a message object with a role and content" },
  )
  .loose()
  .superRefine((m, ctx) => {
    if (CONTENT_REQUIRED.has(m.role) && (m.content === undefined || m.content === null))
      ctx.addIssue({ code: "custom", path: ["content"], message: `is required in a ${m.role} message` });
  });

const common = {
  model: z.string({ error: "is required and must be a string" }).min(1, "must not be empty").max(256),
  n: z
    .number({ error: "must be an integer ≥ 1" })
    .int("must be an integer")
    .min(1, "must be at least 1")
    .max(128, "must be at most 128")
    .nullish(),
  stream: z.boolean({ error: "must be a boolean" }).nullish(),
  stream_options: z
    .object({ include_usage: z.boolean({ error: "must be a boolean" }).optional() })
    .loose()
    .nullable()
    .optional(),
  max_tokens: z
    .number({ error: "must be an integer" })
    .int("must be an integer")
    .min(1, "must be at least 1")
    .max(1_000_000, "must be at most 1000000")
    .nullable()
    .optional(),
  temperature: z
    .number({ error: "must be a number" })
    .min(0, "must be between 0 and 2")
    .max(2, "must be between 0 and 2")
    .nullable()
    .optional(),
  top_p: z.number({ error: "must be a number" }).min(0, "must be between 0 and 1").max(1, "must be between 0 and 1").nullable().optional(),
  stop: z
    .union([z.string(), z.array(z.string({ error: "must be strings" })).max(4, "at most 4 stop sequences")], {
      error: "must be a string or an array of at most 4 strings",
    })
    .nullable()
    .optional(),
  user: z.string({ error: "must be a string" }).max(256, "must be at most 256 characters").nullish(),
  seed: z.number().int().nullable().optional(),
};

/** Log probabilities are not returned (by the simulated model, nor passed on from an upstream): asked for, refused. */
const NO_LOGPROBS = "is not supported: Headroom does not return log probabilities";

export const chatCompletionSchema = z
  .object({
    ...common,
    logprobs: z.literal(false, { error: NO_LOGPROBS }).nullish(),
    top_logprobs: z.literal(0, { error: NO_LOGPROBS }).nullish(),
    messages: z
      .array(chatMessageSchema, { error: "is required and must be an array of messages" })
      .min(1, "must contain at least one message")
      .max(10_000),
    max_completion_tokens: z
      .number({ error: "must be an integer" })
      .int("must be an integer")
      .min(1, "must be at least 1")
      .max(1_000_000, "must be at most 1000000")
      .nullable()
      .optional(),
  })
  .loose();

/** A token id of the o200k_base vocabulary. */
const tokenId = z
  .number({ error: "must be a token id (0…199999)" })
  .int("must be a token id (0…199999)")
  .min(0, "must be a token id (0…199999)")
  .max(199_999, "must be a token id (0…199999)");
/** Prompts in one request: each gets `n` choices (OpenAI's legacy batching). */
export const MAX_PROMPTS = 128;

export const completionSchema = z
  .object({
    ...common,
    prompt: z.union(
      [
        z.string(),
        z.array(z.string()).min(1).max(MAX_PROMPTS),
        z.array(tokenId).min(1),
        z.array(z.array(tokenId).min(1)).min(1).max(MAX_PROMPTS),
      ],
      {
        error: `is required: a string, an array of up to ${MAX_PROMPTS} strings, an array of token ids (0…199999), or an array of such arrays`,
      },
    ),
    logprobs: z.literal(0, { error: NO_LOGPROBS }).nullish(),
    best_of: z
      .number({ error: "must be an integer" })
      .int("must be an integer")
      .min(1, "must be at least 1")
      .max(1, "above 1 is not supported: ask for n choices instead")
      .nullish(),
  })
  .loose();

export type ChatCompletionRequest = z.infer<typeof chatCompletionSchema>;
export type CompletionRequest = z.infer<typeof completionSchema>;
export type InferenceKind = "chat" | "completion";

// ——— The common request, accepted without zod ———
//
// Nearly every chat request is plain: a model, messages whose content is a string, and a few numbers.
// Zod's object parsing (a copy of every object, passthrough of unknown fields, the message refinement)
// was ~8 % of the gateway's CPU per request and most of what a request still held when the young
// generation was collected. `plainChatRequest` says yes to a body only where every field it knows
// holds a value the schema accepts unchanged; anything else (a wrong value, content parts, a field it
// has no check for) is left to the schema, which names the problem. tests/unit/gateway/plain-request
// checks, over generated bodies, that whatever it accepts the schema accepts and returns equal.

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const intIn = (v: unknown, min: number, max: number) => Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max;
const numberIn = (v: unknown, min: number, max: number) => typeof v === "number" && v >= min && v <= max;
const stringUpTo = (v: unknown, max: number) => typeof v === "string" && v.length <= max;
const MESSAGE_ROLES = new Set(["system", "developer", "user", "assistant", "tool", "function"]);

function plainMessage(m: unknown): boolean {
  if (!isPlainObject(m)) return false;
  for (const key in m) {
    const v = m[key];
    switch (key) {
      case "__proto__": // an own key from JSON.parse: copying it would set a prototype — the schema decides
        return false;
      case "role":
        if (typeof v !== "string" || !MESSAGE_ROLES.has(v)) return false;
        break;
      case "content":
        if (typeof v !== "string") return false;
        break;
      case "name":
        if (v !== null && !stringUpTo(v, 256)) return false;
        break;
      // Any other field passes through (the schema is loose), as it would through the schema.
    }
  }
  return typeof m.role === "string" && typeof m.content === "string";
}

/** The checks of the chat schema's own fields: a field named here but failing its check goes to the schema. */
const PLAIN_CHAT_FIELDS = new Map<string, (v: unknown) => boolean>(
  Object.entries({
    model: (v) => typeof v === "string" && v.length >= 1 && v.length <= 256,
    messages: (v) => Array.isArray(v) && v.length >= 1 && v.length <= 10_000 && v.every(plainMessage),
    n: (v) => v === null || intIn(v, 1, 128),
    stream: (v) => v === null || typeof v === "boolean",
    stream_options: (v) =>
      v === null ||
      (isPlainObject(v) && !Object.hasOwn(v, "__proto__") && (!("include_usage" in v) || typeof v.include_usage === "boolean")),
    max_tokens: (v) => v === null || intIn(v, 1, 1_000_000),
    max_completion_tokens: (v) => v === null || intIn(v, 1, 1_000_000),
    temperature: (v) => v === null || numberIn(v, 0, 2),
    top_p: (v) => v === null || numberIn(v, 0, 1),
    user: (v) => v === null || stringUpTo(v, 256),
    seed: (v) => v === null || Number.isSafeInteger(v),
    logprobs: (v) => v === null || v === false,
    top_logprobs: (v) => v === null || v === 0,
    stop: (v) => v === null || typeof v === "string" || (Array.isArray(v) && v.length <= 4 && v.every((s) => typeof s === "string")),
  } satisfies Record<string, (v: unknown) => boolean>),
);
const CHAT_FIELDS = new Set(Object.keys(chatCompletionSchema.shape));

/** `raw` as a chat request if it is a plain one the schema accepts as it is; null means "ask the schema". */
export function plainChatRequest(raw: Record<string, unknown>): ChatCompletionRequest | null {
  for (const key in raw) {
    const check = PLAIN_CHAT_FIELDS.get(key);
    if (check ? !check(raw[key]) : CHAT_FIELDS.has(key) || key === "__proto__") return null;
  }
  return "model" in raw && "messages" in raw ? (raw as ChatCompletionRequest) : null;
}
