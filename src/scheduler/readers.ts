import { toLocale, type Locale } from "../core/i18n/index.ts";
import { announcementReply } from "../core/messages/announcement.ts";
import type { OutgoingMessage } from "../core/notifier.ts";
import type { Reply } from "../core/reply.ts";
import type { OutboxPayload } from "../domain/notifications.ts";
import { isTimeZone } from "../domain/organizations.ts";
import type { PrismaClient } from "../generated/prisma/client.ts";

interface Reader {
  locale: Locale;
  timeZone: string;
}

/**
 * Turns an outbox payload into the message a notifier delivers. A stored announcement is rendered
 * now, for its reader: the member's own language and time zone for a direct message (falling back
 * to the organization's), the organization's for a channel. A payload with a reply rendered when
 * it was written (digests, rows from before announcements were stored) is delivered as it is.
 * Settings are read once per instance: make one per drain, so a changed setting counts from the next.
 */
export class Readers {
  private readonly organizations = new Map<string, Promise<{ locale: string; timeZone: string } | null>>();
  private readonly members = new Map<string, Promise<{ locale: string | null; timeZone: string | null } | null>>();

  constructor(private readonly db: PrismaClient) {}

  async outgoing(payload: OutboxPayload): Promise<OutgoingMessage> {
    const { announcement, memberId: _memberId, reply, ...rest } = payload;
    if (!announcement) return { ...rest, reply: reply as Reply };
    const reader = await this.reader(payload.organizationId, payload.memberId);
    return { ...rest, reply: announcementReply(announcement, reader.locale, reader.timeZone) };
  }

  private async reader(organizationId: string, memberId: string | undefined): Promise<Reader> {
    let org = this.organizations.get(organizationId);
    if (!org) this.organizations.set(organizationId, (org = this.db.organization.findUnique({ where: { id: organizationId }, select: { locale: true, timeZone: true } })));
    let member: Promise<{ locale: string | null; timeZone: string | null } | null> | undefined;
    if (memberId) {
      member = this.members.get(memberId);
      if (!member) this.members.set(memberId, (member = this.db.member.findFirst({ where: { id: memberId, organizationId }, select: { locale: true, timeZone: true } })));
    }
    const [o, m] = await Promise.all([org, member]);
    const timeZone = [m?.timeZone, o?.timeZone].find((z): z is string => !!z && isTimeZone(z)) ?? "UTC";
    return { locale: toLocale(m?.locale) ?? toLocale(o?.locale) ?? "en", timeZone };
  }
}
