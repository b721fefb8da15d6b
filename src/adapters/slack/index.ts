import type { MountPlatform } from "../platform.ts";

/** Slack: Bolt at POST /slack/events (HTTP mode) or Socket Mode. (Stub: lands with the Slack issue.) */
export const mountSlack: MountPlatform = async () => ({
  status: () => ({ status: "not_configured" }),
  notifier: null,
  stop: async () => {},
});
