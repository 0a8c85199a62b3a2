// The in-process store: a Map of key → state, for a single app instance (the embedded default) and
// as the Redis store's fallback. Synchronous underneath; the async methods only satisfy the interface.
import { admit } from "./admit";
import { freshState } from "./advance";
import { assertValidCost } from "./cost";
import { policyConstants } from "./policy-constants";
import { settle } from "./settle";
import { viewAt } from "./view";
import type { Policy } from "./policy";
import type { LimiterStore } from "./store";
import type { Admission, Cost, LimiterState, LimitView } from "./types";

interface Entry {
  state: LimiterState;
  /** After this (epoch ms) the state equals a fresh one (policy-constants.ts idleTtlMs): forget it. */
  expiresAt: number;
}

const SWEEP_INTERVAL_MS = 60_000;

export class MemoryLimiterStore implements LimiterStore {
  private readonly entries = new Map<string, Entry>();
  private nextSweepAt = 0;

  admitSync(key: string, policy: Policy, cost: Cost, now: number, modelLoad: number): Admission {
    assertValidCost(cost);
    const result = admit(policy, this.stateOf(key, policy, now), cost, now, modelLoad);
    if (result.admission.decision.outcome === "admit" || result.admission.decision.outcome === "admit_over_limit") {
      this.save(key, policy, result.state, now);
    }
    return result.admission;
  }

  settleSync(key: string, policy: Policy, reserved: Cost, actual: Cost, now: number): void {
    assertValidCost(reserved);
    assertValidCost(actual);
    this.save(key, policy, settle(policy, this.stateOf(key, policy, now), reserved, actual, now), now);
  }

  peekSync(key: string, policy: Policy, now: number): LimitView {
    return viewAt(policy, this.stateOf(key, policy, now), now);
  }

  /** The stored state (undefined when never used or expired); for tests and debugging. */
  inspect(key: string, now: number): LimiterState | undefined {
    const entry = this.entries.get(key);
    return entry && entry.expiresAt > now ? entry.state : undefined;
  }

  get size(): number {
    return this.entries.size;
  }

  async admit(key: string, policy: Policy, cost: Cost, now: number, modelLoad: number): Promise<Admission> {
    return this.admitSync(key, policy, cost, now, modelLoad);
  }

  async settle(key: string, policy: Policy, reserved: Cost, actual: Cost, now: number): Promise<void> {
    this.settleSync(key, policy, reserved, actual, now);
  }

  async peek(key: string, policy: Policy, now: number): Promise<LimitView> {
    return this.peekSync(key, policy, now);
  }

  async close(): Promise<void> {
    this.entries.clear();
  }

  private stateOf(key: string, policy: Policy, now: number): LimiterState {
    const entry = this.entries.get(key);
    return entry && entry.expiresAt > now ? entry.state : freshState(policy, now);
  }

  private save(key: string, policy: Policy, state: LimiterState, now: number): void {
    const expiresAt = state.refilledAt + policyConstants(policy).idleTtlMs;
    const entry = this.entries.get(key);
    if (entry) {
      entry.state = state;
      entry.expiresAt = expiresAt;
    } else {
      this.entries.set(key, { state, expiresAt });
    }
    if (now >= this.nextSweepAt) this.sweep(now);
  }

  /** Amortised eviction of idle keys, at most once a minute, so memory tracks active keys only. */
  private sweep(now: number): void {
    this.nextSweepAt = now + SWEEP_INTERVAL_MS;
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}
