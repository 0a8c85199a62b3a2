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

/** The first day of the month before `at`'s month. */
export function previousMonthStart(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() - 1, 1));
}

const LABEL = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** "2026-11" → 2026-11-01T00:00:00Z, or null when the text is not a month label. */
export function parsePeriodLabel(label: string): Date | null {
  const match = LABEL.exec(label.trim());
  if (!match) return null;
  return new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1));
}
