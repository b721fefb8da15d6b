import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exportLinkSecret, signExportLink, verifyExportLink } from "../../../src/adapters/teams/export-links.ts";
import { TEST_NOW } from "../../support/clock.ts";

const link = { organizationId: "org-1", memberId: "mem-1", kind: "invoices", account: "acme", expires: TEST_NOW.getTime() + 15 * 60_000 };

describe("Teams export links", () => {
  const secret = Buffer.from("k".repeat(32));

  it("verifies what it signed until it expires, then answers 410", () => {
    const token = signExportLink(link, secret);
    expect(verifyExportLink(token, secret, TEST_NOW)).toEqual({ ok: true, link });
    expect(verifyExportLink(token, secret, new Date(link.expires))).toEqual({ ok: false, status: 410 });
  });

  it("refuses with 403 a token signed with another key, altered, or not a token at all", () => {
    const token = signExportLink(link, secret);
    expect(verifyExportLink(token, Buffer.from("x".repeat(32)), TEST_NOW)).toEqual({ ok: false, status: 403 });
    const [payload, signature] = token.split(".");
    const wider = Buffer.from(JSON.stringify({ ...link, account: undefined, expires: link.expires + 86_400_000 })).toString("base64url");
    expect(verifyExportLink(`${wider}.${signature}`, secret, TEST_NOW).ok).toBe(false);
    expect(verifyExportLink(`${payload}.${signature}x`, secret, TEST_NOW).ok).toBe(false);
    for (const junk of ["", ".", "abc", `${payload}`, `${token}.more`]) expect(verifyExportLink(junk, secret, TEST_NOW)).toEqual({ ok: false, status: 403 });
  });

  it("takes KAM_EXPORT_SECRET, else generates one key into the data directory, readable by kam only, and keeps it", () => {
    expect(exportLinkSecret({ KAM_EXPORT_SECRET: "s".repeat(40), DATA_DIR: "memory" }).toString()).toBe("s".repeat(40));
    const dir = mkdtempSync(join(tmpdir(), "kam-export-"));
    try {
      const first = exportLinkSecret({ KAM_EXPORT_SECRET: undefined, DATA_DIR: dir });
      expect(first.length).toBe(64);
      expect(statSync(join(dir, "export-link-secret")).mode & 0o777).toBe(0o600);
      expect(exportLinkSecret({ KAM_EXPORT_SECRET: undefined, DATA_DIR: dir })).toEqual(first);
      expect(readFileSync(join(dir, "export-link-secret"), "utf8")).toBe(first.toString());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
