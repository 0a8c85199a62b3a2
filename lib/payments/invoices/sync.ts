// The invoice outbox: month close only writes draft invoices to our database; this loop sends
// every draft that has something to charge to Stripe (and settles in Stripe the invoices credits
// paid), so no invoice is lost if the app stops between closing the month and calling Stripe.
// Runs on every instance; each invoice's work is claimed once across them (JobRun).
import { errorSummary, log } from "../../log";
import { sendPendingInvoices } from "./send-invoice";
import { settlePaidInvoices } from "./settle-invoice";

export interface InvoiceSync {
  /** One pass now (tools, tests). */
  runOnce(): Promise<void>;
  stop(): Promise<void>;
}

export function startInvoiceSync(opts: { intervalMs?: number } = {}): InvoiceSync {
  let running: Promise<void> | null = null;
  const runOnce = () => {
    // Never two passes at once on one instance.
    running ??= (async () => {
      try {
        await sendPendingInvoices();
        await settlePaidInvoices();
      } catch (err) {
        log.error("invoice sync pass failed", { error: errorSummary(err) });
      } finally {
        running = null;
      }
    })();
    return running;
  };
  const timer = setInterval(() => void runOnce(), opts.intervalMs ?? 2_000);
  timer.unref();
  return {
    runOnce,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
