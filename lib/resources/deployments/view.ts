// A deployment as the API shows it: money as exact USD strings, times as ISO strings.
import type { DeploymentState, GpuType } from "../../db/generated/enums";
import { usdString } from "../../money";
import { GPU_MINUTE_PRICE, deploymentMinuteCost } from "../pricing";
import { MINUTE_MS, readyAt } from "./timing";

/** What a deployment runs, for its name: a custom model or LoRA of the account, else a catalogue model. */
export const DEPLOYED_MODEL_SELECT = {
  model: { select: { name: true } },
  customModel: { select: { name: true } },
} as const;

export function deployedModelName(row: { model: { name: string } | null; customModel: { name: string } | null }): string {
  return row.customModel?.name ?? row.model?.name ?? "unknown model";
}

export const DEPLOYMENT_SELECT = {
  id: true,
  gpuType: true,
  gpuCount: true,
  state: true,
  stoppedReason: true,
  startedAt: true,
  stoppedAt: true,
  lastMeteredAt: true,
  createdAt: true,
  ...DEPLOYED_MODEL_SELECT,
} as const;

export interface DeploymentRow {
  id: string;
  gpuType: GpuType;
  gpuCount: number;
  state: DeploymentState;
  stoppedReason: string | null;
  startedAt: Date | null;
  stoppedAt: Date | null;
  lastMeteredAt: Date | null;
  createdAt: Date;
  model: { name: string } | null;
  customModel: { name: string } | null;
}

export interface DeploymentView {
  id: string;
  model: string;
  gpuType: GpuType;
  gpuCount: number;
  state: DeploymentState;
  stoppedReason: string | null;
  createdAt: string;
  /** When the current (or last) run was started. */
  startedAt: string | null;
  /** When it became (or becomes) running and billable. */
  readyAt: string | null;
  stoppedAt: string | null;
  /** Charged up to this instant (exclusive). */
  meteredThrough: string | null;
  pricePerGpuMinuteUsd: string;
  pricePerMinuteUsd: string;
  /** Everything this deployment has been charged, all runs. */
  chargedUsd: string;
}

export function toDeploymentView(row: DeploymentRow, chargedMicros: bigint): DeploymentView {
  return {
    id: row.id,
    model: deployedModelName(row),
    gpuType: row.gpuType,
    gpuCount: row.gpuCount,
    state: row.state,
    stoppedReason: row.state === "stopped" ? row.stoppedReason : null,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    readyAt: row.startedAt ? readyAt(row.startedAt).toISOString() : null,
    stoppedAt: row.state === "stopped" ? (row.stoppedAt?.toISOString() ?? null) : null,
    meteredThrough: row.lastMeteredAt ? new Date(row.lastMeteredAt.getTime() + MINUTE_MS).toISOString() : null,
    pricePerGpuMinuteUsd: usdString(GPU_MINUTE_PRICE[row.gpuType]),
    pricePerMinuteUsd: usdString(deploymentMinuteCost(row.gpuType, row.gpuCount)),
    chargedUsd: usdString(chargedMicros),
  };
}
