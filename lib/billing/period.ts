// Billing periods are calendar months in UTC (SPEC §3).
export function monthStart(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
}

export function nextMonthStart(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
}

export function isSamePeriod(a: Date, b: Date): boolean {
  return monthStart(a).getTime() === monthStart(b).getTime();
}

/** "2026-11" */
export function periodLabel(at: Date): string {
  return monthStart(at).toISOString().slice(0, 7);
}
