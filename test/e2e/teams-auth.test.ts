import dns from "node:dns";
import { createServer, type Server } from "node:http";
import { generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { startKam, type Kam } from "../../src/runtime.ts";
import { newTenant, newUser, personalMessage } from "../adapters/teams/activities.ts";
import { captureLogger } from "../support/capture-logger.ts";
import { startFakeConnector, type FakeConnector } from "../support/fake-connector.ts";

/**
 * With an app id configured, /api/messages accepts only activities signed by the Bot Framework.
 * The signing keys come from a local OpenID metadata server (botbuilder's own
 * ToBotFromChannelOpenIdMetadataUrl setting), so tokens can be made here and nothing leaves loopback.
 */
const APP_ID = "6f0c3b5e-2d4a-4f1b-9c8e-7a6b5c4d3e2f";
const TEAMS_URL = "https://smba.trafficmanager.net/emea/";
let kam: Kam;
let connector: FakeConnector;
let keys: Server;
let closed: Server;
const log = captureLogger();
const signing = generateKeyPairSync("rsa", { modulusLength: 2048 });
const stranger = generateKeyPairSync("rsa", { modulusLength: 2048 });

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

function jwt(claims: Record<string, unknown>, options: { kid?: string; key?: KeyObject } = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const header = Buffer.from(JSON.stringify({ alg: "RS256", typ: "JWT", kid: options.kid ?? "key-1" })).toString("base64url");
  const payload = Buffer.from(JSON.stringify({ iss: "https://api.botframework.com", aud: APP_ID, nbf: now - 60, exp: now + 3600, ...claims })).toString("base64url");
  const signature = sign("sha256", Buffer.from(`${header}.${payload}`), options.key ?? signing.privateKey).toString("base64url");
  return `Bearer ${header}.${payload}.${signature}`;
}

beforeAll(async () => {
  connector = await startFakeConnector();
  keys = createServer((req, res) => {
    res.setHeader("content-type", "application/json");
    if (req.url === "/openid") return res.end(JSON.stringify({ jwks_uri: `${base}/keys` }));
    const jwk = { ...signing.publicKey.export({ format: "jwk" }), kid: "key-1", use: "sig", endorsements: ["msteams"] };
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  const base = await listen(keys);
  // A key endpoint that does not answer: a port that was open and is closed again.
  closed = createServer();
  const gone = await listen(closed);
  await new Promise((r) => closed.close(r));
  const config = loadConfig({
    PORT: "0",
    DATA_DIR: "memory",
    KAM_SCHEDULER: "off",
    NODE_ENV: "test",
    MicrosoftAppId: APP_ID,
    MicrosoftAppPassword: "not-a-real-secret",
    MicrosoftAppType: "SingleTenant",
    MicrosoftAppTenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
    ToBotFromChannelOpenIdMetadataUrl: `${base}/openid`,
    // Tokens of any other issuer are checked against this one, which is unreachable.
    ToBotFromEmulatorOpenIdMetadataUrl: `${gone}/openid`,
  });
  kam = await startKam(config, log.logger);
});

afterAll(async () => {
  await kam?.stop();
  await connector?.close();
  await new Promise((r) => keys?.close(r));
});

async function nothingStored() {
  expect(connector.calls).toHaveLength(0);
  expect(await kam.db.prisma.workspace.count()).toBe(0);
  expect(await kam.db.prisma.member.count()).toBe(0);
  expect(await kam.db.prisma.conversation.count()).toBe(0);
  expect(await kam.db.prisma.processedEvent.count()).toBe(0);
}

const activity = (serviceUrl: string) => personalMessage({ serviceUrl, tenantId: newTenant(), user: newUser() }, "account add Intruder");
const post = (body: Record<string, unknown>, token?: string) =>
  fetch(`${kam.http.url}/api/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: token } : {}) },
    body: JSON.stringify(body),
  });

describe("Teams authentication", () => {
  it("listens on all interfaces", () => {
    expect((kam.http.server.address() as AddressInfo).address).toBe("0.0.0.0");
  });

  it("refuses missing, malformed, forged and unverifiable tokens with 401, one log line and no stack trace", async () => {
    const printed = [vi.spyOn(console, "error"), vi.spyOn(console, "warn")];
    const body = activity(TEAMS_URL);
    const tokens = {
      missing: undefined,
      notAJwt: "Bearer not.a.jwt",
      basic: "Basic dXNlcjpwYXNz",
      // A known key id, signed with another key.
      forged: jwt({ serviceurl: TEAMS_URL }, { key: stranger.privateKey }),
      unknownKey: jwt({ serviceurl: TEAMS_URL }, { kid: "key-2" }),
      expired: jwt({ serviceurl: TEAMS_URL, exp: Math.floor(Date.now() / 1000) - 3600 }),
      otherAudience: jwt({ serviceurl: TEAMS_URL, aud: "someone-else" }),
      // The token vouches for another service URL than the activity names (botbuilder's check).
      otherServiceUrl: jwt({ serviceurl: "https://smba.trafficmanager.net/amer/" }),
      // Another issuer: its keys would come from the unreachable endpoint.
      keysUnreachable: jwt({ serviceurl: TEAMS_URL, iss: "https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/" }),
    };
    const reasons: Record<string, RegExp> = {
      forged: /bad signature/,
      unknownKey: /unknown signing key/,
      expired: /expired/,
      otherAudience: /Invalid AppId/,
      otherServiceUrl: /ServiceUrl claim do not match/,
      keysUnreachable: /signing keys not available/,
    };
    for (const [name, token] of Object.entries(tokens)) {
      const mark = log.lines.length;
      const res = await post(body, token);
      expect(res.status, name).toBe(401);
      expect(await res.json(), name).toEqual({ error: "unauthorized" });
      const lines = log.since(mark);
      expect(lines.map((l) => l.msg), name).toEqual(["teams: request not authenticated"]);
      if (name in reasons) expect(String(lines[0]!.reason), name).toMatch(reasons[name]!);
      expect(JSON.stringify(lines), name).not.toMatch(/\n\s+at |BEGIN (RSA )?PUBLIC KEY/);
    }
    expect(printed.flatMap((p) => p.mock.calls)).toEqual([]);
    printed.forEach((p) => p.mockRestore());
    await nothingStored();
  });

  it("refuses service URLs that are not Bot Framework hosts, even with a valid token that vouches for them", async () => {
    for (const serviceUrl of [connector.url, "https://evil.example/", "http://smba.trafficmanager.net/emea/", "https://smba.trafficmanager.net.evil.example/", "https://botframework.com.evil.example/"]) {
      const mark = log.lines.length;
      const res = await post(activity(serviceUrl), jwt({ serviceurl: serviceUrl }));
      expect(res.status, serviceUrl).toBe(403);
      expect(log.since(mark).map((l) => l.msg)).toEqual(["teams: service URL refused"]);
    }
    await nothingStored();
  });

  it("lets a valid token for a Bot Framework service URL through (an activity that needs no reply)", async () => {
    const lookups = vi.spyOn(dns, "lookup");
    const typing = { ...activity(TEAMS_URL), type: "typing", text: undefined };
    const mark = log.lines.length;
    const res = await post(typing, jwt({ serviceurl: TEAMS_URL }));
    expect(res.status, JSON.stringify(log.since(mark))).toBe(200);
    expect(lookups).not.toHaveBeenCalled();
    lookups.mockRestore();
  });

  it("reports itself authenticated in /healthz", async () => {
    const health = (await (await fetch(`${kam.http.url}/healthz`)).json()) as { teams: unknown };
    expect(health.teams).toEqual({ status: "ok", detail: "authenticated (SingleTenant)" });
  });
});
