// The emulator's shared context: state, clock, configuration and the event emitter,
// handed to every resource handler and hosted page.
import type Stripe from "stripe";
import type { EmulatorClock } from "./clock";
import type { State } from "./state";

/** What caused an event: an API request (`req_…` + its Idempotency-Key) or nothing (a hosted page). */
export interface RequestOrigin {
  id: string | null;
  idempotency_key: string | null;
}

export const NO_REQUEST: RequestOrigin = { id: null, idempotency_key: null };

export interface Emulator {
  state: State;
  clock: EmulatorClock;
  apiVersion: string;
  /** Base URL of hosted pages (`<publicUrl>/c/pay/cs_test_…`), known once the server listens. */
  publicUrl(): string;
  /** Records a Stripe event (snapshot of `object`) and queues its webhook deliveries. */
  emit(type: Stripe.Event.Type, object: { id: string }, origin: RequestOrigin, previous?: object): Stripe.Event;
  /** Marks the state as changed (persisted when a state file is configured). */
  changed(): void;
}
