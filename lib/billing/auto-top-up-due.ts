// Auto top-up decision (SPEC §4), pure: when the credit balance is below the threshold, buy the
// configured amount — unless that would take this month's auto top-ups past the monthly maximum.
import type { Micros } from "../money";

export interface AutoTopUpSettings {
  enabled: boolean;
  thresholdMicros: Micros;
  amountMicros: Micros;
  monthlyMaxMicros: Micros;
}

export type AutoTopUpDecision =
  { due: true; amountMicros: Micros } | { due: false; reason: "disabled" | "above_threshold" | "monthly_max_reached" };

export function autoTopUpDue(settings: AutoTopUpSettings, creditBalance: Micros, toppedUpThisMonth: Micros): AutoTopUpDecision {
  if (!settings.enabled) return { due: false, reason: "disabled" };
  if (creditBalance >= settings.thresholdMicros) return { due: false, reason: "above_threshold" };
  if (toppedUpThisMonth + settings.amountMicros > settings.monthlyMaxMicros) return { due: false, reason: "monthly_max_reached" };
  return { due: true, amountMicros: settings.amountMicros };
}
