// Prices (exact micro-USD) and the quota_exceeded message.
import { describe, expect, it } from "vitest";
import { GPU_MINUTE_PRICE, deploymentMinuteCost, FINE_TUNING_PRICE_PER_MTOK } from "@/lib/resources/pricing";
import { quotaExceededMessage } from "@/lib/quotas/check-quota";
import { usdString } from "@/lib/money";

describe("resource prices", () => {
  it("are integer micro-USD per GPU-minute and per 1M training tokens", () => {
    expect(GPU_MINUTE_PRICE).toEqual({ A100: 40_800n, H100: 66_700n });
    expect(usdString(GPU_MINUTE_PRICE.A100 * 60n)).toBe("2.448000");
    expect(deploymentMinuteCost("H100", 8)).toBe(533_600n);
    expect(FINE_TUNING_PRICE_PER_MTOK).toBe(500_000n);
  });
});

describe("quota_exceeded message", () => {
  it("names the quota, its value, the usage and the request", () => {
    expect(quotaExceededMessage("a100-gpus", 8, 6, 4)).toMatch(/^a100-gpus quota exceeded: 8 allowed, 6 in use, 4 requested\./);
  });
});
