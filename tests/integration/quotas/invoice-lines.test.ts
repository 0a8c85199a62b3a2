// Invoice lines for deployments and fine-tuning read as a customer expects (SPEC §4, §8): a
// deployment in GPU-minutes, one line per size it actually ran at during the month (a deployment
// resized mid-month is not billed under its latest size), fine-tuning in training tokens — all
// derived from what metering recorded in the ledger, not from the resource as it is at close.
import { beforeAll, describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../helpers/test-db";
import { createAccountFixture, seedModelsFixture } from "../../helpers/fixtures";
import { applyMigrationBackfill } from "../../helpers/migration-backfill";
import { callRoute } from "../../helpers/routes";
import { db } from "@/lib/db";
import { closeMonth } from "@/lib/billing/close-month";
import { postLedgerEntry } from "@/lib/billing/post-ledger-entry";
import { reconcileBalances } from "@/lib/billing/reconcile-balances";
import { runDeploymentMetering } from "@/lib/jobs/deployment-metering";
import { advanceFineTuning } from "@/lib/jobs/fine-tuning";
import { createDeployment } from "@/lib/resources/deployments/create-deployment";
import { stopDeployment, updateDeployment } from "@/lib/resources/deployments/update-deployment";
import { readyAt } from "@/lib/resources/deployments/timing";
import { createFineTuningJob } from "@/lib/resources/fine-tuning/create-fine-tuning-job";
import { planInvoiceItems } from "@/lib/payments/invoices/send-invoice";
import * as invoiceRoute from "@/app/api/v1/invoices/[id]/route";
import { T0, at, minutes } from "./helpers";

setupTestDatabase();
beforeAll(() => seedModelsFixture());

const MARCH = "2031-03";
const APRIL_1 = new Date("2031-04-01T00:30:00.000Z");

async function deploy(accountId: string, gpuType: "A100" | "H100", gpuCount: number) {
  const res = await createDeployment(accountId, { model: "hr-small-8b", gpuType, gpuCount }, null, T0);
  if (!res.ok) throw new Error(res.message);
  return res.deployment;
}

async function closeAndReadLines(accountId: string) {
  const closed = await closeMonth({ period: MARCH, accountId, now: APRIL_1 });
  if (!closed.ok || closed.invoiced.length !== 1) throw new Error(`not invoiced: ${JSON.stringify(closed, (_k, v) => String(v))}`);
  const invoiceId = closed.invoiced[0]!.invoiceId;
  const lines = await db().invoiceLine.findMany({ where: { invoiceId }, orderBy: [{ subject: "asc" }, { description: "asc" }] });
  return { invoiceId, lines, total: closed.invoiced[0]!.totalMicros };
}

describe("deployment and fine-tuning invoice lines", () => {
  it("a deployment resized mid-month: a line per size in GPU-minutes; fine-tuning in training tokens", async () => {
    const acct = await createAccountFixture({ tier: "tier2" });
    const a100 = await deploy(acct.accountId, "A100", 2); // $0.0816 a minute
    const h100 = await deploy(acct.accountId, "H100", 1); // $0.0667 a minute
    const ready = readyAt(T0);
    // 60 minutes at 2 × A100, then scaled to 3 (the minutes so far charged at 2), 30 more at 3 × A100.
    await runDeploymentMetering({ at: at(ready, minutes(60)) });
    const scaled = await updateDeployment(acct.accountId, a100.id, { gpuCount: 3 }, null, at(ready, minutes(60)));
    expect(scaled.ok).toBe(true);
    await runDeploymentMetering({ at: at(ready, minutes(90)) });
    await stopDeployment(acct.accountId, a100.id, null, at(ready, minutes(90)));
    await stopDeployment(acct.accountId, h100.id, null, at(ready, minutes(90)));
    // 3M training tokens (1M × 3 epochs) at $0.50/M, done 150 s after the 10 s queue wait.
    const job = await createFineTuningJob(acct.accountId, { baseModel: "hr-small-8b", datasetTokens: 1_000_000, epochs: 3 }, null, T0);
    if (!job.ok) throw new Error(job.message);
    await advanceFineTuning({ at: at(T0, 200_000) });
    expect((await db().fineTuningJob.findUniqueOrThrow({ where: { id: job.job.id } })).state).toBe("completed");

    const { invoiceId, lines, total } = await closeAndReadLines(acct.accountId);
    const view = lines.map((l) => ({
      subject: l.subject,
      description: l.description,
      quantity: l.quantity,
      unit: l.unit,
      amount: l.amountMicros,
    }));
    const a100Lines = view.filter((l) => l.subject === `deployment:${a100.id}`);
    expect(a100Lines).toEqual([
      {
        subject: `deployment:${a100.id}`,
        description: `Deployment ${a100.id} (hr-small-8b, 2 × A100): 60 minutes`,
        quantity: 120n,
        unit: "GPU-minutes",
        amount: 60n * 81_600n,
      },
      {
        subject: `deployment:${a100.id}`,
        description: `Deployment ${a100.id} (hr-small-8b, 3 × A100): 30 minutes`,
        quantity: 90n,
        unit: "GPU-minutes",
        amount: 30n * 122_400n,
      },
    ]);
    expect(view.filter((l) => l.subject === `deployment:${h100.id}`)).toEqual([
      {
        subject: `deployment:${h100.id}`,
        description: `Deployment ${h100.id} (hr-small-8b, 1 × H100): 90 minutes`,
        quantity: 90n,
        unit: "GPU-minutes",
        amount: 90n * 66_700n,
      },
    ]);
    expect(view.filter((l) => l.subject === `fine_tuning:${job.job.id}`)).toEqual([
      {
        subject: `fine_tuning:${job.job.id}`,
        description: `Fine-tuning job ${job.job.id} (hr-small-8b)`,
        quantity: 3_000_000n,
        unit: "training tokens",
        amount: 1_500_000n,
      },
    ]);
    expect(view.reduce((s, l) => s + l.amount, 0n)).toBe(total);

    // The API (console and CLI) shows the same lines; Stripe's items carry the quantity with separators.
    const res = await callRoute(invoiceRoute.GET, { apiKey: acct.apiKey, params: { id: invoiceId } });
    expect(res.body.lines).toEqual(
      expect.arrayContaining([
        {
          subject: `deployment:${a100.id}`,
          description: `Deployment ${a100.id} (hr-small-8b, 3 × A100): 30 minutes`,
          quantity: "90",
          unit: "GPU-minutes",
          amountUsd: "3.672000",
        },
      ]),
    );
    const plan = planInvoiceItems({ totalMicros: total, paidMicros: 0n, lines });
    expect(plan.items.map((i) => i.description)).toContain(`Fine-tuning job ${job.job.id} (hr-small-8b) (3,000,000 training tokens)`);
    expect(await reconcileBalances({ accountId: acct.accountId })).toMatchObject({ ok: true, differences: [] });
  });

  it("a minute credits paid in part counts on the invoice for the part the invoice pays: billed and credit-paid GPU-minutes add up", async () => {
    // $0.13 of credits, then 10 minutes at 2 × A100 ($0.0816 a minute).
    const acct = await createAccountFixture({ tier: "tier2", creditsMicros: 130_000n });
    const d = await deploy(acct.accountId, "A100", 2);
    await runDeploymentMetering({ at: at(readyAt(T0), minutes(10)) });
    await stopDeployment(acct.accountId, d.id, null, at(readyAt(T0), minutes(10)));
    const rows = await db().ledgerEntry.findMany({ where: { deploymentId: d.id }, orderBy: { idempotencyKey: "asc" } });
    // Minute 1 from credits; minute 2: $0.0484 from credits, $0.0332 to the invoice; minutes 3–10 to the invoice.
    expect(rows.map((e) => [e.creditMicros, e.invoiceMicros, e.quantity])).toEqual([
      [81_600n, 0n, 2n],
      [48_400n, 33_200n, 2n],
      ...Array.from({ length: 8 }, () => [0n, 81_600n, 2n]),
    ]);

    const { lines, total } = await closeAndReadLines(acct.accountId);
    expect(total).toBe(33_200n + 8n * 81_600n);
    // Billed: 8 × 2 + 2 × 33,200 / 81,600 = 16.81… GPU-minutes → 17 (not the 18 of 9 whole minutes).
    // Paid from credits: 2 + 2 × 48,400 / 81,600 = 3.19… — together exactly the 20 metered.
    expect(lines.map((l) => [l.description, l.quantity, l.unit, l.amountMicros])).toEqual([
      [`Deployment ${d.id} (hr-small-8b, 2 × A100): 9 minutes, 1 of them partly paid from credits`, 17n, "GPU-minutes", 686_000n],
    ]);
    // The quantity is within half a GPU-minute of what the amount buys: 686,000 / 40,800 = 16.81.
    const perGpuMinute = 40_800n;
    expect(2n * (lines[0]!.quantity * perGpuMinute - total)).toBeLessThanOrEqual(perGpuMinute);
    expect(await reconcileBalances({ accountId: acct.accountId })).toMatchObject({ ok: true, differences: [] });
  });

  it("charges recorded before the ledger kept their size are described from what was recorded then", async () => {
    const acct = await createAccountFixture({ tier: "tier2" });
    const d = await deploy(acct.accountId, "H100", 4);
    // Two minutes at 2 × H100 and one at 4 × H100, posted as metering did before (size only in the text).
    const legacy = [
      ["2031-03-10T12:01:00.000Z", 2],
      ["2031-03-10T12:02:00.000Z", 2],
      ["2031-03-10T12:03:00.000Z", 4],
    ] as const;
    for (const [minute, count] of legacy) {
      const cost = BigInt(count) * 66_700n;
      await db().$transaction((tx) =>
        postLedgerEntry(tx, {
          accountId: acct.accountId,
          kind: "deployment_charge",
          amountMicros: 0n,
          invoiceMicros: cost,
          spendMicros: cost,
          idempotencyKey: `deployment:${d.id}:${minute}`,
          description: `Deployment ${d.id} (hr-small-8b): ${count}× H100 for the minute ${minute} at ${(Number(cost) / 1e6).toFixed(4)}`,
          deploymentId: d.id,
          modelName: "hr-small-8b",
          at: new Date(minute),
        }),
      );
    }
    await db().$transaction((tx) =>
      postLedgerEntry(tx, {
        accountId: acct.accountId,
        kind: "fine_tuning_charge",
        amountMicros: 0n,
        invoiceMicros: 15_000n,
        spendMicros: 15_000n,
        idempotencyKey: `fine-tuning:ftjob_legacy:step:1`,
        description: `Fine-tuning job ftjob_legacy (hr-small-8b): training tokens 0–30000 of 3000000`,
        fineTuningJobId: "ftjob_legacy",
        modelName: "hr-small-8b",
        at: T0,
      }),
    );
    await applyMigrationBackfill("ledger_metered_quantities");

    const { lines } = await closeAndReadLines(acct.accountId);
    expect(lines.map((l) => [l.description, l.quantity, l.unit])).toEqual([
      [`Deployment ${d.id} (hr-small-8b, 2 × H100): 2 minutes`, 4n, "GPU-minutes"],
      [`Deployment ${d.id} (hr-small-8b, 4 × H100): 1 minute`, 4n, "GPU-minutes"],
      [`Fine-tuning job ftjob_legacy (hr-small-8b)`, 30_000n, "training tokens"],
    ]);
  });
});
