import type { Command } from "commander";

/** `kam manifest slack --url https://host`. (Stub: lands with the Slack issue.) */
export function registerSlackManifestCommand(manifest: Command): void {
  manifest.command("slack").description("print the Slack app manifest (not available yet)");
}
