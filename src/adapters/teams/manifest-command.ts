import type { Command } from "commander";

/** `kam manifest teams`. (Stub: lands with the Teams issue.) */
export function registerTeamsManifestCommand(manifest: Command): void {
  manifest.command("teams").description("write the Teams app package (not available yet)");
}
