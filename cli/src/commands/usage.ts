// Usage and limits (SPEC §6, §13): `headroom usage [--since 1h] [--model m]` — totals per model
// plus a per-bucket sparkline of requests — and `headroom rate-limits` — the dynamic limits now.
import type { Command } from "commander";
import type { RateLimitView } from "../../../lib/usage/get-rate-limits";
import { usageQuerySchema } from "../../../lib/usage/schemas";
import type { UsagePoint, UsageSeries } from "../../../lib/usage/usage-series";
import { contextOf } from "../context";
import { count, money, NONE, sparkline, sumUsd, when } from "../format";
import { parseFlags, withExamples } from "../help";
import { table } from "../table";

/** What a row of the totals table adds up: the counts and cost of the API's points. */
type Counts = Pick<UsagePoint, "requests" | "tokensPrompt" | "tokensGenerated" | "costUsd" | "overLimit" | "rejected429" | "rejected402">;

interface ModelTotals extends Counts, Pick<UsagePoint, "limitRequests"> {
  model: string;
  spark: string;
  peak: number;
}

/** Counts and cost summed over points — or over rows of totals, for the TOTAL row. */
function sumOf(points: readonly Counts[]): Counts {
  const sum = (f: (x: Counts) => number) => points.reduce((t, x) => t + f(x), 0);
  return {
    requests: sum((x) => x.requests),
    tokensPrompt: sum((x) => x.tokensPrompt),
    tokensGenerated: sum((x) => x.tokensGenerated),
    costUsd: sumUsd(points.map((x) => x.costUsd)),
    overLimit: sum((x) => x.overLimit),
    rejected429: sum((x) => x.rejected429),
    rejected402: sum((x) => x.rejected402),
  };
}

function totalsOf(series: UsageSeries["series"][number]): ModelTotals {
  const p = series.points;
  const requests = p.map((x) => x.requests);
  return {
    model: series.model,
    ...sumOf(p),
    limitRequests: [...p].reverse().find((x) => x.limitRequests !== null)?.limitRequests ?? null,
    spark: sparkline(requests),
    peak: Math.max(0, ...requests),
  };
}

export function registerUsage(program: Command): void {
  withExamples(
    program
      .command("usage")
      .option("--since <duration>", 'how far back: "15m", "1h", "24h", "7d" … up to 31d', "1h")
      .option("--model <name>", "only this model")
      .option("--granularity <unit>", "bucket size: minute, hour or day (default: by --since)")
      .description(
        "Show usage per model over a time window, with a sparkline of requests.\n" +
          "Totals per model (every model you may call, used or not): requests, tokens, cost, over-limit and rejected\n" +
          "(429/402) counts, the RPM limit last in force.",
      )
      .action(async (opts: { since: string; model?: string; granularity?: string }, cmd: Command) => {
        const ctx = contextOf(cmd);
        const query = { since: opts.since, model: opts.model, granularity: opts.granularity };
        parseFlags(usageQuerySchema, query, { since: "--since", model: "--model", granularity: "--granularity" });
        const body = await ctx.client().get<UsageSeries>("/api/v1/usage", query);
        if (ctx.output === "json") return ctx.json(body);
        const window = `${when(body.since)} – ${when(body.until)}, per ${body.granularity}`;
        // Every model the account may call has a series: an idle one is a row of zeros under its RPM limit.
        const rows = body.series.map(totalsOf);
        const used = rows.some((r) => r.requests + r.rejected429 + r.rejected402 > 0);
        const s = ctx.style;
        ctx.out(used ? s.dim(`Usage ${window}`) : `No usage ${window}.`);
        if (rows.length === 0) return;
        const withTotal =
          used && rows.length > 1 ? [...rows, { model: "TOTAL", ...sumOf(rows), limitRequests: null, spark: "", peak: 0 }] : rows;
        ctx.out(
          table(
            withTotal,
            [
              { header: "MODEL", value: (r) => r.model },
              { header: "REQUESTS", value: (r) => count(r.requests), align: "right" },
              { header: "PROMPT TOK", value: (r) => count(r.tokensPrompt), align: "right" },
              { header: "GEN TOK", value: (r) => count(r.tokensGenerated), align: "right" },
              { header: "COST", value: (r) => money(r.costUsd), align: "right" },
              { header: "OVER-LIMIT", value: (r) => count(r.overLimit), align: "right", paint: (t, r) => (r.overLimit ? s.yellow(t) : t) },
              { header: "429", value: (r) => count(r.rejected429), align: "right", paint: (t, r) => (r.rejected429 ? s.red(t) : t) },
              { header: "402", value: (r) => count(r.rejected402), align: "right", paint: (t, r) => (r.rejected402 ? s.red(t) : t) },
              { header: "RPM LIMIT", value: (r) => count(r.limitRequests), align: "right" },
            ],
            s,
          ),
        );
        if (!used) return;
        ctx.out("");
        ctx.out(s.dim(`Requests per ${body.granularity}`));
        ctx.out(
          table(
            rows,
            [
              { header: "MODEL", value: (r) => r.model },
              { header: "ACTIVITY", value: (r) => s.cyan(r.spark) },
              {
                header: "PEAK",
                value: (r) => `${count(r.peak)}/${body.granularity === "minute" ? "min" : body.granularity}`,
                align: "right",
              },
            ],
            s,
          ),
        );
      }),
    ["headroom usage", "headroom usage --since 24h --model hr-small-8b", "headroom usage --since 7d --output json"],
  );

  withExamples(
    program
      .command("rate-limits")
      .description(
        "Show your dynamic rate limits per model right now.\n" +
          "Per minute, the limit and what is left of it for requests (RPM), prompt tokens (ITPM) and generated tokens (OTPM).\n" +
          "Limits grow with sustained use near them (60 → 120 RPM in 10 minutes → 720 in an hour …).",
      )
      .action(async (_opts: unknown, cmd: Command) => {
        const ctx = contextOf(cmd);
        const body = await ctx.client().get<{ rateLimits: RateLimitView[] }>("/api/v1/rate-limits");
        if (ctx.output === "json") return ctx.json(body);
        if (body.rateLimits.length === 0) return ctx.out("No models.");
        const s = ctx.style;
        const pair = (remaining: number, limit: number) => `${count(remaining)} / ${count(limit)}`;
        ctx.out(
          table(
            body.rateLimits,
            [
              { header: "MODEL", value: (r) => r.model },
              { header: "RPM LEFT / LIMIT", value: (r) => pair(r.remaining.requests, r.limits.requests), align: "right" },
              { header: "ITPM LEFT / LIMIT", value: (r) => pair(r.remaining.tokensPrompt, r.limits.tokensPrompt), align: "right" },
              { header: "OTPM LEFT / LIMIT", value: (r) => pair(r.remaining.tokensGenerated, r.limits.tokensGenerated), align: "right" },
              { header: "OVER-LIMIT", value: (r) => (r.overLimit ? "yes" : "no"), paint: (t, r) => (r.overLimit ? s.yellow(t) : t) },
              { header: "SUSTAINED MIN", value: (r) => (r.sustainedMinutes ? String(r.sustainedMinutes) : NONE), align: "right" },
            ],
            s,
          ),
        );
      }),
    ["headroom rate-limits", "headroom rate-limits --output json | jq '.rateLimits[] | {model, rpm: .limits.requests}'"],
  );
}
