import type { Server } from "node:http";
import express, { type Express, type Router } from "express";
import type { Logger } from "./logger.ts";

export type ComponentStatus = { status: "ok" | "degraded" | "down" | "not_configured"; detail?: string };
export interface Health {
  status: "ok" | "degraded" | "down";
  database: ComponentStatus;
  slack: ComponentStatus;
  teams: ComponentStatus;
  scheduler: ComponentStatus;
  outbox: { pending: number; failed: number; oldestPendingSeconds: number | null };
}

export interface HttpServer {
  app: Express;
  server: Server;
  url: string;
  /** Stops accepting connections and waits up to `graceMs` for requests being answered. */
  close(graceMs?: number): Promise<void>;
}

/**
 * The one HTTP server of `kam serve`: `/healthz`, and whatever the platform adapters mount
 * (`/slack/events`, `/api/messages`) before `listen` is called.
 */
export function createHttpApp(health: () => Promise<Health>, logger: Logger): Express {
  const app = express();
  app.disable("x-powered-by");
  app.get("/healthz", async (_req, res) => {
    try {
      const report = await health();
      res.status(report.status === "down" ? 503 : 200).json(report);
    } catch (error) {
      logger.error({ err: error }, "health check failed");
      res.status(503).json({ status: "down" });
    }
  });
  return app;
}

/**
 * Routes mounted on `app` behind a gate (`kam serve` mounts the platforms on them once it
 * listens): requests that reach them before `open()` wait, then get their route (or the 404 after
 * them). A Router, not a sub-app: a mounted app swaps every request's prototypes (req and res) on
 * the way in and out.
 */
export function gatedRoutes(app: Express): { routes: Router; open(): void } {
  const routes = express.Router();
  let opened = false;
  let open!: () => void;
  const ready = new Promise<void>((resolve) => (open = resolve));
  app.use((_req, _res, next) => (opened ? next() : void ready.then(() => next())));
  app.use(routes);
  return {
    routes,
    open: () => {
      opened = true;
      open();
    },
  };
}

export function listen(app: Express, port: number, logger: Logger, host = "0.0.0.0"): Promise<HttpServer> {
  // Unknown paths and errors get a short JSON answer, never a stack trace.
  app.use((_req, res) => void res.status(404).json({ error: "not found" }));
  app.use((error: Error & { status?: number; type?: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) logger.error({ err: error }, "request failed");
    else logger.warn({ status, type: error.type ?? error.message.slice(0, 100) }, "request refused");
    res.status(status).json({ error: status === 500 ? "internal error" : error.type ?? "bad request" });
  });
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (error?: Error) => {
      if (error) return reject(error);
      const address = server.address();
      const actualPort = typeof address === "object" && address ? address.port : port;
      const local = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
      resolve({
        app,
        server,
        url: `http://${local}:${actualPort}`,
        close: (graceMs = 0) =>
          new Promise<void>((done) => {
            // Stop accepting; idle keep-alive connections close now, busy ones once their
            // response is out, and whatever is still open after graceMs is cut.
            server.close(() => {
              clearInterval(idle);
              clearTimeout(cut);
              done();
            });
            server.closeIdleConnections();
            const idle = setInterval(() => server.closeIdleConnections(), 50);
            const cut = setTimeout(() => server.closeAllConnections(), graceMs);
          }),
      });
    });
    server.on("error", reject);
  });
}
