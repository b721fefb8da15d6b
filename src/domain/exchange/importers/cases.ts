import { randomUUID } from "node:crypto";
import { auditChange, diffFields } from "../../changes.ts";
import { SLA_HOURS } from "../../cases.ts";
import { InvalidInputError } from "../../errors.ts";
import type { CasePriority } from "../../../generated/prisma/enums.ts";
import { auditMany } from "../../tx.ts";
import { existingRecord, inField, kamNumber, onLine, record, recordKey, type ImportContext, type Row } from "../context.ts";
import { parseInstant } from "../instants.ts";
import type { CanonicalRow } from "../kinds.ts";
import { AccountLookup } from "../lookups.ts";
import { reserveNumbers } from "../numbers.ts";

const FIELDS = ["accountId", "subject", "priority", "status", "openedAt", "slaDueAt", "closedAt"] as const;

interface Wanted {
  accountId: string;
  subject: string;
  priority: CasePriority;
  status: "OPEN" | "CLOSED";
  openedAt: Date;
  slaDueAt: Date;
  closedAt: Date | null;
}

/** Cases by their ERP or helpdesk number (`case`); a `closed_at` closes the case. */
export async function importCases(ctx: ImportContext, rows: Row<CanonicalRow<"cases">>[]): Promise<void> {
  const { tx, actor } = ctx;
  const organizationId = actor.organizationId;
  const accounts = new AccountLookup(ctx);
  await accounts.preload(rows.map((r) => r.values.account));
  const refs = rows.map((r) => r.values.case);
  const numbers = refs.map((r) => kamNumber(r, "C")).filter((n) => n !== null);
  const existing = new Map(
    (await tx.case.findMany({ where: { organizationId, OR: [{ externalRef: { in: refs } }, { number: { in: numbers }, externalRef: null }] } }))
      .map((c) => [c.externalRef ?? `C-${c.number}`, c]),
  );
  const seen = new Map<string, number>();
  const creations: { line: number; externalRef: string; wanted: Wanted }[] = [];
  for (const { line, values } of rows) {
    await onLine(ctx, line, undefined, async () => {
      const key = recordKey(values.case, "C");
      const first = seen.get(key);
      if (first !== undefined) throw new InvalidInputError("case", "import.duplicateRow", { first });
      seen.set(key, line);
      const account = await inField("account", accounts.resolve(values.account));
      const found = existingRecord(existing, values.case, "C", "case");
      const priority = (values.priority?.toUpperCase() ?? found?.priority ?? "NORMAL") as CasePriority;
      const openedAt = parseInstant(values.opened_at, ctx.org.timeZone);
      // A file without closed_at (a list of cases) leaves closed cases closed.
      const closedAt = values.closed_at === undefined ? (found?.closedAt ?? null) : values.closed_at ? parseInstant(values.closed_at, ctx.org.timeZone) : null;
      if (closedAt && closedAt < openedAt) throw new InvalidInputError("closed_at", "error.dateTooEarly", { min: values.opened_at });
      const wanted: Wanted = {
        accountId: account.id,
        subject: values.subject,
        priority,
        status: closedAt ? ("CLOSED" as const) : ("OPEN" as const),
        openedAt,
        // A case reopened in chat has its SLA from the reopening: kept while priority and opening stay.
        slaDueAt: found && found.priority === priority && found.openedAt.getTime() === openedAt.getTime() ? found.slaDueAt
          : new Date(openedAt.getTime() + SLA_HOURS[priority] * 3_600_000),
        closedAt,
      };
      if (found) await accounts.requireMove(found, account, "case", values.case);
      if (!found) {
        creations.push({ line, externalRef: values.case, wanted });
        return;
      }
      const changes = diffFields(found, wanted, FIELDS);
      if (Object.keys(changes).length === 0) {
        record(ctx, line, `C-${found.number}`, "unchanged");
        return;
      }
      const updated = await tx.case.update({ where: { id: found.id }, data: { ...wanted, version: { increment: 1 } } });
      await auditChange(tx, actor, "case.import", "Case", found.id, updated.version, changes, { externalRef: values.case });
      record(ctx, line, `C-${found.number}`, "changed");
    });
  }
  if (ctx.errors.length > 0) {
    // Nothing is written anyway: count what would be created, for the preview.
    for (const c of creations) record(ctx, c.line, "", "created");
    return;
  }
  if (creations.length === 0) return;
  // New cases (a helpdesk's years of them) in one statement from one JSON document (Prisma's
  // createMany took 7 s for 20,000), their audit events in another.
  const firstNumber = await reserveNumbers(tx, organizationId, "case", creations.length);
  const cases = creations.map((c, i) => ({ id: randomUUID(), number: firstNumber + i, externalRef: c.externalRef, ...c.wanted }));
  await tx.$executeRaw`
    INSERT INTO "Case" (id, "organizationId", number, "externalRef", "accountId", subject, priority, status, "openedAt", "slaDueAt", "closedAt")
    SELECT id, ${organizationId}, number, "externalRef", "accountId", subject, priority::"CasePriority", status::"CaseStatus", "openedAt", "slaDueAt", "closedAt"
    FROM json_to_recordset(${JSON.stringify(cases)}::json) AS r(id text, number int, "externalRef" text, "accountId" text, subject text,
      priority text, status text, "openedAt" timestamp(3), "slaDueAt" timestamp(3), "closedAt" timestamp(3))`;
  await auditMany(tx, actor, "case.import", "Case", cases.map(({ id, ...data }) => ({ entityId: id, data })));
  cases.forEach((c, i) => record(ctx, creations[i]!.line, `C-${c.number}`, "created"));
}
