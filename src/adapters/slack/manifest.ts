import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";


/** Where Slack sends commands, events and interactivity (HTTP mode). */
export const EVENTS_PATH = "/slack/events";

export const MANIFEST_PATH = fileURLToPath(new URL("../../../manifests/slack/manifest.json", import.meta.url));

/** The committed manifest (placeholder host kam.example.com). */
export function loadManifest(): Record<string, unknown> {
  return JSON.parse(readFileSync(MANIFEST_PATH, "utf8")) as Record<string, unknown>;
}

interface ManifestShape {
  features: { slash_commands?: { url?: string }[] };
  settings: {
    event_subscriptions?: { request_url?: string };
    interactivity?: { request_url?: string; is_enabled: boolean };
    socket_mode_enabled?: boolean;
  };
}

/** The public base URL checked and normalised: https (or http for localhost), no query, no trailing slash. */
export function publicBaseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`not a URL: ${JSON.stringify(url)} (expected e.g. https://kam.example.com)`);
  }
  const local = ["localhost", "127.0.0.1"].includes(parsed.hostname);
  if (parsed.protocol !== "https:" && !(local && parsed.protocol === "http:")) {
    throw new Error(`Slack only calls https URLs: ${url}`);
  }
  if (parsed.search || parsed.hash) throw new Error(`the URL should have no query or fragment: ${url}`);
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, "")}`;
}

/**
 * The manifest ready to paste into "Create app from manifest": request URLs pointing at
 * `<url>/slack/events`, or, for Socket Mode, no URLs and socket_mode_enabled.
 */
export function buildManifest(options: { url?: string; socketMode?: boolean; name?: string }): Record<string, unknown> {
  const manifest = loadManifest();
  const m = manifest as unknown as ManifestShape & { display_information: { name: string }; features: { bot_user?: { display_name: string } } };
  if (options.name) {
    m.display_information.name = options.name.slice(0, 35);
    if (m.features.bot_user) m.features.bot_user.display_name = options.name.slice(0, 80);
  }
  if (options.socketMode) {
    for (const c of m.features.slash_commands ?? []) delete c.url;
    if (m.settings.event_subscriptions) delete m.settings.event_subscriptions.request_url;
    if (m.settings.interactivity) delete m.settings.interactivity.request_url;
    m.settings.socket_mode_enabled = true;
    return manifest;
  }
  if (!options.url) throw new Error("give the public URL: kam manifest slack --url https://your.host (or --socket for Socket Mode)");
  const endpoint = `${publicBaseUrl(options.url)}${EVENTS_PATH}`;
  for (const c of m.features.slash_commands ?? []) c.url = endpoint;
  if (m.settings.event_subscriptions) m.settings.event_subscriptions.request_url = endpoint;
  if (m.settings.interactivity) m.settings.interactivity.request_url = endpoint;
  m.settings.socket_mode_enabled = false;
  return manifest;
}
