// Money (SPEC §4, §13): `list invoices`, `get invoice <id>`, `pay invoice <id>` and
// `buy credits --amount N`. Invoice amounts in tables read as the console shows them — dollars and
// cents as the card is charged (lib/billing/invoice-figures.ts); `--output json` keeps the API's exact
// micro-USD strings. Paying happens on a hosted page (Stripe Checkout / hosted invoice):
// the CLI prints its URL on stdout — alone, so `open "$(headroom buy credits --amount 100)"` works —
// and with --open hands it to the browser.
import type { Command } from "commander";
import { CREDIT_PURCHASE_MAX, CREDIT_PURCHASE_MIN } from "../../../lib/billing/amounts";
import { invoiceFigures } from "../../../lib/billing/invoice-figures";
import type { InvoiceLineView, InvoiceView } from "../../../lib/billing/list-invoices";
import { usdWholeDollarsInput } from "../../../lib/billing/schemas";
import { parseUsd, usdString } from "../../../lib/money";
import { openInBrowser } from "../browser";
import { contextOf, type Context } from "../context";
import { UsageError } from "../errors";
import { money, NONE, quantity, when } from "../format";
import { withExamples } from "../help";
import type { Style } from "../style";
import { keyValue, table } from "../table";

/** The state as people read it: a draft under the $0.50 minimum card charge waits for the next invoice. */
function statusText(i: Pick<InvoiceView, "status" | "carriedForward" | "carriedToInvoiceId">): string {
  if (i.carriedForward) return "carried forward";
  if (i.status === "paid" && i.carriedToInvoiceId) return "paid (carried)";
  return i.status;
}

function paintStatus(status: string, s: Style): string {
  if (status === "paid") return s.green(status);
  if (status === "failed") return s.red(status);
  if (status === "open") return s.yellow(status);
  return s.dim(status);
}

async function handOff(ctx: Context, url: string, open: boolean, what: string): Promise<void> {
  ctx.out(url);
  if (!open) return ctx.note(ctx.errStyle.dim(`Open the URL above to ${what} (or pass --open).`));
  const opened = await openInBrowser(url);
  ctx.note(opened ? `Opened your browser to ${what}.` : `Could not open a browser: open the URL above to ${what}.`);
}

export function registerBilling(groups: { list: Command; get: Command; pay: Command; buy: Command }): void {
  withExamples(
    groups.list
      .command("invoices")
      .alias("invoice")
      .description("List invoices, newest month first, with status and amount due.")
      .action(async (_opts: unknown, cmd: Command) => {
        const ctx = contextOf(cmd);
        const body = await ctx.client().get<{ invoices: InvoiceView[] }>("/api/v1/invoices");
        if (ctx.output === "json") return ctx.json(body);
        if (body.invoices.length === 0)
          return ctx.out("No invoices yet: usage beyond your credits is invoiced at the start of each month.");
        const s = ctx.style;
        const rows = body.invoices.map((i) => ({ ...i, shown: invoiceFigures(i) }));
        ctx.out(
          table(
            rows,
            [
              { header: "ID", value: (i) => i.id },
              { header: "PERIOD", value: (i) => i.period },
              { header: "STATUS", value: (i) => statusText(i), paint: (t, i) => paintStatus(i.status, s) },
              { header: "TOTAL", value: (i) => i.shown.total, align: "right" },
              { header: "PAID", value: (i) => i.shown.paid, align: "right" },
              { header: "DUE", value: (i) => i.shown.due, align: "right" },
            ],
            s,
          ),
        );
        if (body.invoices.some((i) => i.carriedForward)) {
          ctx.note(
            ctx.errStyle.dim(
              "Carried forward: under $0.50, the smallest card charge; added to your next invoice, or paid by credits you buy.",
            ),
          );
        }
        const unpaid = body.invoices.filter((i) => i.status === "failed" || i.status === "open");
        if (unpaid.some((i) => i.status === "failed")) {
          ctx.note(ctx.errStyle.yellow(`Pay failed invoices to lift the suspension: headroom pay invoice ${unpaid[0]!.id}`));
        }
      }),
    ["headroom list invoices", "headroom list invoices --output json | jq '.invoices[] | select(.status == \"failed\") | .id'"],
  );

  withExamples(
    groups.get
      .command("invoice")
      .argument("<id>", "the invoice id (from `headroom list invoices`)")
      .description("Show one invoice with its line items (per model, deployment and fine-tuning job).")
      .action(async (id: string, _opts: unknown, cmd: Command) => {
        const ctx = contextOf(cmd);
        const invoice = await ctx.client().get<InvoiceView & { lines: InvoiceLineView[] }>(`/api/v1/invoices/${encodeURIComponent(id)}`);
        if (ctx.output === "json") return ctx.json(invoice);
        const s = ctx.style;
        const shown = invoiceFigures(invoice);
        ctx.out(
          keyValue(
            [
              ["Invoice", invoice.id],
              ["Period", invoice.period],
              ["Status", paintStatus(statusText(invoice), s)],
              ["Total", shown.total],
              ["Paid", shown.paid],
              ["Due", shown.due],
              ["Finalized", when(invoice.finalizedAt)],
              ["Paid at", when(invoice.paidAt)],
              ["Failed at", when(invoice.failedAt)],
              ["Pay at", invoice.hostedUrl ?? NONE],
              ...(invoice.carriedToInvoiceId ? ([["Carried to", invoice.carriedToInvoiceId]] as [string, string][]) : []),
            ],
            s,
          ),
        );
        if (invoice.lines.length === 0) return;
        ctx.out("");
        ctx.out(
          table(
            invoice.lines.map((l, i) => ({ ...l, shown: shown.lines[i]! })),
            [
              { header: "ITEM", value: (l) => l.description },
              { header: "QUANTITY", value: (l) => quantity(l.quantity, l.unit), align: "right" },
              { header: "AMOUNT", value: (l) => l.shown, align: "right" },
            ],
            s,
          ),
        );
      }),
    ["headroom get invoice inv_123"],
  );

  withExamples(
    groups.pay
      .command("invoice")
      .argument("<id>", "the failed or open invoice to pay (from `headroom list invoices`)")
      .option("--open", "open the payment page in your browser")
      .description(
        "Get the hosted payment page of a failed or open invoice (owner only) and print its URL.\n" +
          "Paying every failed invoice lifts a payment_failed suspension within a second.",
      )
      .action(async (id: string, opts: { open?: boolean }, cmd: Command) => {
        const ctx = contextOf(cmd);
        const body = await ctx.client().post<{ url: string }>(`/api/v1/invoices/${encodeURIComponent(id)}/pay`);
        if (ctx.output === "json") return ctx.json(body);
        await handOff(ctx, body.url, opts.open === true, `pay invoice ${id}`);
      }),
    ["headroom pay invoice inv_123", "headroom pay invoice inv_123 --open"],
  );

  withExamples(
    groups.buy
      .command("credits")
      .alias("credit")
      .requiredOption(
        "--amount <usd>",
        `whole US dollars, ${money(usdString(CREDIT_PURCHASE_MIN))} to ${money(usdString(CREDIT_PURCHASE_MAX))}`,
      )
      .option("--open", "open the checkout page in your browser")
      .description(
        "Start a prepaid credit purchase (Stripe Checkout, owner only) and print the checkout URL.\n" +
          "Credits count toward historical spend: $100 of credits moves a Tier 1 account to Tier 2.",
      )
      .action(async (opts: { amount: string; open?: boolean }, cmd: Command) => {
        const ctx = contextOf(cmd);
        const amount = usdWholeDollarsInput.safeParse(opts.amount.replace(/^\$/, ""));
        if (!amount.success) throw new UsageError(`--amount: ${amount.error.issues[0]?.message ?? "invalid amount"}`);
        const micros = parseUsd(amount.data);
        if (micros < CREDIT_PURCHASE_MIN || micros > CREDIT_PURCHASE_MAX) {
          throw new UsageError(
            `--amount: must be from ${money(usdString(CREDIT_PURCHASE_MIN))} to ${money(usdString(CREDIT_PURCHASE_MAX))}, got ${money(amount.data)}`,
          );
        }
        const amountUsd = usdString(micros).replace(/\.00$/, "");
        const body = await ctx.client().post<{ url: string; sessionId: string }>("/api/v1/credits/checkout", { amountUsd });
        if (ctx.output === "json") return ctx.json(body);
        await handOff(ctx, body.url, opts.open === true, `pay for ${money(amountUsd)} of credits`);
      }),
    ["headroom buy credits --amount 100", "headroom buy credits --amount 100 --open"],
  );
}
