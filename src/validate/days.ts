/** Day counting shared by the expiry checks, the --min-days gate and the reports, so they never disagree. Pure. */

export const DAY_MS = 86_400_000;

/** Whole days from `from` to `to`: 0 on the last day, negative once `to` has passed. ISO strings or Dates. */
export function wholeDays(from: Date | string, to: Date | string): number {
  const ms = (t: Date | string) => (typeof t === "string" ? Date.parse(t) : t.getTime());
  return Math.floor((ms(to) - ms(from)) / DAY_MS);
}
