import type { Express } from "express";
import type { AdapterDeps } from "../platform.ts";
import { apiRouter } from "./router.ts";

export const API_PATH = "/api/v1";

/** Mounts the HTTP API for ERP systems at /api/v1, before the server listens. */
export function mountApi(app: Express, deps: AdapterDeps): void {
  app.use(API_PATH, apiRouter({ db: deps.db.prisma, logger: deps.logger, now: deps.core.now, bodyLimit: deps.config.KAM_API_BODY_LIMIT }));
}
