import type { Account, Member, Organization } from "../generated/prisma/client.ts";
import { AmbiguousError, DomainError, InvalidInputError } from "../domain/errors.ts";
import { StaleVersionError } from "../domain/changes.ts";
import { accountForChannel } from "../domain/accounts.ts";
import { isTimeZone } from "../domain/organizations.ts";
import { issueKey } from "../domain/validate.ts";
import { COMMANDS, commandByName, findCommand } from "./commands/index.ts";
import { UsageError, type Command, type FormValues } from "./commands/command.ts";
import type { CommandContext } from "./context.ts";
import type { CoreDeps } from "./deps.ts";
import { todayIn } from "./grammar/dates.ts";
import { tokenize } from "./grammar/tokens.ts";
import { formats, toLocale, translator } from "./i18n/index.ts";
import { runOnce } from "./idempotency.ts";
import type { Block, Reply } from "./reply.ts";
import type { ChatRequest } from "./request.ts";
import { unstorableRefusal, requestHasUnstorableText } from "./grammar/text-input.ts";
import { observed } from "./observers.ts";

/** Longest accepted command line; longer input is refused, not truncated. */
export const MAX_TEXT = 4000;

/**
 * Who asks and where, kept for a few seconds: a burst of requests from one person in one channel
 * loads member, organization and channel binding once. Any write in this process clears it; other
 * processes see a change after at most CONTEXT_TTL_MS. Permissions are not cached (the domain
 * services check them in each transaction).
 */
const CONTEXT_TTL_MS = 5_000;
type Loaded = { member: Member & { organization: Organization }; boundAccount: Account | null; expires: number };
const contextCache = new WeakMap<object, Map<string, Loaded>>();

function cacheOf(deps: CoreDeps): Map<string, Loaded> {
  let cache = contextCache.get(deps.db);
  if (!cache) contextCache.set(deps.db, (cache = new Map()));
  return cache;
}

type Who = Pick<ChatRequest, "organizationId" | "memberId" | "platform" | "channelId">;
const keyOf = (request: Who) => `${request.organizationId}|${request.memberId}|${request.platform}|${request.channelId ?? ""}`;

/**
 * An adapter that has just loaded who asks, organization included, hands it over rather than have
 * the handler load it again (kam chat -c: a query fewer at a cold start, where each costs most).
 * Outside a channel only: a channel's bound account is the handler's to look up.
 */
export function knownMember(deps: CoreDeps, request: Who, member: Member & { organization: Organization }, now: Date): void {
  if (request.channelId || member.id !== request.memberId || member.organizationId !== request.organizationId) return;
  cacheOf(deps).set(keyOf(request), { member, boundAccount: null, expires: now.getTime() + CONTEXT_TTL_MS });
}

async function load(deps: CoreDeps, request: ChatRequest, now: Date): Promise<Loaded | null> {
  const cache = cacheOf(deps);
  const key = keyOf(request);
  const hit = cache.get(key);
  if (hit && hit.expires > now.getTime()) return hit;
  const member = await deps.db.member.findFirst({
    where: { id: request.memberId, organizationId: request.organizationId },
    include: { organization: true },
  });
  if (!member) return null;
  const boundAccount = request.channelId
    ? await accountForChannel(deps.db, member.organizationId, request.platform, request.channelId)
    : null;
  if (cache.size > 10_000) cache.clear();
  const loaded = { member, boundAccount, expires: now.getTime() + CONTEXT_TTL_MS };
  cache.set(key, loaded);
  return loaded;
}

async function context(deps: CoreDeps, request: ChatRequest): Promise<CommandContext | null> {
  const now = deps.now();
  const loaded = await load(deps, request, now);
  if (!loaded) return null;
  const { member, boundAccount } = loaded;
  const organization = member.organization;
  const locale = toLocale(member.locale) ?? toLocale(request.locale) ?? toLocale(organization.locale) ?? "en";
  const timeZone = [member.timeZone, organization.timeZone].find((z): z is string => !!z && isTimeZone(z)) ?? "UTC";
  let today: string | undefined;
  let organizationToday: string | undefined;
  return {
    deps,
    request,
    actor: { organizationId: organization.id, memberId: member.id, platform: request.platform, now },
    organization,
    member,
    boundAccount,
    locale,
    timeZone,
    t: translator(locale),
    fmt: formats(locale, timeZone),
    now,
    // Worked out when a command asks: the first Intl date format of a process costs tens of
    // milliseconds (ICU), which `help` and other replies without a date need not pay.
    get today() {
      return (today ??= todayIn(timeZone, now));
    },
    get organizationToday() {
      return (organizationToday ??= todayIn(organization.timeZone, now));
    },
  };
}

function refusal(ctx: CommandContext, message: string, command?: Command): Reply {
  const blocks: Block[] = [{ kind: "text", text: message, tone: "error" }];
  if (command) blocks.push({ kind: "text", text: ctx.t("usage.label", { usage: ctx.t(`usage.${command.name}`) }), tone: "muted" });
  return { ok: false, visibility: "caller", summary: message, blocks };
}

function describeError(ctx: CommandContext, error: unknown): { message: string; field?: string } | null {
  if (error instanceof UsageError) {
    const params = { ...error.params };
    if (typeof params.what === "string") params.what = ctx.t(`field.${params.what}`, { defaultValue: params.what });
    return { message: ctx.t(error.key, params), ...(error.field ? { field: error.field } : {}) };
  }
  if (error instanceof DomainError) {
    const params = { ...error.params } as Record<string, string | number>;
    if (typeof params.kind === "string") params.kind = ctx.t(`kind.${params.kind}`);
    if (typeof params.field === "string") params.fieldName = ctx.t(`field.${params.field.split(".").pop()}`, { defaultValue: params.field });
    // Instants travel as ISO strings: shown in the reader's language and time zone.
    if (typeof params.at === "string" && /^\d{4}-\d{2}-\d{2}T/.test(params.at)) params.at = ctx.fmt.dateTime(new Date(params.at));
    if (typeof params.reason === "string" && params.reason.startsWith("undo.reason.")) params.reason = ctx.t(params.reason);
    if (typeof params.action === "string") params.action = ctx.t(`history.action.${params.action}`, { defaultValue: params.action });
    const message = ctx.t(error.key, params);
    if (error instanceof AmbiguousError) return { message };
    return { message, ...(error instanceof InvalidInputError ? { field: error.field } : {}) };
  }
  return null;
}

async function runCommand(ctx: CommandContext, command: Command, input: unknown): Promise<Reply> {
  const parsed = command.schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map(String).join(".");
    throw new InvalidInputError(path || "input", issue.code === "too_big" ? issueKey(issue) : "error.invalidField", {
      ...("maximum" in issue ? { max: Number(issue.maximum) } : {}),
    });
  }
  const reply = await command.run(ctx, parsed.data);
  // A reply holding a secret (a new API token) is never announced to the channel.
  if (command.writes && !command.sensitive && !ctx.request.direct && reply.ok) return { ...reply, visibility: "channel" };
  return reply;
}

async function runText(ctx: CommandContext, text: string): Promise<Reply> {
  if (text.length > MAX_TEXT) return refusal(ctx, ctx.t("error.textTooLong", { max: MAX_TEXT }));
  const tokens = tokenize(text);
  const match = findCommand(tokens);
  if (!match) {
    const word = tokens[0]?.text ?? "";
    const reply = await COMMANDS.help.run(ctx, { topic: undefined });
    const message = word ? ctx.t("error.unknownCommand", { word }) : ctx.t("help.greeting");
    return { ...reply, ok: word === "", summary: message, blocks: [{ kind: "text", text: message, tone: word ? "error" : "normal" }, ...reply.blocks] };
  }
  const { command, args } = match;
  try {
    if (args.length === 0 && command.form) {
      const form = await command.form(ctx);
      return { ok: true, visibility: "caller", summary: form.title, blocks: [{ kind: "form", form }] };
    }
    return await runCommand(ctx, command, await command.parse(args, ctx));
  } catch (error) {
    const described = describeError(ctx, error);
    if (!described) throw error;
    if (error instanceof StaleVersionError) return staleRefusal(ctx, described.message, error.ref);
    return refusal(ctx, described.message, command);
  }
}

/** The record's show command by its reference, for the current values under a stale-version refusal. */
const SHOW_BY_PREFIX: Record<string, string> = { O: "order show", I: "invoice show", K: "contract show", C: "case show", T: "training show" };

async function staleRefusal(ctx: CommandContext, message: string, ref: string): Promise<Reply> {
  const show = SHOW_BY_PREFIX[ref.split("-")[0]!];
  const current = show ? await runText(ctx, `${show} ${ref}`) : null;
  const blocks: Block[] = [{ kind: "text", text: message, tone: "error" }, ...(current?.ok ? current.blocks : [])];
  return { ok: false, visibility: "caller", summary: message, blocks };
}

async function runForm(ctx: CommandContext, id: string, values: FormValues): Promise<Reply> {
  const command = commandByName(id);
  if (!command?.fromForm || !command.form) return refusal(ctx, ctx.t("error.unknownForm"));
  try {
    return await runCommand(ctx, command, command.fromForm(values, ctx));
  } catch (error) {
    const described = describeError(ctx, error);
    if (!described) throw error;
    let form = await command.form(ctx, values);
    if (error instanceof StaleVersionError) {
      // Built on an older version: the form comes back with the record's current values and version.
      const identity = Object.fromEntries(form.fields.filter((f) => f.type === "hidden" && f.name !== "version").map((f) => [f.name, values[f.name]]));
      form = await command.form(ctx, identity);
      const first = form.fields.find((f) => f.type !== "hidden") ?? form.fields[0]!;
      return { ok: false, visibility: "caller", summary: described.message, blocks: [{ kind: "form", form: { ...form, errors: { [first.name]: described.message } } }] };
    }
    const field = (described.field && (command.formField?.(described.field) ?? described.field)) || form.fields[0]!.name;
    const known = form.fields.some((f) => f.name === field) ? field : form.fields[0]!.name;
    return {
      ok: false,
      visibility: "caller",
      summary: described.message,
      blocks: [{ kind: "form", form: { ...form, errors: { [known]: described.message } } }],
    };
  }
}

/** How `handle` came by a reply it returned for a request with an idempotency key, when it did not run it. */
const outcomes = new WeakMap<Reply, "remembered" | "running">();

/**
 * "ran" (this call ran the request, or it needed no record), "remembered" (an earlier attempt ran
 * it; this is its reply) or "running" (another attempt holds it and had not finished in time).
 */
export function outcomeOf(reply: Reply): "ran" | "remembered" | "running" {
  return outcomes.get(reply) ?? "ran";
}

/**
 * The one entry point of every platform: parses and validates the request, runs the command
 * through the domain services, and returns a platform-neutral reply. It never throws: anything
 * unexpected is logged and answered with a short apology.
 */
export const handle = observed(handleRequest);

async function handleRequest(deps: CoreDeps, request: ChatRequest): Promise<Reply> {
  const ctx = await context(deps, request).catch((error) => {
    deps.logger.error({ err: error }, "could not load the request's member");
    return null;
  });
  if (!ctx) {
    const message = translator(toLocale(request.locale) ?? "en")("error.unknownMember");
    return { ok: false, visibility: "caller", summary: message, blocks: [{ kind: "text", text: message, tone: "error" }] };
  }
  // Refused before anything is claimed or written: PostgreSQL cannot store a NUL character.
  if (requestHasUnstorableText(request)) return unstorableRefusal(ctx.locale);
  // Only requests that may write need an idempotency record: a retried read is simply answered again.
  const command = request.form ? undefined : findCommand(tokenize(request.text ?? ""))?.command;
  const key = request.idempotencyKey && command?.writes !== false ? `${request.platform}:${request.idempotencyKey}` : null;
  const run = (c: CommandContext) => (request.form ? runForm(c, request.form.id, request.form.values) : runText(c, request.text ?? ""));
  try {
    let reply: Reply;
    if (key) {
      // The claim, the command's writes and its reply commit together (src/core/idempotency.ts).
      // A secret is never stored: a retry of that request simply runs again.
      const outcome = await runOnce(deps.db, { key, noteKey: request.idempotencyKey!, organizationId: ctx.organization.id, keep: !command?.sensitive }, (db) =>
        run({ ...ctx, deps: { ...deps, db } }),
      );
      if (!outcome.ran) {
        const answer = outcome.reply ?? { ok: true, visibility: "caller", summary: ctx.t("error.inProgress"), blocks: [{ kind: "text", text: ctx.t("error.inProgress"), tone: "muted" }] };
        outcomes.set(answer, outcome.reply ? "remembered" : "running");
        answer.locale ??= ctx.locale;
        return answer;
      }
      reply = outcome.reply;
    } else {
      reply = await run(ctx);
    }
    if (command?.writes !== false || command.changesContext) cacheOf(deps).clear();
    // The adapters write their own words (card chrome, form errors) in the reply's language.
    reply.locale ??= ctx.locale;
    return reply;
  } catch (error) {
    deps.logger.error({ err: error, command: request.text?.slice(0, 100), form: request.form?.id }, "command failed");
    const message = ctx.t("error.internal");
    return { ok: false, visibility: "caller", summary: message, blocks: [{ kind: "text", text: message, tone: "error" }], locale: ctx.locale };
  }
}
