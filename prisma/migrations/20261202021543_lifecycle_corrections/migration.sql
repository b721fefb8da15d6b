-- DropIndex
DROP INDEX "ContractPrice_contractId_productId_key";

-- AlterTable
ALTER TABLE "Contract" ADD COLUMN     "noticeGivenOn" DATE;

-- AlterTable
ALTER TABLE "ContractPrice" ADD COLUMN     "validFrom" DATE,
ADD COLUMN     "validTo" DATE;

-- AlterTable
ALTER TABLE "Invoice" ADD COLUMN     "creditedMinor" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "voidReason" TEXT,
ADD COLUMN     "voidedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "CreditNote" (
    "id" TEXT NOT NULL,
    "invoiceId" TEXT NOT NULL,
    "amountMinor" BIGINT NOT NULL,
    "reason" TEXT,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CreditNote_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CreditNote_invoiceId_idx" ON "CreditNote"("invoiceId");

-- CreateIndex
CREATE INDEX "ContractPrice_contractId_productId_idx" ON "ContractPrice"("contractId", "productId");

-- AddForeignKey
ALTER TABLE "CreditNote" ADD CONSTRAINT "CreditNote_invoiceId_fkey" FOREIGN KEY ("invoiceId") REFERENCES "Invoice"("id") ON DELETE CASCADE ON UPDATE CASCADE;
