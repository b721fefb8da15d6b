import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/logger.ts";
import { startKam, type Kam } from "../../src/runtime.ts";
import { newTenant, newUser, personalMessage } from "../adapters/teams/activities.ts";
import { startFakeConnector, type FakeConnector } from "../support/fake-connector.ts";

/** With an app id configured, /api/messages accepts only activities signed by the Bot Framework. */
let kam: Kam;
let connector: FakeConnector;

beforeAll(async () => {
  connector = await startFakeConnector();
  const config = loadConfig({
    PORT: "0",
    DATA_DIR: "memory",
    KAM_SCHEDULER: "off",
    LOG_LEVEL: "silent",
    NODE_ENV: "test",
    MicrosoftAppId: "6f0c3b5e-2d4a-4f1b-9c8e-7a6b5c4d3e2f",
    MicrosoftAppPassword: "not-a-real-secret",
    MicrosoftAppType: "SingleTenant",
    MicrosoftAppTenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
  });
  kam = await startKam(config, createLogger({ level: "silent", pretty: false }));
});

afterAll(async () => {
  await kam?.stop();
  await connector?.close();
});

describe("Teams authentication", () => {
  it("rejects activities without a valid token with 401 and changes nothing", async () => {
    const w = { serviceUrl: connector.url, tenantId: newTenant(), user: newUser() };
    const post = (token?: string) =>
      fetch(`${kam.http.url}/api/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(token ? { authorization: token } : {}) },
        body: JSON.stringify(personalMessage(w, "help")),
      });
    const missing = await post();
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ error: "unauthorized" });
    expect((await post("Bearer not.a.jwt")).status).toBe(401);
    expect((await post("Basic dXNlcjpwYXNz")).status).toBe(401);
    // A token shaped like the Bot Framework's makes botbuilder fetch the signing keys; offline
    // that fails and the request is refused (500), still without running the bot.
    const forged = await post("Bearer eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJodHRwczovL2FwaS5ib3RmcmFtZXdvcmsuY29tIn0.c2ln");
    expect([401, 500]).toContain(forged.status);
    expect(JSON.stringify(await forged.json())).not.toMatch(/botframework\.com|ENOTFOUND/);
    expect(connector.calls).toHaveLength(0);
    expect(await kam.db.prisma.workspace.count()).toBe(0);
    expect(await kam.db.prisma.member.count()).toBe(0);
    expect(await kam.db.prisma.processedEvent.count()).toBe(0);
  });

  it("reports itself authenticated in /healthz", async () => {
    const health = (await (await fetch(`${kam.http.url}/healthz`)).json()) as { teams: unknown };
    expect(health.teams).toEqual({ status: "ok", detail: "authenticated (SingleTenant)" });
  });
});
