/**
 * The one clock of kam. Requests and job runs read it once, at their start, and hand that moment
 * down (the command context's `now`, an Actor's `now`, a job's `now`); nothing below reads the
 * system clock itself, so tests set one moment and the suite passes on any day.
 */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
