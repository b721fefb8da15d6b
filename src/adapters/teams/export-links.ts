import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { Config } from "../../config.ts";

/** How long a Teams export link works. */
export const EXPORT_LINK_MINUTES = 15;
const SECRET_FILE = "export-link-secret";

/** What a link exports, for whom, until when (ms since the epoch). */
export interface ExportLink {
  organizationId: string;
  memberId: string;
  kind: string;
  account?: string;
  expires: number;
}

const linkSchema = z.object({
  organizationId: z.string().min(1).max(100),
  memberId: z.string().min(1).max(100),
  kind: z.string().min(1).max(40),
  account: z.string().min(1).max(200).optional(),
  expires: z.number().int(),
});

/**
 * The key that signs export links: KAM_EXPORT_SECRET, else one generated once into the data
 * directory (mode 0600), so links survive a restart; an in-memory database gets one per process.
 */
export function exportLinkSecret(config: Pick<Config, "KAM_EXPORT_SECRET" | "DATA_DIR">): Buffer {
  if (config.KAM_EXPORT_SECRET) return Buffer.from(config.KAM_EXPORT_SECRET, "utf8");
  if (config.DATA_DIR === "memory") return randomBytes(32);
  const path = join(config.DATA_DIR, SECRET_FILE);
  if (!existsSync(path)) {
    mkdirSync(config.DATA_DIR, { recursive: true });
    writeFileSync(path, randomBytes(32).toString("hex"), { mode: 0o600, flag: "wx" });
  }
  chmodSync(path, 0o600);
  return Buffer.from(readFileSync(path, "utf8").trim(), "utf8");
}

const mac = (secret: Buffer, payload: string) => createHmac("sha256", secret).update(payload).digest();

/** `<payload>.<HMAC-SHA256 of the payload>`, both base64url: the link carries everything, nothing is stored. */
export function signExportLink(link: ExportLink, secret: Buffer): string {
  const payload = Buffer.from(JSON.stringify(link), "utf8").toString("base64url");
  return `${payload}.${mac(secret, payload).toString("base64url")}`;
}

export type LinkVerdict = { ok: true; link: ExportLink } | { ok: false; status: 403 | 410 };

/** 403 for a token kam did not sign (or altered), 410 for one whose time is up. */
export function verifyExportLink(token: string, secret: Buffer, now: Date): LinkVerdict {
  const [payload, signature, extra] = token.split(".");
  if (!payload || !signature || extra !== undefined || token.length > 2048) return { ok: false, status: 403 };
  const expected = mac(secret, payload);
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, status: 403 };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return { ok: false, status: 403 };
  }
  const link = linkSchema.safeParse(parsed);
  if (!link.success) return { ok: false, status: 403 };
  if (link.data.expires <= now.getTime()) return { ok: false, status: 410 };
  const { account, ...rest } = link.data;
  return { ok: true, link: { ...rest, ...(account ? { account } : {}) } };
}
