export const JOB_KINDS = ["checks", "reminders", "digest"] as const;
export type JobKind = (typeof JOB_KINDS)[number];
