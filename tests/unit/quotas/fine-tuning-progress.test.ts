// Fine-tuning's simulated progress and its per-step charges.
import { describe, expect, it } from "vitest";
import {
  MAX_STEP_TOKENS,
  progressAt,
  startedAtForResume,
  stepCount,
  stepTokens,
  stepsIn,
  timeReaching,
  tokensThroughStep,
  totalTokens,
} from "@/lib/resources/fine-tuning/progress";
import { trainingCostThrough } from "@/lib/resources/pricing";

describe("fine-tuning progress", () => {
  it("slices a job into 1 % steps, at most 10M tokens each, the last one possibly shorter", () => {
    expect(stepTokens(3_000_000n)).toBe(30_000n);
    expect(stepCount(3_000_000n)).toBe(100);
    expect(stepTokens(50n)).toBe(1n);
    expect(stepTokens(10_000_000_000n)).toBe(MAX_STEP_TOKENS);
    expect(stepCount(10_000_000_000n)).toBe(1000);
    expect(stepCount(1_001n)).toBe(91); // 11-token steps, the last one 1 token
    expect(tokensThroughStep(1_001n, 91)).toBe(1_001n);
    expect(stepsIn(1_001n, 1_000n)).toBe(90);
    expect(stepsIn(1_001n, 1_001n)).toBe(91);
  });

  it("charges the job's exact total however the steps fall (differences of one rounded function)", () => {
    for (const total of [1n, 7n, 999_999n, 3_000_000n, 123_456_789n]) {
      let sum = 0n;
      let prev = 0n;
      for (let k = 1; k <= stepCount(total); k++) {
        const through = tokensThroughStep(total, k);
        sum += trainingCostThrough(through) - trainingCostThrough(prev);
        prev = through;
      }
      expect(sum).toBe(trainingCostThrough(total));
    }
    expect(trainingCostThrough(totalTokens(1_000_000n, 3))).toBe(1_500_000n); // $1.50 at $0.50/M
  });

  it("trains at a fixed rate from startedAt, capped at the total, never going backwards", () => {
    const startedAt = new Date("2031-03-10T12:00:00Z");
    const job = { startedAt, trainedTokens: 0n, total: 3_000_000n };
    expect(progressAt(job, new Date("2031-03-10T12:00:10Z"))).toBe(200_000n);
    expect(progressAt(job, new Date("2031-03-10T13:00:00Z"))).toBe(3_000_000n);
    expect(progressAt({ ...job, trainedTokens: 500_000n }, new Date("2031-03-10T12:00:01Z"))).toBe(500_000n);
    expect(timeReaching(startedAt, 3_000_000n).toISOString()).toBe("2031-03-10T12:02:30.000Z");
  });

  it("a resumed job continues from what it had trained", () => {
    const now = new Date("2031-03-10T15:00:00Z");
    const startedAt = startedAtForResume(now, 1_234_567n);
    const job = { startedAt, trainedTokens: 1_234_567n, total: 3_000_000n };
    expect(progressAt(job, now)).toBe(1_234_567n);
    expect(progressAt(job, new Date(now.getTime() + 1000))).toBeGreaterThanOrEqual(1_234_567n + 19_990n);
  });
});
