// Environment, validated once at start (zod). Every setting Headroom reads is here; `.env.example`
// documents them in REQUIRED / OPTIONAL sections.
import { z } from "zod";

const optionalUrl = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .pipe(z.string().url().optional())
  .optional();

/** An optional secret/key: a blank value (KEY= in a .env) counts as unset. */
const optionalText = (check: z.ZodString) =>
  z
    .string()
    .trim()
    .transform((v) => (v === "" ? undefined : v))
    .pipe(check.optional())
    .optional();

const DEFAULT_SMTP_FROM = "Headroom <no-reply@headroom.local>";

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: optionalUrl,
  HEADROOM_DATA_DIR: z.string().default(".headroom"),
  REDIS_URL: optionalUrl,
  NEXTAUTH_URL: optionalUrl,
  NEXTAUTH_SECRET: z.string().min(16).optional(),
  // Secret or restricted key; unset = the local Stripe emulator (SPEC §11).
  STRIPE_SECRET_KEY: optionalText(z.string().regex(/^(sk|rk)_/, "must be a Stripe secret key (sk_…) or restricted key (rk_…)")),
  STRIPE_WEBHOOK_SECRET: optionalText(z.string().startsWith("whsec_")),
  HEADROOM_STRIPE_EMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(12111),
  /** How browsers reach the emulator's hosted pages when not on this machine (e.g. http://demo.example:12111). */
  HEADROOM_STRIPE_EMULATOR_PUBLIC_URL: optionalUrl,
  HEADROOM_DEMO_PASSWORD: z.string().min(8).default("headroom-demo"),
  HEADROOM_DEMO_API_KEY: z.string().min(20).optional(),
  HEADROOM_SIM_TOKENS_PER_SECOND: z.coerce.number().min(0).optional(),
  HEADROOM_SIM_FIRST_TOKEN_MS: z.coerce.number().min(0).optional(),
  UPSTREAM_BASE_URL: optionalUrl,
  UPSTREAM_API_KEY: z.string().optional(),
  /** The field a chat request's completion cap is sent in when the client named none (OpenAI's reasoning models take only max_completion_tokens). */
  UPSTREAM_MAX_TOKENS_FIELD: z.enum(["max_tokens", "max_completion_tokens"]).default("max_tokens"),
  SMTP_URL: optionalUrl.refine((v) => v === undefined || /^smtps?:\/\//.test(v), "must be an smtp:// or smtps:// URL"),
  /** The From of notification e-mails. */
  SMTP_FROM: z
    .string()
    .trim()
    .transform((v) => v || DEFAULT_SMTP_FROM)
    .default(DEFAULT_SMTP_FROM),
  GITHUB_ID: z.string().optional(),
  GITHUB_SECRET: z.string().optional(),
  /** When set, GET /api/metrics requires `Authorization: Bearer <this>` (a Prometheus scrape's bearer token). */
  HEADROOM_METRICS_TOKEN: optionalText(z.string().min(16, "must be at least 16 characters")),
  /** Longest a finished /v1 response waits for its usage to be committed before answering 503 (database down). */
  HEADROOM_METER_WAIT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  /**
   * Longest a shutdown (SIGTERM) waits for in-flight requests before cutting them (lib/runtime/
   * http-drain.ts). 25 s, plus up to 2 s for cut requests to record their usage, fits in
   * Kubernetes' default 30 s grace period with time left to flush the meter.
   */
  HEADROOM_DRAIN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(25_000),
  /**
   * While Redis (REDIS_URL) is unreachable: `refuse` answers /v1 calls 503 service_unavailable
   * (SPEC §7); `local` keeps serving under per-instance limits until it answers again.
   */
  HEADROOM_REDIS_DOWN: z.enum(["refuse", "local"]).default("refuse"),
  HEADROOM_LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  /** Proxies of yours in front of Headroom whose X-Forwarded-For entries are trusted (lib/http/client-ip.ts). */
  HEADROOM_TRUSTED_PROXIES: z.coerce.number().int().min(0).max(10).default(0),
  /** Accounts one IP address may create per hour through POST /api/auth/signup. */
  HEADROOM_SIGNUPS_PER_IP_PER_HOUR: z.coerce.number().int().min(1).max(100_000).default(5),
});

export type Env = z.infer<typeof schema>;

let cached: Env | undefined;

/** The validated environment. Throws one readable error listing every bad variable. */
export function env(): Env {
  if (cached) return cached;
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  cached = parsed.data;
  return cached;
}

/** Forget the cached env (tests and the start script change process.env). */
export function resetEnv(): void {
  cached = undefined;
}
