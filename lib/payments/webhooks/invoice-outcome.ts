// Map a billing invoice verb's result to a webhook outcome. "not found" is an invoice that is not
// ours (other Stripe usage on the same account): acknowledged and ignored.
import type { InvoiceEventResult } from "../../billing/find-invoice";
import type { WebhookOutcome } from "./types";

export function invoiceOutcome(result: InvoiceEventResult, verb: string): WebhookOutcome {
  if (result.ok) {
    return {
      result: result.outcome,
      accountId: result.accountId,
      note: `invoice ${result.invoiceId} ${result.status}; account ${result.accountStatus}`,
    };
  }
  if (result.reason === "not_found") return { result: "ignored", accountId: null, note: "not a Headroom invoice" };
  if (result.reason === "conflict") return { result: "ignored", accountId: null, note: result.message };
  throw new Error(`${verb} refused the event: ${result.message}`);
}
