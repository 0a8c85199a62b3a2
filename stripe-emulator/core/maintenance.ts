// Housekeeping on the stored state: Stripe's 30-day event retention, and keeping hosted-page
// links valid when a restart serves them from another address.
import type { State } from "./state";

const EVENT_RETENTION_SECONDS = 30 * 24 * 3600;

/** Drops events older than 30 days (as Stripe does) once their deliveries are finished. */
export function pruneOldEvents(state: State, now: number): number {
  const cutoff = now - EVENT_RETENTION_SECONDS;
  const busy = new Set(
    Object.values(state.deliveries)
      .filter((d) => d.status === "pending" || d.status === "in_flight")
      .map((d) => d.eventId),
  );
  let pruned = 0;
  for (const event of Object.values(state.events)) {
    if (event.created >= cutoff || busy.has(event.id)) continue;
    delete state.events[event.id];
    pruned++;
  }
  if (pruned > 0) {
    for (const d of Object.values(state.deliveries)) if (!state.events[d.eventId]) delete state.deliveries[d.id];
  }
  return pruned;
}

/** Rewrites stored hosted-page URLs from the previous base URL to the current one. */
export function relocateHostedUrls(state: State, publicUrl: string): void {
  const previous = state.publicUrl;
  state.publicUrl = publicUrl;
  if (!previous || previous === publicUrl) return;
  const move = (url: string | null | undefined) => (url?.startsWith(previous) ? publicUrl + url.slice(previous.length) : (url ?? null));
  for (const s of Object.values(state.checkoutSessions)) s.url = move(s.url);
  for (const i of Object.values(state.invoices)) {
    if (i.deleted) continue;
    i.hosted_invoice_url = move(i.hosted_invoice_url);
    i.invoice_pdf = move(i.invoice_pdf);
  }
  for (const c of Object.values(state.charges)) c.receipt_url = move(c.receipt_url);
}
