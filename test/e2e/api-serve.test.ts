import { afterAll, beforeAll, expect, it, describe } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { startKam, type Kam } from "../../src/runtime.ts";
import { silentLogger } from "../support/chat.ts";

/** `kam serve` itself serves the HTTP API at /api/v1, beside /healthz and the platforms. */
describe("the HTTP API in kam serve", () => {
  let kam: Kam;
  beforeAll(async () => {
    kam = await startKam(loadConfig({ PORT: "0", DATA_DIR: "memory", KAM_SCHEDULER: "off", KAM_LISTEN_HOST: "127.0.0.1", NODE_ENV: "test" }), silentLogger);
  });
  afterAll(async () => {
    await kam?.stop();
  });

  it("serves the OpenAPI document to anyone and everything else only with a token", async () => {
    const doc = await fetch(`${kam.http.url}/api/v1/openapi.json`);
    expect(doc.status).toBe(200);
    expect(((await doc.json()) as { openapi: string }).openapi).toBe("3.1.0");
    for (const path of ["/api/v1/flags", "/api/v1/orders", "/api/v1/nothing-here"]) {
      const res = await fetch(`${kam.http.url}${path}`);
      expect(res.status, path).toBe(401);
      expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    }
    expect((await fetch(`${kam.http.url}/healthz`)).status).toBe(200);
  });
});
