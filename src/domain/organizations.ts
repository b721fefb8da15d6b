import { z } from "zod";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Platform } from "../generated/prisma/enums.ts";
import type { Actor } from "./actor.ts";
import { InvalidInputError } from "./errors.ts";
import * as limits from "./limits.ts";
import { nodeCron } from "./node-cron.ts";
import { requireOrg } from "./permissions.ts";
import { audit, inTransaction, type Tx } from "./tx.ts";

export const SUPPORTED_LOCALES = ["en", "de"] as const;

// Every request checks its zones; building an Intl.DateTimeFormat each time cost ~0.2 ms (bench:teams).
const zoneChecks = new Map<string, boolean>();
// ICU's own list (and UTC, which every implementation accepts) answers for canonical names in 2 ms;
// the first Intl.DateTimeFormat of a process costs 20–80 ms (ICU's start), which a reply without a
// date (`kam chat -c help`) need not pay. Other names (aliases, names newer than the ICU, typos)
// are tried as before.
let canonicalZones: Map<string, string> | undefined;
/** ICU's zone names (and UTC) by their lower case. */
const listedZones = () => (canonicalZones ??= new Map([...Intl.supportedValuesOf("timeZone"), "UTC"].map((z) => [z.toLowerCase(), z])));

export function isTimeZone(value: string): boolean {
  let valid = zoneChecks.get(value);
  if (valid === undefined && listedZones().get(value.toLowerCase()) === value) valid = true;
  if (valid === undefined) {
    try {
      new Intl.DateTimeFormat("en", { timeZone: value });
      valid = true;
    } catch {
      valid = false;
    }
    if (zoneChecks.size >= 1_000) zoneChecks.clear();
    zoneChecks.set(value, valid);
  }
  return valid;
}

/**
 * A zone as the zone list spells it ("europe/berlin" is Europe/Berlin), else as given: ICU's own
 * resolvedOptions() would turn Asia/Kolkata back into Asia/Calcutta.
 */
export function listedTimeZone(value: string): string {
  return listedZones().get(value.toLowerCase()) ?? value;
}

/**
 * The organization a Slack workspace or Teams tenant belongs to, created on first contact.
 * Concurrent first contacts race on the unique (platform, externalId) and converge on one row.
 */
export async function organizationForWorkspace(db: PrismaClient, platform: Platform, externalId: string, name: string | undefined, now: Date) {
  const existing = await db.workspace.findUnique({
    where: { platform_externalId: { platform, externalId } },
    include: { organization: true },
  });
  if (existing) return existing.organization;
  try {
    return await inTransaction(db, async (tx) => {
      const org = await tx.organization.create({ data: { name: name ?? externalId } });
      await tx.workspace.create({ data: { organizationId: org.id, platform, externalId, name: name ?? null } });
      await audit(tx, { organizationId: org.id, memberId: null, platform, now }, "organization.create", "Organization", org.id, {
        platform,
        externalId,
      });
      return org;
    });
  } catch (error) {
    const again = await db.workspace.findUnique({
      where: { platform_externalId: { platform, externalId } },
      include: { organization: true },
    });
    if (again) return again.organization;
    throw error;
  }
}

export const settingsSchema = z.discriminatedUnion("setting", [
  z.object({ setting: z.literal("timezone"), value: z.string().refine(isTimeZone, "timezone") }),
  z.object({ setting: z.literal("language"), value: z.enum(SUPPORTED_LOCALES) }),
  z.object({ setting: z.literal("currency"), value: limits.currency }),
  z.object({ setting: z.literal("reminders"), hour: z.number().int().min(0).max(23) }),
  z.object({
    setting: z.literal("digest"),
    weekday: z.number().int().min(0).max(6),
    hour: z.number().int().min(0).max(23),
    target: z.enum(["CHANNEL", "DIRECT"]).optional(),
  }),
  z.object({ setting: z.literal("quiet"), startHour: z.number().int().min(0).max(23), endHour: z.number().int().min(0).max(23) }),
  z.object({ setting: z.literal("workdays"), days: z.array(z.number().int().min(0).max(6)).min(1).max(7) }),
  z.object({ setting: z.literal("checks"), cron: z.string().min(9).max(100).refine((c) => nodeCron().validate(c), "cron") }),
  /** Days after a delivery of a product that needs training before "enablement due" flags it (checks.enablementDays). */
  z.object({ setting: z.literal("enablement"), days: z.number().int().min(1).max(365) }),
]);
export type SettingsChange = z.infer<typeof settingsSchema>;

/** Organization.settings with one of the check rules' tunables (src/domain/rules/settings.ts) set. */
function withCheckSetting(settings: unknown, key: string, value: number) {
  const all = settings && typeof settings === "object" && !Array.isArray(settings) ? (settings as Record<string, unknown>) : {};
  const checks = all.checks && typeof all.checks === "object" && !Array.isArray(all.checks) ? (all.checks as Record<string, unknown>) : {};
  return JSON.parse(JSON.stringify({ ...all, checks: { ...checks, [key]: value } }));
}

export async function changeSettings(db: PrismaClient, actor: Actor, input: SettingsChange) {
  const parsed = settingsSchema.safeParse(input);
  if (!parsed.success) throw new InvalidInputError(String(parsed.error.issues[0]?.path[0] ?? "value"), "error.invalidSetting");
  const change = parsed.data;
  return inTransaction(db, async (tx) => {
    await requireOrg(tx, actor, "settings.change");
    const current = change.setting === "enablement" ? await tx.organization.findUniqueOrThrow({ where: { id: actor.organizationId }, select: { settings: true } }) : null;
    const data =
      change.setting === "timezone" ? { timeZone: change.value }
      : change.setting === "language" ? { locale: change.value }
      : change.setting === "currency" ? { currency: change.value }
      : change.setting === "reminders" ? { reminderHour: change.hour }
      : change.setting === "digest" ? { digestWeekday: change.weekday, digestHour: change.hour, ...(change.target ? { digestTarget: change.target } : {}) }
      : change.setting === "quiet" ? { quietStartHour: change.startHour, quietEndHour: change.endHour }
      : change.setting === "workdays" ? { workingDays: [...new Set(change.days)].sort() }
      : change.setting === "enablement" ? { settings: withCheckSetting(current?.settings, "enablementDays", change.days) }
      : { checkCron: change.cron };
    const org = await tx.organization.update({ where: { id: actor.organizationId }, data });
    await audit(tx, actor, "settings.change", "Organization", org.id, change);
    return org;
  });
}

/** The organization's time zone: a record's day (an order's, today) is its day there. */
export async function organizationTimeZone(tx: Tx, organizationId: string): Promise<string> {
  return (await tx.organization.findUniqueOrThrow({ where: { id: organizationId }, select: { timeZone: true } })).timeZone;
}
