-- AlterTable
-- Derived by Prisma's engine (npm run db:migration) as ADD COLUMN "refNumber" INTEGER NOT NULL,
-- which fails on a table with rows: the column is added nullable, the invoices recorded before are
-- numbered per organization in the order they were created, each organization's "invoice" counter
-- is moved past them, and then the column is made required (the schema's end state is unchanged).
ALTER TABLE "Invoice" ADD COLUMN     "refNumber" INTEGER;

UPDATE "Invoice" i SET "refNumber" = n.rn
FROM (SELECT id, row_number() OVER (PARTITION BY "organizationId" ORDER BY "createdAt", id)::int AS rn FROM "Invoice") n
WHERE n.id = i.id;

INSERT INTO "Counter" ("organizationId", "kind", "value")
SELECT "organizationId", 'invoice', max("refNumber") FROM "Invoice" GROUP BY "organizationId"
ON CONFLICT ("organizationId", "kind") DO UPDATE SET "value" = GREATEST("Counter"."value", EXCLUDED."value");

ALTER TABLE "Invoice" ALTER COLUMN "refNumber" SET NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "Invoice_organizationId_refNumber_key" ON "Invoice"("organizationId", "refNumber");
