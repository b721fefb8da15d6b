import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Logger } from "../logger.ts";

/** What the core handler needs from the running process. */
export interface CoreDeps {
  db: PrismaClient;
  logger: Logger;
  /** The clock; tests move it. */
  now?: () => Date;
}
