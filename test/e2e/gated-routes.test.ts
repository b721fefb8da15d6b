import { afterEach, describe, expect, it } from "vitest";
import { createHttpApp, gatedRoutes, listen, type HttpServer } from "../../src/server.ts";
import { createLogger } from "../../src/logger.ts";

const logger = createLogger({ level: "silent", pretty: false });
let server: HttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("the gate in front of the platforms' routes", () => {
  it("holds a request that comes before the routes are mounted, then answers it from them; /healthz is never held", async () => {
    const app = createHttpApp(async () => ({ status: "ok" }) as never, logger);
    const gate = gatedRoutes(app);
    server = await listen(app, 0, logger, "127.0.0.1");
    let answered = false;
    const early = fetch(`${server.url}/api/messages`, { method: "POST" }).then((r) => {
      answered = true;
      return r;
    });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    expect(answered).toBe(false);

    gate.routes.post("/api/messages", (_req, res) => void res.status(202).json({ mounted: true }));
    gate.open();
    const res = await early;
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ mounted: true });
    expect(res.headers.get("x-powered-by")).toBeNull();
    // Paths no platform mounts get the server's own 404 once the gate is open.
    const unknown = await fetch(`${server.url}/nowhere`);
    expect({ status: unknown.status, body: await unknown.json() }).toEqual({ status: 404, body: { error: "not found" } });
  });
});
