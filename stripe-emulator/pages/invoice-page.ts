// The hosted invoice page (`/i/test_…`): lines, amount due and a card form; paying marks the
// invoice paid (`invoice.paid`). Also its PDF (`/i/test_…/pdf`).
import type http from "node:http";
import type Stripe from "stripe";
import { NO_REQUEST, type Emulator } from "../core/emulator";
import { formatAmount } from "../core/money";
import { parseForm } from "../http/form-body";
import { readBody, redirect, sendHtml } from "../http/respond";
import { attemptInvoicePayment, defaultInvoicePayment } from "../payments/invoices";
import { createCardPaymentMethod } from "../payments/payment-methods";
import { readCardInput } from "../payments/test-cards";
import { idOf } from "../core/lookup";
import { cardForm, formatDate, html, page, testCardsHelp, testModeHeader, type CardFormValues, type Raw } from "./html";
import { textPdf } from "./pdf";

function payable(invoice: Stripe.Invoice): boolean {
  return (invoice.status === "open" || invoice.status === "uncollectible") && invoice.amount_remaining > 0;
}

function linesTable(emu: Emulator, invoice: Stripe.Invoice): Raw {
  const lines = emu.state.invoiceLines[invoice.id] ?? [];
  return html`<table>
    <caption class="muted" style="text-align:left">
      Invoice lines
    </caption>
    <thead>
      <tr>
        <th scope="col">Description</th>
        <th scope="col" class="num">Qty</th>
        <th scope="col" class="num">Amount</th>
      </tr>
    </thead>
    <tbody>
      ${lines.map(
        (l) =>
          html`<tr>
            <td>${l.description ?? "—"}</td>
            <td class="num">${l.quantity ?? 1}</td>
            <td class="num">${formatAmount(l.amount, l.currency)}</td>
          </tr>`,
      )}
    </tbody>
    <tfoot>
      <tr>
        <td colspan="2">Total</td>
        <td class="num">${formatAmount(invoice.total, invoice.currency)}</td>
      </tr>
      <tr>
        <td colspan="2">Amount paid</td>
        <td class="num">${formatAmount(invoice.amount_paid, invoice.currency)}</td>
      </tr>
      <tr>
        <td colspan="2">Amount due</td>
        <td class="num">${formatAmount(invoice.amount_remaining, invoice.currency)}</td>
      </tr>
    </tfoot>
  </table>`;
}

function paidCharge(emu: Emulator, invoice: Stripe.Invoice): Stripe.Charge | undefined {
  const payment = defaultInvoicePayment(emu, invoice.id);
  const pi = payment?.payment.payment_intent ? emu.state.paymentIntents[idOf(payment.payment.payment_intent) ?? ""] : undefined;
  const chargeId = pi?.status === "succeeded" ? idOf(pi.latest_charge) : null;
  return chargeId ? emu.state.charges[chargeId] : undefined;
}

function render(
  emu: Emulator,
  invoice: Stripe.Invoice,
  token: string,
  values: CardFormValues = {},
  error: { message: string; field?: string } | null = null,
): string {
  const status = invoice.status ?? "draft";
  const charge = status === "paid" ? paidCharge(emu, invoice) : undefined;
  const headline =
    status === "paid"
      ? html`<p role="status">
          <strong>Paid</strong>${invoice.status_transitions.paid_at ? ` on ${formatDate(invoice.status_transitions.paid_at)}` : ""}${
            charge?.receipt_url ? html` — <a href="${charge.receipt_url}">view receipt</a>` : ""
          }
        </p>`
      : status === "void"
        ? html`<p role="status">This invoice has been voided and can no longer be paid.</p>`
        : html`<p class="muted">${invoice.due_date ? `Due ${formatDate(invoice.due_date)}` : "Due upon receipt"}</p>`;
  return page(
    `Invoice ${invoice.number ?? ""} — Stripe emulator`,
    html`${testModeHeader(html`<span class="badge status status-${status}">${status}</span>`)}
      <section class="card" aria-label="Invoice">
        <h1>Invoice ${invoice.number}</h1>
        <p class="muted">${invoice.customer_email ?? ""}${invoice.customer_name ? ` — ${invoice.customer_name}` : ""}</p>
        <p class="amount">${formatAmount(status === "paid" ? invoice.amount_paid : invoice.amount_remaining, invoice.currency)}</p>
        ${headline} ${invoice.description ? html`<p>${invoice.description}</p>` : ""} ${linesTable(emu, invoice)}
        <p><a href="/i/${token}/pdf">Download invoice (PDF)</a></p>
      </section>
      ${
        payable(invoice)
          ? html`<section class="card" aria-label="Pay this invoice">
                <h2 style="margin-top:0;font-size:1.1rem">Pay with card</h2>
                ${cardForm({ action: `/i/${token}`, submitLabel: `Pay ${formatAmount(invoice.amount_remaining, invoice.currency)}`, askEmail: false, values, error })}
              </section>
              ${testCardsHelp()}`
          : ""
      }`,
  );
}

function pdfFor(emu: Emulator, invoice: Stripe.Invoice): Buffer {
  const lines = emu.state.invoiceLines[invoice.id] ?? [];
  return textPdf([
    { text: `Invoice ${invoice.number ?? ""}`, size: 20, bold: true },
    { text: `Stripe emulator (test mode) - status: ${invoice.status}` },
    { text: `Billed to: ${invoice.customer_email ?? invoice.customer_name ?? idOf(invoice.customer) ?? ""}` },
    { text: `Issued: ${invoice.status_transitions.finalized_at ? formatDate(invoice.status_transitions.finalized_at) : "-"}` },
    { text: " " },
    ...lines.map((l) => ({ text: `${l.description ?? "-"}  x${l.quantity ?? 1}   ${formatAmount(l.amount, l.currency)}` })),
    { text: " " },
    { text: `Total: ${formatAmount(invoice.total, invoice.currency)}`, bold: true },
    { text: `Amount paid: ${formatAmount(invoice.amount_paid, invoice.currency)}` },
    { text: `Amount due: ${formatAmount(invoice.amount_remaining, invoice.currency)}`, bold: true },
  ]);
}

function notFound(res: http.ServerResponse): void {
  sendHtml(
    res,
    404,
    page(
      "Not found — Stripe emulator",
      html`${testModeHeader()}
        <section class="card">
          <h1>Invoice not found</h1>
          <p>This invoice link is not valid.</p>
        </section>`,
    ),
  );
}

export async function handleInvoicePage(
  emu: Emulator,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  token: string,
  pdf: boolean,
): Promise<void> {
  const invoice = emu.state.invoices[emu.state.invoicePageTokens[token] ?? ""];
  if (!invoice || invoice.deleted) return notFound(res);
  if (pdf) {
    const body = pdfFor(emu, invoice);
    res.writeHead(200, {
      "content-type": "application/pdf",
      "content-disposition": `inline; filename="Invoice-${invoice.number ?? invoice.id}.pdf"`,
      "content-length": String(body.length),
    });
    res.end(body);
    return;
  }
  if (req.method !== "POST") return sendHtml(res, 200, render(emu, invoice, token));
  const form = parseForm(await readBody(req));
  const text = (k: string) => (typeof form[k] === "string" ? (form[k] as string) : "");
  if (!payable(invoice)) return redirect(res, `/i/${token}`);
  const values: CardFormValues = { cardNumber: text("cardNumber"), cardExpiry: text("cardExpiry"), billingName: text("billingName") };
  const card = readCardInput({ number: text("cardNumber"), expiry: text("cardExpiry"), cvc: text("cardCvc") }, new Date(emu.clock.nowMs()));
  if (!card.ok) return sendHtml(res, 400, render(emu, invoice, token, values, { message: card.message, field: card.field }));
  const pm = createCardPaymentMethod(emu, card.card, {
    expMonth: card.expMonth,
    expYear: card.expYear,
    billing: { name: values.billingName || null, email: invoice.customer_email },
  });
  const outcome = attemptInvoicePayment(emu, invoice, pm, NO_REQUEST, { automatic: false });
  emu.changed();
  if (!outcome.ok) {
    const message = outcome.reason === "declined" ? outcome.decline.message : "Your card was declined.";
    return sendHtml(res, 402, render(emu, invoice, token, values, { message }));
  }
  return redirect(res, `/i/${token}`);
}
