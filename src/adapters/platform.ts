import type { Router } from "express";
import type { Config } from "../config.ts";
import type { CoreDeps } from "../core/deps.ts";
import type { Notifier } from "../core/notifier.ts";
import type { Database } from "../db/client.ts";
import type { Logger } from "../logger.ts";
import type { ComponentStatus } from "../server.ts";

/** What `kam serve` gives each platform adapter. */
export interface AdapterDeps {
  config: Config;
  db: Database;
  logger: Logger;
  core: CoreDeps;
}

/** A mounted platform adapter: its health, its Notifier for the outbox (when configured), its shutdown. */
export interface PlatformHandle {
  status(): ComponentStatus;
  notifier: Notifier | null;
  stop(): Promise<void>;
}

/** Mounts an adapter's routes (`kam serve` mounts them once it listens, see runtime.ts). */
export type MountPlatform = (routes: Router, deps: AdapterDeps) => Promise<PlatformHandle>;
