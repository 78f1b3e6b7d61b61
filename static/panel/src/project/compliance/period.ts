/** Report periods: picked as whole UTC days, sent as an ISO instant range [from, to). */

export interface Period {
  /** First day, YYYY-MM-DD (UTC). */
  from: string;
  /** Last day included, YYYY-MM-DD (UTC). */
  to: string;
}

const day = (date: Date) => date.toISOString().slice(0, 10);

/** The last `days` days up to today (UTC): a period that holds recent work, so the report opens on data. */
export function lastDays(now: Date, days = 30): Period {
  const first = new Date(now.getTime());
  first.setUTCDate(first.getUTCDate() - (days - 1));
  return { from: day(first), to: day(now) };
}

/**
 * The resolver's payload: from the start of the first day to the end of the last, but never later
 * than now (the resolver refuses a period in the future).
 */
export function periodPayload(period: Period, now: Date): { from: string; to: string } {
  const end = new Date(`${period.to}T00:00:00.000Z`);
  end.setUTCDate(end.getUTCDate() + 1);
  const to = end.getTime() > now.getTime() ? now : end;
  return { from: `${period.from}T00:00:00.000Z`, to: to.toISOString() };
}

/** A sentence when the picked period cannot be asked for, else null. */
export function periodProblem(period: Period): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(period.from) || !/^\d{4}-\d{2}-\d{2}$/.test(period.to))
    return 'Pick a start and an end date.';
  if (period.to < period.from) return 'The end date is before the start date.';
  return null;
}
