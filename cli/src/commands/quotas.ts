// Quotas (SPEC §8, §13): `list quotas`, `update quota monthly-spend-usd --value N` (the owner's
// spend limit, within the tier's cap), `request quota <name> --value N --reason …` and
// `list quota-requests` (operators raise count quotas).
import type { Command } from "commander";
import type { QuotaRequestView } from "../../../lib/quotas/requests/view";
import type { QuotaView } from "../../../lib/quotas/list-quotas";
import { QUOTA_NAMES } from "../../../lib/quotas/definitions";
import { createQuotaRequestSchema, updateSpendLimitSchema } from "../../../lib/quotas/schemas";
import { contextOf } from "../context";
import { ApiError, UsageError } from "../errors";
import { count, money, NONE, truncate, when } from "../format";
import { parseFlags, withExamples } from "../help";
import { table } from "../table";

const SPEND = "monthly-spend-usd";

function showValue(q: QuotaView, field: "value" | "max" | "usage"): string {
  const v = q[field];
  if (q.name === SPEND) return v === null ? (field === "value" ? "unlimited" : NONE) : money(v as string);
  return typeof v === "number" ? count(v) : NONE;
}

export function registerQuotas(groups: { list: Command; update: Command; request: Command }): void {
  withExamples(
    groups.list
      .command("quotas")
      .alias("quota")
      .description(`List quotas with their value, maximum and current usage (${QUOTA_NAMES.join(", ")}).`)
      .action(async (_opts: unknown, cmd: Command) => {
        const ctx = contextOf(cmd);
        const body = await ctx.client().get<{ quotas: QuotaView[] }>("/api/v1/quotas");
        if (ctx.output === "json") return ctx.json(body);
        ctx.out(
          table(
            body.quotas,
            [
              { header: "NAME", value: (q) => q.name },
              { header: "VALUE", value: (q) => showValue(q, "value"), align: "right" },
              { header: "MAX", value: (q) => showValue(q, "max"), align: "right" },
              { header: "USAGE", value: (q) => showValue(q, "usage"), align: "right" },
            ],
            ctx.style,
          ),
        );
      }),
    ["headroom list quotas", "headroom list quotas --output json"],
  );

  withExamples(
    groups.update
      .command("quota")
      .alias("quotas")
      .argument("<name>", `the quota: ${SPEND} (others are raised with \`headroom request quota\`)`)
      .requiredOption("--value <usd>", "the new monthly spend limit in USD, whole cents, from 0 to your tier's cap")
      .description(
        `Set your monthly spend limit anywhere from $0 to your tier's cap (owner only).\n` +
          `Lowering it guards against surprise bills; reaching it suspends API calls until it is raised or the month ends.`,
      )
      .action(async (name: string, opts: { value: string }, cmd: Command) => {
        const ctx = contextOf(cmd);
        // Only the spend limit is the owner's to set; for the others the server explains (403 → request quota).
        const value = name === SPEND ? parseFlags(updateSpendLimitSchema, { value: opts.value }, { value: "--value" }).value : opts.value;
        const quota = await ctx
          .client()
          .patch<QuotaView>(`/api/v1/quotas/${encodeURIComponent(name)}`, { value })
          .catch((err: unknown) => {
            // The server points API users to POST /api/v1/quota-requests; point CLI users to the command.
            if (err instanceof ApiError && err.status === 403 && name !== SPEND) {
              throw new ApiError(
                `${err.message} With the CLI: headroom request quota ${name} --value ${opts.value} --reason "…"`,
                err.status,
                err.code,
                err.requestId,
                err.body,
              );
            }
            throw err;
          });
        if (ctx.output === "json") return ctx.json(quota);
        ctx.out(
          `${quota.name} set to ${showValue(quota, "value")} (max ${showValue(quota, "max")}, used ${showValue(quota, "usage")} this month).`,
        );
      }),
    [`headroom update quota ${SPEND} --value 200`, `headroom update quota ${SPEND} --value 49.99`],
  );

  withExamples(
    groups.request
      .command("quota")
      .alias("quotas")
      .argument("<name>", "the quota to raise: deployed-models, a100-gpus or h100-gpus")
      .requiredOption("--value <n>", "the quota you need (a whole number above the current value)")
      .requiredOption("--reason <text>", "why you need it (operators read this)")
      .description("Ask the operators to raise a count quota (owner only); see the answer with `headroom list quota-requests`.")
      .action(async (name: string, opts: { value: string; reason: string }, cmd: Command) => {
        const ctx = contextOf(cmd);
        if (name === SPEND) {
          throw new UsageError(
            `${SPEND} is not raised by request: set it within your tier with \`headroom update quota ${SPEND} --value <usd>\`, or move up a tier (\`headroom buy credits\`)`,
          );
        }
        if (!/^\d+$/.test(opts.value.trim())) throw new UsageError(`--value: must be a whole number, got ${JSON.stringify(opts.value)}`);
        const input = parseFlags(
          createQuotaRequestSchema,
          { quota: name, value: Number(opts.value), reason: opts.reason },
          { quota: "<name>", value: "--value", reason: "--reason" },
        );
        const request = await ctx.client().post<QuotaRequestView>("/api/v1/quota-requests", input);
        if (ctx.output === "json") return ctx.json(request);
        ctx.out(`Requested ${request.quota} → ${count(request.value)}: ${request.status} (request ${request.id}).`);
      }),
    ['headroom request quota h100-gpus --value 16 --reason "fine-tuning a 70B model in December"'],
  );

  withExamples(
    groups.list
      .command("quota-requests")
      .alias("quota-request")
      .description("List your quota increase requests and the operators' decisions.")
      .action(async (_opts: unknown, cmd: Command) => {
        const ctx = contextOf(cmd);
        const body = await ctx.client().get<{ quotaRequests: QuotaRequestView[] }>("/api/v1/quota-requests");
        if (ctx.output === "json") return ctx.json(body);
        if (body.quotaRequests.length === 0) return ctx.out("No quota requests.");
        const s = ctx.style;
        ctx.out(
          table(
            body.quotaRequests,
            [
              { header: "ID", value: (r) => r.id },
              { header: "QUOTA", value: (r) => r.quota },
              { header: "VALUE", value: (r) => count(r.value), align: "right" },
              {
                header: "STATUS",
                value: (r) => r.status,
                paint: (t, r) => (r.status === "approved" ? s.green(t) : r.status === "denied" ? s.red(t) : s.yellow(t)),
              },
              { header: "CREATED", value: (r) => when(r.createdAt) },
              { header: "REASON", value: (r) => truncate(r.reason, 40) },
              { header: "DECISION", value: (r) => (r.decisionNote ? truncate(r.decisionNote, 40) : NONE) },
            ],
            s,
          ),
        );
      }),
    ["headroom list quota-requests"],
  );
}
