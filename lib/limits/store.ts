// The one interface the gateway and the console call; memory-store.ts and redis-store.ts implement it.
import type { Policy } from "./policy";
import type { Admission, Cost, LimitView } from "./types";

export interface LimiterStore {
  /**
   * Decides one request and, when admitted, charges `cost` to the key's buckets — atomically per key.
   * `now` is epoch ms (inject a Clock); `modelLoad` the model's utilisation of its capacity (0..1+).
   */
  admit(key: string, policy: Policy, cost: Cost, now: number, modelLoad: number): Promise<Admission>;
  /** The same decision without a promise, for a store that holds its state in this process. */
  admitSync?(key: string, policy: Policy, cost: Cost, now: number, modelLoad: number): Admission;
  /**
   * After the response: corrects the reservation `reserved` (the admitted cost) to `actual`.
   * `admittedLocally`: the admission said `local` (see Admission) — settle where it was reserved.
   */
  settle(key: string, policy: Policy, reserved: Cost, actual: Cost, now: number, admittedLocally?: boolean): Promise<void>;
  /** The key's limits and remaining amounts at `now`; changes nothing. */
  peek(key: string, policy: Policy, now: number): Promise<LimitView>;
  close(): Promise<void>;
}

/** One key per account × model: the buckets of different models never mix. */
export function limitKey(accountId: string, modelId: string): string {
  return `${accountId}:${modelId}`;
}
