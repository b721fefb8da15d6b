import type { Platform } from "../generated/prisma/enums.ts";

/** Who is acting: a member of one organization, or the system (jobs, seeding). */
export interface Actor {
  organizationId: string;
  memberId: string | null;
  platform: Platform | null;
  /**
   * The moment of the request or job run this action belongs to: the one clock of the domain.
   * Services never read the system clock; they take it from here (or from a job's `now`).
   */
  now: Date;
}

export function systemActor(organizationId: string, now: Date): Actor {
  return { organizationId, memberId: null, platform: null, now };
}
