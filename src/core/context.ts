import type { Account, Member, Organization } from "../generated/prisma/client.ts";
import type { Actor } from "../domain/actor.ts";
import type { CoreDeps } from "./deps.ts";
import type { Formats, Locale, Translate } from "./i18n/index.ts";
import type { ChatRequest } from "./request.ts";

/** Everything a command needs about who asks, where, in which language and time zone. */
export interface CommandContext {
  deps: CoreDeps;
  request: ChatRequest;
  actor: Actor;
  organization: Organization;
  member: Member;
  /** The account bound to the channel the request came from, if any. */
  boundAccount: Account | null;
  locale: Locale;
  timeZone: string;
  t: Translate;
  fmt: Formats;
  now: Date;
  /** Today's calendar day (YYYY-MM-DD) in the caller's time zone. */
  today: string;
  /** Today's calendar day in the organization's time zone: the day prices and checks go by. */
  organizationToday: string;
}
