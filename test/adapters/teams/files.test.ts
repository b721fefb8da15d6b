import { describe, expect, it } from "vitest";
import { attachedFile, checkDownloadUrl } from "../../../src/adapters/teams/files.ts";

describe("Teams attached files: where kam may download them from", () => {
  it("with authentication, only https SharePoint Online hosts on the default port", () => {
    expect(checkDownloadUrl("https://contoso-my.sharepoint.com/personal/maria/_layouts/15/download.aspx?UniqueId=1&tempauth=x", true).ok).toBe(true);
    for (const refused of [
      "http://contoso-my.sharepoint.com/file.csv",
      "https://contoso-my.sharepoint.com:8443/file.csv",
      "https://sharepoint.com/file.csv",
      "https://contoso.sharepoint.com.attacker.example/file.csv",
      "https://user:pw@contoso.sharepoint.com/file.csv",
      "https://127.0.0.1/file.csv",
      "https://169.254.169.254/latest/meta-data",
      "file:///etc/passwd",
      "not a url",
      42,
      undefined,
    ]) {
      expect(checkDownloadUrl(refused, true).ok, String(refused)).toBe(false);
    }
  });

  it("without authentication, only loopback", () => {
    expect(checkDownloadUrl("http://127.0.0.1:3978/files/f1/a.csv", false).ok).toBe(true);
    expect(checkDownloadUrl("http://[::1]:3978/files/f1/a.csv", false).ok).toBe(true);
    expect(checkDownloadUrl("https://contoso-my.sharepoint.com/file.csv", false).ok).toBe(false);
    expect(checkDownloadUrl("ftp://127.0.0.1/file.csv", false).ok).toBe(false);
  });

  it("finds the file.download.info attachment and ignores the others", () => {
    const activity = {
      attachments: [
        { contentType: "text/html", content: "<p>hi</p>" },
        { contentType: "application/vnd.microsoft.teams.file.download.info", name: "orders.csv", content: { downloadUrl: "https://x.sharepoint.com/d" } },
      ],
    };
    expect(attachedFile(activity)).toEqual({ name: "orders.csv", downloadUrl: "https://x.sharepoint.com/d" });
    expect(attachedFile({ attachments: [{ contentType: "text/html" }] })).toBeNull();
    expect(attachedFile({})).toBeNull();
  });
});
