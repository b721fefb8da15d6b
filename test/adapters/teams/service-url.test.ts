import { describe, expect, it } from "vitest";
import { checkServiceUrl } from "../../../src/adapters/teams/service-url.ts";

describe("which service URLs kam sends to", () => {
  it("without authentication: loopback only", () => {
    for (const url of ["http://127.0.0.1:3978/", "http://localhost:3978/", "http://[::1]:3978/", "https://127.0.0.2/"]) expect(checkServiceUrl(url, false), url).toEqual({ ok: true });
    for (const url of ["https://smba.trafficmanager.net/emea/", "http://10.0.0.1/", "http://169.254.169.254/", "http://127.0.0.1.nip.io/", "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/", "http://u:p@127.0.0.1/", "ftp://127.0.0.1/", "", null, 42]) {
      expect(checkServiceUrl(url, false).ok, String(url)).toBe(false);
    }
  });

  it("with authentication: Bot Framework hosts over https only", () => {
    for (const url of [
      "https://smba.trafficmanager.net/emea/",
      "https://smba.trafficmanager.net/teams/",
      "https://smba.infra.gcc.teams.microsoft.com/teams",
      "https://smba.infra.gov.teams.microsoft.us/teams",
      "https://smba.infra.dod.teams.microsoft.us/teams",
      "https://webchat.botframework.com/",
      "https://europe.webchat.botframework.com/",
      "https://directline.botframework.us/",
      "https://webchat.botframework.azure.cn/",
      "https://SMBA.trafficmanager.net/emea/",
    ]) {
      expect(checkServiceUrl(url, true), url).toEqual({ ok: true });
    }
    for (const url of [
      "http://smba.trafficmanager.net/emea/",
      "https://smba.trafficmanager.net:8443/emea/",
      "https://evil.trafficmanager.net/",
      "https://smba.trafficmanager.net.evil.example/",
      "https://botframework.com/",
      "https://evilbotframework.com/",
      "https://x.botframework.com.evil.example/",
      "https://u@smba.trafficmanager.net/",
      "http://127.0.0.1:3978/",
    ]) {
      expect(checkServiceUrl(url, true).ok, url).toBe(false);
    }
  });
});
