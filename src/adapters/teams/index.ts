import type { MountPlatform } from "../platform.ts";

/** Teams: botbuilder CloudAdapter at POST /api/messages. (Stub: lands with the Teams issue.) */
export const mountTeams: MountPlatform = async () => ({
  status: () => ({ status: "not_configured" }),
  notifier: null,
  stop: async () => {},
});
