import express, { type NextFunction, type Request, type Response, type Router } from "express";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import type { Clock } from "../../core/clock.ts";
import { toLocale, translator, type Locale } from "../../core/i18n/index.ts";
import type { Actor } from "../../domain/actor.ts";
import { AmbiguousError, ConflictError, DomainError, ForbiddenError, InvalidInputError, NotFoundError } from "../../domain/errors.ts";
import { COLUMNS, EXCHANGE_KINDS, type ExchangeKind } from "../../domain/exchange/kinds.ts";
import { importRows } from "../../domain/exchange/import.ts";
import { exportRows, firstRecords } from "../../domain/exchange/export.ts";
import type { Logger } from "../../logger.ts";
import { callerOf, requireToken } from "./auth.ts";
import { fingerprint, runApiOnce, type ApiResponse } from "./idempotency.ts";
import { openApiDocument } from "./openapi.ts";
import { HttpProblem, problem, sendProblem, type Problem, type ProblemError } from "./problems.ts";
import { decodeCursor, encodeCursor, listQuerySchema, type ImportResponse } from "./schemas.ts";
import { hasUnstorableText } from "../../core/grammar/text-input.ts";
import { isUniqueViolation } from "../../domain/db-errors.ts";

export interface ApiDeps {
  db: PrismaClient;
  logger: Logger;
  now: Clock;
  /** The largest body read, in bytes (KAM_API_BODY_LIMIT). */
  bodyLimit: number;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

function isKind(kind: string): kind is ExchangeKind {
  return (EXCHANGE_KINDS as readonly string[]).includes(kind);
}

/** Problem details are in English unless the client asks for German (Accept-Language: de). */
function localeOf(req: Request): Locale {
  return toLocale(req.acceptsLanguages("en", "de") || "en") ?? "en";
}

/**
 * API writes act as the system of the token's organization (every permission of it, no member),
 * at the moment the request arrived; the audit trail records them with platform API.
 */
function actorFor(res: Response, now: Date): Actor {
  return { organizationId: callerOf(res).organizationId, memberId: null, platform: "API", now };
}

function message(locale: Locale, key: string, params: Record<string, string | number>): string {
  const t = translator(locale);
  const shown = { ...params } as Record<string, string | number>;
  if (typeof shown.kind === "string") shown.kind = t(`kind.${shown.kind}`, { defaultValue: shown.kind });
  if (typeof shown.field === "string") shown.fieldName = shown.field;
  if (typeof shown.what === "string") shown.what = t(`field.${shown.what}`, { defaultValue: shown.what });
  return t(key, shown);
}

/** A domain error thrown outside an import's own error list, as problem details. */
function domainProblem(locale: Locale, error: DomainError): Problem {
  const detail = message(locale, error.key, error.params);
  if (error instanceof NotFoundError) return problem("not-found", detail);
  if (error instanceof AmbiguousError) return problem("ambiguous", detail);
  if (error instanceof ForbiddenError) return problem("forbidden", detail);
  if (error instanceof ConflictError) return problem("conflict", detail);
  if (error instanceof InvalidInputError) return problem("invalid-rows", detail, [{ field: error.field, detail }]);
  return problem("invalid-rows", detail);
}

async function importResponse(db: PrismaClient, actor: Actor, locale: Locale, kind: ExchangeKind, body: unknown): Promise<ApiResponse> {
  const items = Array.isArray(body) ? body : [body];
  if (items.length === 0) return { status: 400, body: problem("bad-request", "The array is empty: post one object or an array of at least one.") };
  const notObjects: ProblemError[] = items.flatMap((item, index) =>
    item && typeof item === "object" && !Array.isArray(item) ? [] : [{ index, detail: "Expected an object whose fields are the CSV column names." }],
  );
  if (notObjects.length) return { status: 422, body: problem("invalid-rows", `${count(notObjects.length, "row")} of ${items.length} not an object; nothing was written.`, notObjects) };
  // PostgreSQL cannot store a NUL character, nor half of a surrogate pair in JSON: refused here rather than failing in the database.
  const unstorable: ProblemError[] = items.flatMap((item, index) =>
    Object.entries(item as object)
      .filter(([, value]) => hasUnstorable(value))
      .map(([field]) => ({ index, field, detail: "Text may not contain NUL characters (\\u0000) or half of a surrogate pair (\\ud800 alone)." })),
  );
  if (unstorable.length) return { status: 422, body: problem("invalid-rows", `${count(unstorable.length, "field")} with characters kam cannot store; nothing was written.`, unstorable) };
  // A misspelt optional field would otherwise be dropped without a word.
  const columns = new Set(COLUMNS[kind]);
  const unknown: ProblemError[] = items.flatMap((item, index) =>
    Object.keys(item as object)
      .filter((field) => !columns.has(field))
      .map((field) => ({ index, field, detail: `Unknown field. The fields of ${kind} are: ${COLUMNS[kind].join(", ")}.` })),
  );
  if (unknown.length) return { status: 422, body: problem("invalid-rows", `${count(unknown.length, "unknown field")}; nothing was written.`, unknown) };
  const result = await importRows(db, actor, kind, items.map((values, index) => ({ line: index + 1, values: values as Record<string, unknown> })), { dryRun: false });
  if (result.errors.length) {
    const errors = result.errors.map((e) => ({ index: e.line - 1, ...(e.field ? { field: e.field } : {}), detail: message(locale, e.key, e.params) }));
    return { status: 422, body: problem("invalid-rows", `${count(errors.length, "problem")} found; nothing was written.`, errors) };
  }
  const response: ImportResponse = {
    kind: result.kind,
    created: result.created,
    changed: result.changed,
    unchanged: result.unchanged,
    refs: result.refs.map((r) => ({ index: r.line - 1, ref: r.ref, outcome: r.outcome })),
  };
  return { status: result.created > 0 ? 201 : 200, body: response };
}

function hasUnstorable(value: unknown): boolean {
  if (typeof value === "string") return hasUnstorableText(value);
  if (value && typeof value === "object") return Object.values(value).some(hasUnstorable);
  return false;
}

/** Rows are flat objects: a body nested deeper than this is refused before anything walks it (a stack overflow). */
const MAX_DEPTH = 8;

function tooDeep(body: unknown): boolean {
  let level: unknown[] = [body];
  for (let depth = 0; level.length; depth++) {
    if (depth > MAX_DEPTH) return true;
    level = level.flatMap((v) => (v && typeof v === "object" ? Object.values(v) : []));
  }
  return false;
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

function send(res: Response, response: ApiResponse): void {
  const body = response.body as { type?: unknown };
  if (response.status >= 400 && typeof body?.type === "string") return sendProblem(res, response.body as Problem);
  res.status(response.status).json(response.body);
}

/** `/api/v1`: the HTTP API for ERP systems (see README "HTTP API for ERP systems"). */
export function apiRouter(deps: ApiDeps): Router {
  const router = express.Router();
  const json = express.json({ limit: deps.bodyLimit, type: ["application/json", "application/*+json"] });
  let document: unknown;

  router.use((_req, res, next) => {
    res.set("Cache-Control", "no-store");
    next();
  });

  router.get("/openapi.json", (_req, res) => {
    document ??= openApiDocument();
    res.json(document);
  });

  router.use(requireToken(deps.db, deps.now));

  const list = async (req: Request, res: Response, kind: ExchangeKind | "flags") => {
    const now = deps.now();
    if (hasUnstorable(req.query)) throw new HttpProblem(problem("invalid-query", "Query parameters may not contain NUL characters or half of a surrogate pair."));
    const parsed = listQuerySchema.safeParse(req.query);
    if (!parsed.success) {
      const errors = parsed.error.issues.map((issue) => ({
        field: String(issue.path[0] ?? (issue.code === "unrecognized_keys" ? issue.keys.join(", ") : "query")),
        detail: issue.message,
      }));
      throw new HttpProblem(problem("invalid-query", "The query parameters are account, since (YYYY-MM-DD), limit (1 to 1000) and cursor.", errors));
    }
    const { account, since, limit, cursor } = parsed.data;
    const offset = cursor === undefined ? 0 : decodeCursor(cursor);
    if (offset === null) throw new HttpProblem(problem("invalid-query", "This cursor is not one kam gave out.", [{ field: "cursor", detail: "unknown cursor" }]));
    // One record more than the page tells whether another page follows; an order's lines come whole.
    const rows = await exportRows(deps.db, actorFor(res, now), kind, { ...(account ? { account } : {}), ...(since ? { since } : {}), page: { skip: offset, take: limit + 1 } });
    const page = firstRecords(kind, rows, limit);
    res.json({ data: page.rows, next_cursor: page.more ? encodeCursor(offset + limit) : null });
  };

  router.get("/flags", (req, res) => list(req, res, "flags"));

  router.get("/:kind", (req, res) => {
    const kind = String(req.params.kind).slice(0, 40);
    if (!isKind(kind)) throw new HttpProblem(problem("not-found", `There is no ${kind} here. Kinds: ${EXCHANGE_KINDS.join(", ")}, flags.`));
    return list(req, res, kind);
  });

  router.post(
    "/:kind",
    (req, _res, next) => {
      const kind = String(req.params.kind).slice(0, 40);
      if (!isKind(kind)) throw new HttpProblem(problem("not-found", `There is no ${kind} here. Kinds: ${EXCHANGE_KINDS.join(", ")}.`));
      if (!req.is(["application/json", "application/*+json"])) {
        throw new HttpProblem(problem("unsupported-media-type", "Send the rows as JSON, with Content-Type: application/json."));
      }
      next();
    },
    json,
    async (req, res) => {
      if (tooDeep(req.body)) throw new HttpProblem(problem("bad-request", `The body is nested more than ${MAX_DEPTH} levels deep: send an object or an array of flat objects.`));
      const now = deps.now();
      const kind = String(req.params.kind) as ExchangeKind;
      const locale = localeOf(req);
      const actor = actorFor(res, now);
      const key = req.get("idempotency-key");
      if (key === undefined) return send(res, await importResponse(deps.db, actor, locale, kind, req.body));
      if (!IDEMPOTENCY_KEY.test(key)) {
        throw new HttpProblem(problem("invalid-idempotency-key", "An Idempotency-Key is 1 to 255 visible ASCII characters, e.g. a UUID."));
      }
      const outcome = await runApiOnce(
        deps.db,
        { organizationId: actor.organizationId, key, print: fingerprint("POST", `/${kind}`, req.body) },
        (db) => importResponse(db, actor, locale, kind, req.body),
      );
      if (outcome.kind === "mismatch") {
        throw new HttpProblem(problem("idempotency-key-reused", "This Idempotency-Key was used for a different request. Use a new key for a new request."));
      }
      if (outcome.kind === "in-progress") {
        res.set("Retry-After", "5");
        throw new HttpProblem(problem("request-in-progress", "A request with this Idempotency-Key is still being processed. Retry it in a few seconds."));
      }
      if (outcome.kind === "replayed") res.set("Idempotent-Replayed", "true");
      send(res, outcome.response);
    },
  );

  router.all("/:kind", (req, res) => {
    const kind = String(req.params.kind).slice(0, 40);
    if (kind !== "flags" && !isKind(kind)) throw new HttpProblem(problem("not-found", `There is no ${kind} here.`));
    res.set("Allow", kind === "flags" ? "GET" : "GET, POST");
    throw new HttpProblem(problem("method-not-allowed", `${req.method} is not served here.`));
  });

  router.use(() => {
    throw new HttpProblem(problem("not-found", "Nothing is served at this address. GET /api/v1/openapi.json lists what is."));
  });

  router.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof HttpProblem) return sendProblem(res, error.body);
    if (error instanceof DomainError) return sendProblem(res, domainProblem(localeOf(req), error));
    const parse = error as { type?: string; status?: number };
    if (parse.type === "entity.too.large") return sendProblem(res, problem("body-too-large", `A request body may have at most ${deps.bodyLimit} bytes: send fewer rows per request.`));
    if (parse.type === "entity.parse.failed") return sendProblem(res, problem("malformed-json", "The body is not valid JSON: send an object or an array of objects."));
    if (parse.type === "charset.unsupported" || parse.type === "encoding.unsupported") {
      return sendProblem(res, problem("unsupported-media-type", "Send the body as UTF-8 JSON, without a content encoding."));
    }
    if (typeof parse.status === "number" && parse.status >= 400 && parse.status < 500) return sendProblem(res, problem("bad-request", "The request could not be read."));
    if (isUniqueViolation(error)) return sendProblem(res, problem("conflict", "Another request wrote the same record at the same moment; nothing of this one was written. Retry it."));
    deps.logger.error({ err: error, path: req.path }, "API request failed");
    sendProblem(res, problem("internal", "Something went wrong on kam's side; nothing was written. Retry later."));
  });

  return router;
}
