// GET /api/v1/usage query: ?since=15m|1h|24h|7d|<n>m|<n>h|<n>d&granularity=minute|hour|day&model=…
import { z } from "zod";

const DURATION = /^(\d{1,4})([mhd])$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export const usageQuerySchema = z
  .object({
    since: z
      .string()
      .default("1h")
      .refine((v) => DURATION.test(v), { message: 'must be a duration like "15m", "1h", "24h" or "7d"' })
      .transform((v) => {
        const [, n, unit] = DURATION.exec(v)!;
        return Number(n) * UNIT_MS[unit as keyof typeof UNIT_MS];
      })
      .refine((ms) => ms >= 60_000 && ms <= 31 * 86_400_000, { message: "must be between 1m and 31d" }),
    granularity: z.enum(["minute", "hour", "day"], { error: "must be minute, hour or day" }).optional(),
    model: z.string().min(1).max(256).optional(),
  })
  .transform((q) => ({
    ...q,
    granularity: q.granularity ?? (q.since <= 6 * 3_600_000 ? "minute" : q.since <= 8 * 86_400_000 ? "hour" : "day"),
  }))
  .refine((q) => q.since / { minute: 60_000, hour: 3_600_000, day: 86_400_000 }[q.granularity] <= 2_000, {
    message: "too many points: use a coarser granularity",
    path: ["granularity"],
  });

export type UsageQuery = z.infer<typeof usageQuerySchema>;
