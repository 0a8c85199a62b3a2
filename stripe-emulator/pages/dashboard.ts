// `GET /` — a read-only overview for demos: endpoints, recent events and their deliveries,
// customers, Checkout Sessions and invoices with links to their hosted pages.
import type http from "node:http";
import type Stripe from "stripe";
import type { Emulator } from "../core/emulator";
import { newestFirst } from "../core/lists";
import { formatAmount } from "../core/money";
import type { Delivery } from "../core/state";
import { sendHtml } from "../http/respond";
import { idOf } from "../core/lookup";
import { html, page, testModeHeader } from "./html";

const LIMIT = 15;

function time(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace("T", " ").slice(0, 19);
}

export function handleDashboard(emu: Emulator, res: http.ServerResponse, webhookUrls: readonly string[]): void {
  const state = emu.state;
  const deliveriesByEvent = new Map<string, Delivery[]>();
  for (const d of Object.values(state.deliveries)) deliveriesByEvent.set(d.eventId, [...(deliveriesByEvent.get(d.eventId) ?? []), d]);
  const events = newestFirst(state.events).slice(0, LIMIT);
  const customers = newestFirst(state.customers)
    .filter((c): c is Stripe.Customer => !c.deleted)
    .slice(0, LIMIT);
  const sessions = newestFirst(state.checkoutSessions).slice(0, LIMIT);
  const invoices = newestFirst(state.invoices)
    .filter((i): i is Stripe.Invoice => !i.deleted)
    .slice(0, LIMIT);
  const card = (pmId: string | null) => {
    const pm = pmId ? state.paymentMethods[pmId] : undefined;
    return pm?.card ? `${pm.card.brand} •••• ${pm.card.last4}` : "—";
  };
  const body = html`${testModeHeader()}
    <h1>Stripe emulator</h1>
    <p class="muted">API version ${emu.apiVersion}. Webhook endpoints: ${webhookUrls.length ? webhookUrls.join(", ") : "none"}.</p>
    <section class="card">
      <h2>Recent events</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Event</th>
            <th scope="col">Created</th>
            <th scope="col">Deliveries</th>
          </tr>
        </thead>
        <tbody>
          ${events.map(
            (e) =>
              html`<tr>
                <td><code>${e.type}</code><br /><span class="muted">${e.id}</span></td>
                <td>${time(e.created)}</td>
                <td>
                  ${(deliveriesByEvent.get(e.id) ?? []).map(
                    (d) =>
                      html`<div>
                        ${d.status} (${d.attempts.length}
                        attempt${d.attempts.length === 1 ? "" : "s"}${d.attempts.at(-1)?.status ? `, last ${d.attempts.at(-1)?.status}` : ""})
                      </div>`,
                  )}
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
    </section>
    <section class="card">
      <h2>Customers</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Customer</th>
            <th scope="col">Email</th>
            <th scope="col">Default card</th>
          </tr>
        </thead>
        <tbody>
          ${customers.map(
            (c) =>
              html`<tr>
                <td><code>${c.id}</code></td>
                <td>${c.email ?? "—"}</td>
                <td>${card(idOf(c.invoice_settings.default_payment_method))}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </section>
    <section class="card">
      <h2>Checkout Sessions</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Session</th>
            <th scope="col">Mode</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          ${sessions.map(
            (s) =>
              html`<tr>
                <td>${s.url ? html`<a href="${s.url}">${s.id.slice(0, 24)}…</a>` : html`<code>${s.id.slice(0, 24)}…</code>`}</td>
                <td>${s.mode}${s.amount_total !== null ? ` ${formatAmount(s.amount_total, s.currency ?? "usd")}` : ""}</td>
                <td>${s.status} / ${s.payment_status}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </section>
    <section class="card">
      <h2>Invoices</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Invoice</th>
            <th scope="col">Amount due</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          ${invoices.map(
            (i) =>
              html`<tr>
                <td>
                  ${i.hosted_invoice_url ? html`<a href="${i.hosted_invoice_url}">${i.number ?? i.id}</a>` : html`<code>${i.id}</code>`}
                </td>
                <td>${formatAmount(i.amount_due, i.currency)}</td>
                <td>${i.status}${i.attempt_count ? ` (${i.attempt_count} attempt${i.attempt_count === 1 ? "" : "s"})` : ""}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </section>`;
  sendHtml(res, 200, page("Stripe emulator", body, { wide: true }));
}
