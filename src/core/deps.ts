import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Logger } from "../logger.ts";
import type { Clock } from "./clock.ts";

/** What the core handler needs from the running process. */
export interface CoreDeps {
  db: PrismaClient;
  logger: Logger;
  /** The clock each request reads once (src/core/clock.ts); tests set it. */
  now: Clock;
}
