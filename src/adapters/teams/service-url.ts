import { isIP } from "node:net";

/**
 * Where kam may send a conversation's replies and notifications: the activity's `serviceUrl`. It
 * is checked as text, before anything is looked up or connected to, since an activity is what an
 * attacker controls. Without authentication only this machine (loopback) can be named; with it,
 * only Bot Framework hosts (botbuilder checks besides that the token's serviceurl claim names
 * exactly this URL).
 */
const BOT_FRAMEWORK_HOSTS = new Set([
  // Teams, public cloud (https://smba.trafficmanager.net/<region>/)
  "smba.trafficmanager.net",
  // Teams, US government clouds: GCC, GCC High, DoD
  "smba.infra.gcc.teams.microsoft.com",
  "smba.infra.gov.teams.microsoft.us",
  "smba.infra.dod.teams.microsoft.us",
]);
/** Other Bot Framework channels (Web Chat, Direct Line …) in the public, US government and China clouds. */
const BOT_FRAMEWORK_SUFFIXES = [".botframework.com", ".botframework.us", ".botframework.azure.cn"];

export type ServiceUrlVerdict = { ok: true } | { ok: false; reason: string };

function parse(raw: unknown): URL | null {
  if (typeof raw !== "string" || raw.length > 2048) return null;
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.startsWith("[") ? hostname.slice(1, -1) : hostname;
  if (host === "localhost") return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  return host === "::1";
}

export function isBotFrameworkHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return BOT_FRAMEWORK_HOSTS.has(host) || BOT_FRAMEWORK_SUFFIXES.some((suffix) => host.endsWith(suffix) && host.length > suffix.length);
}

export function checkServiceUrl(raw: unknown, authenticated: boolean): ServiceUrlVerdict {
  const url = parse(raw);
  if (!url) return { ok: false, reason: "missing or not a URL" };
  if (url.username || url.password) return { ok: false, reason: "credentials in the URL" };
  if (!authenticated) {
    if (url.protocol !== "http:" && url.protocol !== "https:") return { ok: false, reason: "not http(s)" };
    return isLoopbackHost(url.hostname) ? { ok: true } : { ok: false, reason: "not a loopback address (Teams authentication is off)" };
  }
  if (url.protocol !== "https:" || url.port !== "") return { ok: false, reason: "not https on the default port" };
  return isBotFrameworkHost(url.hostname) ? { ok: true } : { ok: false, reason: "not a Bot Framework host" };
}
