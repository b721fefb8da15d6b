import type { PrismaClient } from "../../generated/prisma/client.ts";
import type { Actor } from "../actor.ts";
import type { Tx } from "../tx.ts";
import { ConflictError, DomainError } from "../errors.ts";
import { issueKey } from "../validate.ts";
import { forecastChecks, type CheckForecast } from "../check-forecast.ts";
import { importedAccountIds } from "./imported-accounts.ts";
import type { ImportContext, ImportError, ImportRef, Row } from "./context.ts";
import { fromDomainError, stage } from "./context.ts";
import { rowSchemas, type CanonicalRow, type ExchangeKind } from "./kinds.ts";
import { importAccounts } from "./importers/accounts.ts";
import { importProducts } from "./importers/products.ts";
import { importOrders } from "./importers/orders.ts";
import { importInvoices } from "./importers/invoices.ts";
import { importContracts } from "./importers/contracts.ts";
import { importPrograms } from "./importers/programs.ts";
import { importCases } from "./importers/cases.ts";
import { importMilestones } from "./importers/milestones.ts";
import { importTrainings } from "./importers/trainings.ts";
import { isLockTimeout } from "../db-errors.ts";

export type { ImportError, ImportRef } from "./context.ts";

export interface ImportResult {
  kind: ExchangeKind;
  created: number;
  changed: number;
  unchanged: number;
  /** Every problem found, in line order; when there is one, nothing was written. */
  errors: ImportError[];
  /** kam's reference of each record created, changed or found unchanged (O-12, I-7…), by line. */
  refs: ImportRef[];
  dryRun: boolean;
  /** What the next check sweep would flag on the imported accounts, per check (dry run too). */
  forecast?: CheckForecast[];
  /** Set when `expect` was given and the run found other counts: nothing was written. */
  stale?: boolean;
}

type Importer<K extends ExchangeKind> = (ctx: ImportContext, rows: Row<CanonicalRow<K>>[]) => Promise<void>;

const IMPORTERS: { [K in ExchangeKind]: Importer<K> } = {
  accounts: importAccounts,
  products: importProducts,
  orders: importOrders,
  invoices: importInvoices,
  contracts: importContracts,
  programs: importPrograms,
  cases: importCases,
  milestones: importMilestones,
  trainings: importTrainings,
};

/** Thrown to roll a dry run or a failed import back, carrying the result out of the transaction. */
class RolledBack extends Error {
  constructor(readonly result: ImportResult) {
    super("rolled back");
  }
}

/** A large file takes longer than a chat command's transaction is allowed. */
const IMPORT_TIMEOUT_MS = 15 * 60_000;

/**
 * Imports canonical rows of one kind (see kinds.ts) all or nothing, in one transaction: any error
 * and nothing is written. A dry run does all the work, then rolls it back, so that its counts are
 * exactly what applying would do. Records are matched by their external reference (an account's
 * `external_id` or name, a product's SKU, an order's, contract's or case's ERP number, an
 * invoice's account and number, a milestone's account, project and name): importing the same rows
 * again changes nothing, a changed row updates its record (version bumped, change audited).
 */
export async function importRows(
  db: PrismaClient,
  actor: Actor,
  kind: ExchangeKind,
  rows: { line: number; values: Record<string, unknown> }[],
  options: {
    dryRun: boolean;
    /** Apply only if the run finds exactly these counts (a chat preview confirmed); else roll back, `stale` set. */
    expect?: { created: number; changed: number; unchanged: number };
    /** More work in the same transaction when the rows are applied (marking a preview used). */
    alsoWrite?: (tx: Tx) => Promise<void>;
    /** When given, receives the milliseconds each stage took (benchmarks). */
    timings?: Record<string, number>;
  },
): Promise<ImportResult> {
  const { timings } = options;
  const errors: ImportError[] = [];
  const valid: Row<CanonicalRow<ExchangeKind>>[] = [];
  const schema = rowSchemas[kind];
  const validateStart = performance.now();
  for (const row of rows) {
    const parsed = schema.safeParse(row.values);
    if (parsed.success) {
      valid.push({ line: row.line, values: parsed.data });
      continue;
    }
    for (const issue of parsed.error.issues) {
      const field = issue.path.filter((p) => typeof p === "string").join(".") || "input";
      const maximum = "maximum" in issue ? Number(issue.maximum) : 0;
      errors.push({ line: row.line, field, key: issueKey(issue), params: { field, ...(maximum ? { max: maximum } : {}) } });
    }
  }
  if (timings) timings.validate = Math.round(performance.now() - validateStart);
  const result = (ctx: ImportContext): ImportResult => ({
    kind,
    ...ctx.counts,
    errors: [...ctx.errors].sort((a, b) => a.line - b.line),
    // In file order: importers write new records after matching every row.
    refs: [...ctx.refs].sort((a, b) => a.line - b.line),
    dryRun: options.dryRun,
  });
  try {
    return await db.$transaction(
      async (tx) => {
        // One organization's imports take turns: two ERP pushes of the same new record at once would
        // otherwise both create it (invoices and milestones have no unique key) or one would fail.
        // A dry run writes nothing and waits for no one; an import waits a while, then says so.
        if (!options.dryRun) await takeImportTurn(tx, actor.organizationId);
        const org = await tx.organization.findUniqueOrThrow({ where: { id: actor.organizationId }, select: { currency: true, timeZone: true } });
        const ctx: ImportContext = { tx, actor, org, errors, refs: [], counts: { created: 0, changed: 0, unchanged: 0 }, ...(timings ? { timings } : {}) };
        try {
          await stage(timings, "importer", () => (IMPORTERS[kind] as Importer<ExchangeKind>)(ctx, valid));
        } catch (error) {
          // A refusal of the whole import (not allowed to create accounts…): on the first line.
          if (!(error instanceof DomainError)) throw error;
          ctx.errors.push(fromDomainError(rows[0]?.line ?? 1, error));
        }
        if (ctx.errors.length > 0) throw new RolledBack(result(ctx));
        const expected = options.expect;
        if (!options.dryRun && expected && (expected.created !== ctx.counts.created || expected.changed !== ctx.counts.changed || expected.unchanged !== ctx.counts.unchanged)) {
          throw new RolledBack({ ...result(ctx), stale: true });
        }
        // The accounts' next sweep announces what it finds as one summary (checks.ts); and what it
        // will find is told now, from the rows just written (a dry run's too, before its rollback).
        // Only the accounts whose records this import created or changed count as just imported.
        const accountIds = await stage(timings, "accounts", async () => {
          const ids = await importedAccountIds(ctx, kind, valid);
          const { created, changed, unchanged } = ctx.counts;
          const written = new Set(ctx.refs.filter((r) => r.outcome !== "unchanged").map((r) => r.line));
          const imported = created + changed === 0 ? [] : unchanged === 0 ? ids : await importedAccountIds(ctx, kind, valid.filter((r) => written.has(r.line)));
          if (imported.length) await tx.account.updateMany({ where: { organizationId: actor.organizationId, id: { in: imported } }, data: { importedAt: actor.now } });
          return ids;
        });
        const forecast = await stage(timings, "forecast", () => forecastChecks(tx, actor.organizationId, accountIds, actor.now, timings));
        const done = { ...result(ctx), forecast };
        if (options.dryRun) throw new RolledBack(done);
        await options.alsoWrite?.(tx);
        return done;
      },
      { maxWait: 10_000, timeout: IMPORT_TIMEOUT_MS },
    );
  } catch (error) {
    if (error instanceof RolledBack) return error.result;
    throw error;
  }
}

/** How long an import waits for the organization's import before it: a chat confirmation has 30 s in all. */
const TURN_WAIT = "15s";

async function takeImportTurn(tx: Tx, organizationId: string): Promise<void> {
  await tx.$executeRawUnsafe(`SET LOCAL lock_timeout = '${TURN_WAIT}'`);
  try {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`kam:import:${organizationId}`}, 0))`;
  } catch (error) {
    if (isLockTimeout(error)) throw new ConflictError("import.busy", {});
    throw error;
  }
  await tx.$executeRawUnsafe("SET LOCAL lock_timeout = DEFAULT");
}
