// `expand[]=payment_intent`, `expand[]=invoice_settings.default_payment_method`,
// `expand[]=data.customer` on lists, and "includable" properties that Stripe only returns
// when expanded (`line_items` on Checkout Sessions, `payments` on invoices, `refunds` on charges).
import type { Emulator } from "./emulator";
import { invalidRequest } from "./errors";
import { listOf } from "./lists";
import { newestFirst } from "./lists";
import { snapshot, type State } from "./state";

const BY_PREFIX: Array<[string, keyof State]> = [
  ["cus_", "customers"],
  ["pm_", "paymentMethods"],
  ["cs_", "checkoutSessions"],
  ["seti_", "setupIntents"],
  ["pi_", "paymentIntents"],
  ["ch_", "charges"],
  ["re_", "refunds"],
  ["inpay_", "invoicePayments"],
  ["in_", "invoices"],
  ["ii_", "invoiceItems"],
  ["evt_", "events"],
];

export function findById(state: State, id: string): unknown {
  for (const [prefix, key] of BY_PREFIX) {
    if (id.startsWith(prefix)) return (state[key] as Record<string, unknown>)[id];
  }
  return undefined;
}

type Json = Record<string, unknown>;

function includable(emu: Emulator, obj: Json, property: string): unknown {
  const id = String(obj.id);
  if (obj.object === "checkout.session" && property === "line_items") {
    return listOf(emu.state.checkoutExtras[id]?.lineItems ?? [], `/v1/checkout/sessions/${id}/line_items`);
  }
  if (obj.object === "invoice" && property === "payments") {
    const payments = newestFirst(emu.state.invoicePayments).filter((p) => p.invoice === id);
    return listOf(payments, `/v1/invoice_payments?invoice=${id}`);
  }
  if (obj.object === "charge" && property === "refunds") {
    return listOf(
      newestFirst(emu.state.refunds).filter((r) => r.charge === id),
      `/v1/charges/${id}/refunds`,
    );
  }
  return undefined;
}

function expandPath(emu: Emulator, value: unknown, segments: string[], path: string): void {
  if (Array.isArray(value)) {
    for (const item of value) expandPath(emu, item, segments, path);
    return;
  }
  if (value === null || typeof value !== "object") return;
  const obj = value as Json;
  const [segment, ...rest] = segments;
  if (segment === undefined) return;
  let current = obj[segment];
  if (typeof current === "string") {
    const found = findById(emu.state, current);
    if (found !== undefined) {
      current = snapshot(found);
      obj[segment] = current;
    }
  } else if (current === undefined) {
    current = includable(emu, obj, segment);
    if (current === undefined) throw invalidRequest(`This property cannot be expanded (${segment}).`, { param: "expand" });
    obj[segment] = current;
  }
  if (rest.length > 0) expandPath(emu, current, rest, path);
}

/** Returns a copy of `value` with the requested properties expanded. */
export function applyExpand<T>(emu: Emulator, value: T, paths: string[] | undefined): T {
  const copy = snapshot(value);
  for (const path of paths ?? []) {
    const segments = path.split(".");
    if (segments.length > 4) {
      throw invalidRequest(`You cannot expand more than 4 levels of a property. Property: ${path}`, { param: "expand" });
    }
    expandPath(emu, copy, segments, path);
  }
  return copy;
}
