import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import { AppManifestUtils, type AppManifest } from "@microsoft/app-manifest";
import { unzipSync, strFromU8 } from "fflate";
import { describe, expect, it } from "vitest";
import { MANIFEST_DIR, teamsAppPackage, teamsManifest } from "../../../src/adapters/teams/app-package.ts";
import { KAM_BIN, ROOT } from "../../support/processes.ts";

const APP_ID = "6f0c3b5e-2d4a-4f1b-9c8e-7a6b5c4d3e2f";

/** Width, height, colour type and the alpha channel's values of a PNG (8-bit RGBA, no filters). */
function png(file: Buffer) {
  expect(file.subarray(1, 4).toString("ascii")).toBe("PNG");
  const width = file.readUInt32BE(16);
  const height = file.readUInt32BE(20);
  const colorType = file[25];
  const idat: Buffer[] = [];
  for (let at = 8; at < file.length; ) {
    const length = file.readUInt32BE(at);
    if (file.subarray(at + 4, at + 8).toString("ascii") === "IDAT") idat.push(file.subarray(at + 8, at + 8 + length));
    at += length + 12;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const pixels: number[][] = [];
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const i = y * (width * 4 + 1) + 1 + x * 4;
    pixels.push([raw[i]!, raw[i + 1]!, raw[i + 2]!, raw[i + 3]!]);
  }
  return { width, height, colorType, pixels };
}

describe("Teams manifest", () => {
  it("validates offline against its schema with @microsoft/app-manifest", async () => {
    const manifest = JSON.parse(readFileSync(join(MANIFEST_DIR, "manifest.json"), "utf8")) as AppManifest & Record<string, unknown>;
    expect(manifest.manifestVersion).toBe("1.30");
    expect(await AppManifestUtils.validateAgainstSchema(manifest)).toEqual([]);
    const filled = teamsManifest({ appId: APP_ID, version: "1.2.3" }) as unknown as AppManifest;
    expect(await AppManifestUtils.validateAgainstSchema(filled)).toEqual([]);
    const bots = (filled as unknown as { bots: { botId: string; scopes: string[]; commandLists: { commands: { title: string }[] }[] }[] }).bots;
    expect(bots[0]!.botId).toBe(APP_ID);
    expect(bots[0]!.scopes.sort()).toEqual(["groupChat", "personal", "team"]);
    expect(bots[0]!.commandLists[0]!.commands.map((c) => c.title)).toContain("link");
  });

  it("has a 192x192 colour icon and a 32x32 white-on-transparent outline icon", () => {
    const color = png(readFileSync(join(MANIFEST_DIR, "color.png")));
    expect([color.width, color.height]).toEqual([192, 192]);
    const outline = png(readFileSync(join(MANIFEST_DIR, "outline.png")));
    expect([outline.width, outline.height, outline.colorType]).toEqual([32, 32, 6]);
    expect(outline.pixels.every(([r, g, b, a]) => a === 0 || (r === 255 && g === 255 && b === 255))).toBe(true);
    expect(outline.pixels.some(([, , , a]) => a === 0)).toBe(true);
  });

  it("packages manifest and icons, with the app id filled in", () => {
    const files = unzipSync(teamsAppPackage({ appId: APP_ID.toUpperCase() }));
    expect(Object.keys(files).sort()).toEqual(["color.png", "manifest.json", "outline.png"]);
    const manifest = JSON.parse(strFromU8(files["manifest.json"]!)) as { id: string };
    expect(manifest.id).toBe(APP_ID);
    expect(() => teamsAppPackage({ appId: "not-a-guid" })).toThrow(/GUID/);
  });

  it("`kam manifest teams` writes the package zip", () => {
    const dir = mkdtempSync(join(tmpdir(), "kam-teams-"));
    try {
      const out = join(dir, "kam-teams.zip");
      const stdout = execFileSync(process.execPath, [KAM_BIN, "manifest", "teams", "--out", out], {
        cwd: ROOT,
        env: { ...process.env, MicrosoftAppId: APP_ID, MicrosoftAppPassword: "x", MicrosoftAppTenantId: APP_ID, LOG_LEVEL: "silent" },
        encoding: "utf8",
      });
      expect(stdout).toContain("kam-teams.zip");
      const files = unzipSync(readFileSync(out));
      expect((JSON.parse(strFromU8(files["manifest.json"]!)) as { bots: { botId: string }[] }).bots[0]!.botId).toBe(APP_ID);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
