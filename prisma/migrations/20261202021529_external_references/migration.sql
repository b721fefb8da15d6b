-- AlterTable
ALTER TABLE "Account" ADD COLUMN     "externalId" TEXT;

-- AlterTable
ALTER TABLE "Case" ADD COLUMN     "externalRef" TEXT;

-- AlterTable
ALTER TABLE "Contract" ADD COLUMN     "externalRef" TEXT;

-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "externalRef" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Account_organizationId_externalId_key" ON "Account"("organizationId", "externalId");

-- CreateIndex
CREATE UNIQUE INDEX "Case_organizationId_externalRef_key" ON "Case"("organizationId", "externalRef");

-- CreateIndex
CREATE UNIQUE INDEX "Contract_organizationId_externalRef_key" ON "Contract"("organizationId", "externalRef");

-- CreateIndex
CREATE UNIQUE INDEX "Order_organizationId_externalRef_key" ON "Order"("organizationId", "externalRef");
