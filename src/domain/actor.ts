import type { Platform } from "../generated/prisma/enums.ts";

/** Who is acting: a member of one organization, or the system (jobs, seeding). */
export interface Actor {
  organizationId: string;
  memberId: string | null;
  platform: Platform | null;
}

export function systemActor(organizationId: string): Actor {
  return { organizationId, memberId: null, platform: null };
}
