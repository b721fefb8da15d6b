import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { buildManifest } from "./manifest.ts";

/** `kam manifest slack --url https://host`: prints the Slack app manifest with the public URL filled in. */
export function registerSlackManifestCommand(manifest: Command): void {
  manifest
    .command("slack")
    .description("print the Slack app manifest for \"Create an app from a manifest\" (https://api.slack.com/apps)")
    .option("--url <url>", "public base URL of kam serve, e.g. https://kam.example.com (Slack calls <url>/slack/events)")
    .option("--socket", "Socket Mode: no request URLs (local development with SLACK_APP_TOKEN)")
    .option("--name <name>", "app and bot name shown in Slack", "kam")
    .option("-o, --output <file>", "write to a file instead of printing")
    .action((options: { url?: string; socket?: boolean; name?: string; output?: string }) => {
      let text: string;
      try {
        text = `${JSON.stringify(buildManifest({ ...(options.url ? { url: options.url } : {}), socketMode: Boolean(options.socket), ...(options.name ? { name: options.name } : {}) }), null, 2)}\n`;
      } catch (error) {
        process.stderr.write(`kam: ${(error as Error).message}\n`);
        process.exit(2);
      }
      if (options.output) {
        writeFileSync(options.output, text);
        process.stderr.write(`Wrote ${options.output}\n`);
      } else {
        process.stdout.write(text);
      }
    });
}
