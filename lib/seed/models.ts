// The models a fresh Headroom serves (simulated), with prices, size classes and capacity.
// Bigger models have lower capacity and grow their rate limits more slowly (SPEC §6).
import type { SizeClass } from "../db/generated/enums";
import { parseUsd } from "../money";

export interface SeedModel {
  name: string;
  displayName: string;
  sizeClass: SizeClass;
  inputPricePerMTok: bigint;
  outputPricePerMTok: bigint;
  capacityTokensPerMin: number;
  concurrency: number;
  tokensPerSecond: number;
  firstTokenMs: number;
  policy: { baseRpm: number; capRpm: number; growthRpmPerMinute: number };
}

export const SEED_MODELS: SeedModel[] = [
  {
    name: "hr-small-8b",
    displayName: "Headroom Small 8B",
    sizeClass: "small",
    inputPricePerMTok: parseUsd("0.20"),
    outputPricePerMTok: parseUsd("0.20"),
    capacityTokensPerMin: 20_000_000,
    concurrency: 64,
    tokensPerSecond: 400,
    firstTokenMs: 40,
    policy: { baseRpm: 60, capRpm: 2000, growthRpmPerMinute: 12 },
  },
  {
    name: "hr-medium-70b",
    displayName: "Headroom Medium 70B",
    sizeClass: "medium",
    inputPricePerMTok: parseUsd("0.90"),
    outputPricePerMTok: parseUsd("0.90"),
    capacityTokensPerMin: 8_000_000,
    concurrency: 32,
    tokensPerSecond: 120,
    firstTokenMs: 120,
    policy: { baseRpm: 60, capRpm: 2000, growthRpmPerMinute: 12 },
  },
  {
    name: "hr-large-405b",
    displayName: "Headroom Large 405B",
    sizeClass: "large",
    inputPricePerMTok: parseUsd("3.00"),
    outputPricePerMTok: parseUsd("3.00"),
    capacityTokensPerMin: 2_000_000,
    concurrency: 8,
    tokensPerSecond: 40,
    firstTokenMs: 300,
    policy: { baseRpm: 30, capRpm: 600, growthRpmPerMinute: 4 },
  },
];
