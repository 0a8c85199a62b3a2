// Pure helpers of the deployments & fine-tuning page: exact prices from decimal strings, token
// counts, what a form sends, which refusals are quota refusals, and how a deployment's run reads.
import { describe, expect, it } from "vitest";
import { ApiError } from "@/components/console/api";
import { errorsFromApi } from "@/components/console/form-errors";
import {
  DEPLOYMENT_STATE,
  FINE_TUNING_STATE,
  compactTokens,
  deploymentTiming,
  exactUsd,
  gpuLabel,
  isQuotaExceeded,
  tokenCount,
  wholeNumberInput,
} from "@/components/deployments/format";
import { deploymentsRefetchMs } from "@/components/deployments/hooks/use-deployments";
import { fineTuningRefetchMs } from "@/components/deployments/hooks/use-fine-tuning-jobs";
import { createDeploymentSchema } from "@/lib/resources/schemas";

describe("exact prices", () => {
  it("keeps the sub-cent digits a price has, and only those", () => {
    expect(exactUsd("0.040800")).toBe("$0.0408");
    expect(exactUsd("0.266800")).toBe("$0.2668");
    expect(exactUsd("0.000001")).toBe("$0.000001");
    expect(exactUsd("12.500000")).toBe("$12.50");
    expect(exactUsd("0.00")).toBe("$0.00");
    expect(exactUsd("1234.5")).toBe("$1,234.50");
    expect(exactUsd("-3.10")).toBe("-$3.10");
  });

  it("never rounds a large amount through a float", () => {
    expect(exactUsd("900719925474099.123457")).toBe("$900,719,925,474,099.123457");
  });
});

describe("counts and labels", () => {
  it("formats token counts in full and short", () => {
    expect(tokenCount(1_200_000)).toBe("1,200,000");
    expect(compactTokens(900)).toBe("900");
    expect(compactTokens(1_000)).toBe("1K");
    expect(compactTokens(350_500)).toBe("350.5K");
    expect(compactTokens(2_400_000)).toBe("2.4M");
    expect(compactTokens(3_000_000_000)).toBe("3B");
    expect(gpuLabel(3, "A100")).toBe("3 × A100");
  });

  it("has a label and a tone for every state the API knows", () => {
    expect(Object.keys(DEPLOYMENT_STATE)).toEqual(["starting", "running", "stopped"]);
    expect(Object.keys(FINE_TUNING_STATE)).toEqual(["queued", "running", "paused", "completed", "failed", "cancelled"]);
    expect(FINE_TUNING_STATE.failed!.tone).toBe("danger");
  });
});

describe("form input", () => {
  it("sends whole numbers as numbers and anything else as typed, so the API's schema names the problem", () => {
    expect(wholeNumberInput(" 4 ")).toBe(4);
    expect(wholeNumberInput("2,000,000")).toBe(2_000_000);
    expect(wholeNumberInput("1.5")).toBe("1.5");
    expect(wholeNumberInput("")).toBe("");
    const bad = createDeploymentSchema.safeParse({ model: "hr-small-8b", gpuType: "A100", gpuCount: wholeNumberInput("two") });
    expect(bad.error?.issues[0]).toMatchObject({ path: ["gpuCount"], message: "must be a whole number of GPUs" });
    expect(createDeploymentSchema.safeParse({ model: "hr-small-8b", gpuType: "a100", gpuCount: wholeNumberInput("0") }).success).toBe(
      false,
    );
  });

  it("tells a quota refusal from other errors, and keeps its message on the form (it names no field)", () => {
    const quota = new ApiError(
      422,
      "quota_exceeded",
      "a100-gpus quota exceeded: 8 allowed, 6 in use, 4 requested. Free some up or request an increase with POST /api/v1/quota-requests.",
    );
    expect(isQuotaExceeded(quota)).toBe(true);
    expect(errorsFromApi(quota, ["model", "gpuType", "gpuCount"])).toEqual({ form: quota.message });
    expect(isQuotaExceeded(new ApiError(402, "spend_limit_reached", "The account is suspended"))).toBe(false);
    expect(isQuotaExceeded(new Error("offline"))).toBe(false);
  });
});

describe("deployment runs", () => {
  const fmt = (iso: string) => iso.slice(11, 16);
  const base = { readyAt: "2026-03-01T10:01:00.000Z", startedAt: "2026-03-01T10:00:10.000Z", stoppedAt: null, stoppedReason: null };

  it("says when a deployment is ready, since when it runs, and why it stopped", () => {
    expect(deploymentTiming({ ...base, state: "starting" }, fmt)).toBe("Ready at 10:01");
    expect(deploymentTiming({ ...base, state: "running" }, fmt)).toBe("Running since 10:01");
    expect(
      deploymentTiming({ ...base, state: "stopped", stoppedAt: "2026-03-01T11:30:00.000Z", stoppedReason: "stopped by the owner" }, fmt),
    ).toBe("Stopped 11:30 — stopped by the owner");
    expect(deploymentTiming({ ...base, state: "stopped" }, fmt)).toBe("Stopped");
  });

  it("looks more often while something is starting or training", () => {
    expect(deploymentsRefetchMs([{ state: "starting" } as never])).toBe(5_000);
    expect(deploymentsRefetchMs([{ state: "stopped" } as never])).toBe(20_000);
    expect(deploymentsRefetchMs(undefined)).toBe(20_000);
    expect(fineTuningRefetchMs([{ state: "running" } as never])).toBe(5_000);
    expect(fineTuningRefetchMs([{ state: "completed" } as never])).toBe(30_000);
  });
});
