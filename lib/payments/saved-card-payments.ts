// Auto top-up through Stripe (SPEC §4): the saved card's off-session charge and its look-up, as the
// payments runAutoTopUp is given by the scheduler and the operator's on-demand run.
import type { TopUpPayments } from "../billing/run-auto-top-up";
import { chargeSavedCard } from "./charge-saved-card";
import { findSavedCardCharge } from "./find-saved-card-charge";

export const savedCardPayments: TopUpPayments = { charge: chargeSavedCard, findCharge: findSavedCardCharge };
