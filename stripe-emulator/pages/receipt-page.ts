// Charge receipts (`receipt_url`): amount, card, date, refunds.
import type http from "node:http";
import type { Emulator } from "../core/emulator";
import { formatAmount } from "../core/money";
import { sendHtml } from "../http/respond";
import { formatDate, html, page, testModeHeader } from "./html";

export function handleReceiptPage(emu: Emulator, res: http.ServerResponse, chargeId: string): void {
  const charge = emu.state.charges[chargeId];
  if (!charge || charge.status !== "succeeded") {
    return sendHtml(
      res,
      404,
      page(
        "Not found — Stripe emulator",
        html`${testModeHeader()}
          <section class="card"><h1>Receipt not found</h1></section>`,
      ),
    );
  }
  const card = charge.payment_method_details?.card;
  sendHtml(
    res,
    200,
    page(
      "Receipt — Stripe emulator",
      html`${testModeHeader()}
        <section class="card" aria-label="Receipt">
          <h1>Receipt</h1>
          <p class="amount">${formatAmount(charge.amount, charge.currency)}</p>
          <table>
            <tr>
              <th scope="row">Date paid</th>
              <td class="num">${formatDate(charge.created)}</td>
            </tr>
            <tr>
              <th scope="row">Payment method</th>
              <td class="num">${card ? `${card.brand ?? "card"} •••• ${card.last4 ?? ""}` : "card"}</td>
            </tr>
            ${
              charge.description
                ? html`<tr>
                    <th scope="row">Description</th>
                    <td class="num">${charge.description}</td>
                  </tr>`
                : ""
            }
            ${
              charge.amount_refunded > 0
                ? html`<tr>
                    <th scope="row">Refunded</th>
                    <td class="num">${formatAmount(charge.amount_refunded, charge.currency)}</td>
                  </tr>`
                : ""
            }
          </table>
        </section>`,
    ),
  );
}
