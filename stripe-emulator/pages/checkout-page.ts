// The hosted Checkout page (`/c/pay/cs_test_…`): the amount or "Save card", a card form,
// Stripe's test cards. Submitting completes the session and redirects (303) to success_url.
import type http from "node:http";
import type Stripe from "stripe";
import { NO_REQUEST, type Emulator } from "../core/emulator";
import { formatAmount } from "../core/money";
import { parseForm } from "../http/form-body";
import { readBody, redirect, sendHtml } from "../http/respond";
import { completeCheckout, expireCheckoutSession } from "../payments/checkout";
import { readCardInput } from "../payments/test-cards";
import { cardForm, html, page, testCardsHelp, testModeHeader, type CardFormValues, type Raw } from "./html";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function summary(emu: Emulator, session: Stripe.Checkout.Session): Raw {
  if (session.mode === "setup") {
    return html`<h1>Save card</h1>
      <p class="muted">
        Save a card for future payments${session.customer_email ? ` by ${session.customer_email}` : ""}. You will not be charged now.
      </p>`;
  }
  const items = emu.state.checkoutExtras[session.id]?.lineItems ?? [];
  const currency = session.currency ?? "usd";
  return html`<h1>Pay</h1>
    <p class="amount">${formatAmount(session.amount_total ?? 0, currency)}</p>
    <table>
      <caption class="muted" style="text-align:left">
        Order summary
      </caption>
      <thead>
        <tr>
          <th scope="col">Item</th>
          <th scope="col" class="num">Qty</th>
          <th scope="col" class="num">Amount</th>
        </tr>
      </thead>
      <tbody>
        ${items.map(
          (li) =>
            html`<tr>
              <td>${li.description}</td>
              <td class="num">${li.quantity ?? 1}</td>
              <td class="num">${formatAmount(li.amount_total, li.currency)}</td>
            </tr>`,
        )}
      </tbody>
      <tfoot>
        <tr>
          <td colspan="2">Total due</td>
          <td class="num">${formatAmount(session.amount_total ?? 0, currency)}</td>
        </tr>
      </tfoot>
    </table>`;
}

function backLink(session: Stripe.Checkout.Session): Raw | string {
  return session.cancel_url
    ? html`<a href="${session.cancel_url}" style="margin-left:auto">← Back<span class="muted"> (cancel)</span></a>`
    : "";
}

function renderOpen(
  emu: Emulator,
  session: Stripe.Checkout.Session,
  values: CardFormValues = {},
  error: { message: string; field?: string } | null = null,
): string {
  const label = session.mode === "setup" ? "Save card" : `Pay ${formatAmount(session.amount_total ?? 0, session.currency ?? "usd")}`;
  return page(
    session.mode === "setup" ? "Save card — Stripe emulator" : "Checkout — Stripe emulator",
    html`${testModeHeader(backLink(session))}
      <section class="card" aria-label="Summary">${summary(emu, session)}</section>
      <section class="card" aria-label="Payment details">
        ${cardForm({ action: `/c/pay/${session.id}`, submitLabel: label, askEmail: !session.customer && !session.customer_email, values, error })}
      </section>
      ${testCardsHelp()}`,
  );
}

function renderClosed(session: Stripe.Checkout.Session): string {
  const done = session.status === "complete";
  const title = done ? (session.mode === "setup" ? "Card saved" : "Payment complete") : "This Checkout Session has expired";
  return page(
    `${title} — Stripe emulator`,
    html`${testModeHeader(html`<span class="badge status status-${session.status ?? ""}">${session.status}</span>`)}
      <section class="card" role="status">
        <h1>${title}</h1>
        ${done && session.amount_total !== null ? html`<p class="amount">${formatAmount(session.amount_total, session.currency ?? "usd")}</p>` : ""}
        ${done && session.success_url ? html`<p><a href="${successUrl(session)}">Continue</a></p>` : ""}
        ${!done && session.cancel_url ? html`<p><a href="${session.cancel_url}">Return to the merchant</a></p>` : ""}
      </section>`,
  );
}

function successUrl(session: Stripe.Checkout.Session): string {
  return (session.success_url ?? "").replaceAll("{CHECKOUT_SESSION_ID}", session.id);
}

function notFound(res: http.ServerResponse): void {
  sendHtml(
    res,
    404,
    page(
      "Not found — Stripe emulator",
      html`${testModeHeader()}
        <section class="card">
          <h1>Something went wrong</h1>
          <p>The page you were looking for could not be found.</p>
        </section>`,
    ),
  );
}

export async function handleCheckoutPage(
  emu: Emulator,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  sessionId: string,
): Promise<void> {
  const session = emu.state.checkoutSessions[sessionId];
  if (!session) return notFound(res);
  if (session.status === "open" && session.expires_at <= emu.clock.now()) {
    // Expiry is swept periodically; a visitor arriving first sees it expired right away.
    expireCheckoutSession(emu, session, NO_REQUEST);
    emu.changed();
  }
  if (req.method !== "POST") return sendHtml(res, 200, session.status === "open" ? renderOpen(emu, session) : renderClosed(session));
  const form = parseForm(await readBody(req));
  const text = (k: string) => (typeof form[k] === "string" ? (form[k] as string) : "");
  if (session.status !== "open") {
    // A double submit after completion must not pay twice: show the outcome instead.
    if (session.status === "complete" && session.success_url) return redirect(res, successUrl(session));
    return sendHtml(res, 200, renderClosed(session));
  }
  const values: CardFormValues = {
    email: text("email"),
    cardNumber: text("cardNumber"),
    cardExpiry: text("cardExpiry"),
    billingName: text("billingName"),
  };
  const askEmail = !session.customer && !session.customer_email;
  if (askEmail && !EMAIL.test(values.email ?? "")) {
    const message = values.email ? "Your email address is invalid." : "Your email is incomplete.";
    return sendHtml(res, 400, renderOpen(emu, session, values, { message, field: "email" }));
  }
  const card = readCardInput({ number: text("cardNumber"), expiry: text("cardExpiry"), cvc: text("cardCvc") }, new Date(emu.clock.nowMs()));
  if (!card.ok) return sendHtml(res, 400, renderOpen(emu, session, values, { message: card.message, field: card.field }));
  const outcome = completeCheckout(emu, session, {
    card: card.card,
    expMonth: card.expMonth,
    expYear: card.expYear,
    name: values.billingName || null,
    email: askEmail ? (values.email ?? null) : (session.customer_email ?? null),
  });
  emu.changed();
  if (!outcome.ok) return sendHtml(res, 402, renderOpen(emu, session, values, { message: outcome.message }));
  if (session.success_url) return redirect(res, successUrl(session));
  return sendHtml(res, 200, renderClosed(session));
}
