-- CreateEnum
CREATE TYPE "TrainingStatus" AS ENUM ('PLANNED', 'DONE', 'CANCELLED');

-- AlterTable
ALTER TABLE "Product" ADD COLUMN     "trainingRequired" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "Training" (
    "id" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "organizationId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "externalRef" TEXT,
    "accountId" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "people" INTEGER,
    "trainerId" TEXT,
    "online" BOOLEAN NOT NULL DEFAULT false,
    "place" TEXT,
    "status" "TrainingStatus" NOT NULL DEFAULT 'PLANNED',
    "attended" INTEGER,
    "rating" INTEGER,
    "notes" TEXT,
    "cancelReason" TEXT,
    "doneAt" TIMESTAMP(3),
    "cancelledAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Training_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TrainingProduct" (
    "trainingId" TEXT NOT NULL,
    "productId" TEXT NOT NULL,

    CONSTRAINT "TrainingProduct_pkey" PRIMARY KEY ("trainingId","productId")
);

-- CreateTable
CREATE TABLE "MarketingProgram" (
    "id" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "organizationId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "externalRef" TEXT,
    "accountId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "fromDay" DATE NOT NULL,
    "toDay" DATE NOT NULL,
    "budgetMinor" BIGINT,
    "currency" CHAR(3) NOT NULL,
    "endedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MarketingProgram_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MarketingProgramProduct" (
    "programId" TEXT NOT NULL,
    "productId" TEXT NOT NULL,

    CONSTRAINT "MarketingProgramProduct_pkey" PRIMARY KEY ("programId","productId")
);

-- CreateIndex
CREATE INDEX "Training_accountId_idx" ON "Training"("accountId");

-- CreateIndex
CREATE INDEX "Training_organizationId_status_startsAt_idx" ON "Training"("organizationId", "status", "startsAt");

-- CreateIndex
CREATE UNIQUE INDEX "Training_organizationId_number_key" ON "Training"("organizationId", "number");

-- CreateIndex
CREATE UNIQUE INDEX "Training_organizationId_externalRef_key" ON "Training"("organizationId", "externalRef");

-- CreateIndex
CREATE INDEX "TrainingProduct_productId_idx" ON "TrainingProduct"("productId");

-- CreateIndex
CREATE INDEX "MarketingProgram_accountId_idx" ON "MarketingProgram"("accountId");

-- CreateIndex
CREATE INDEX "MarketingProgram_organizationId_fromDay_toDay_idx" ON "MarketingProgram"("organizationId", "fromDay", "toDay");

-- CreateIndex
CREATE UNIQUE INDEX "MarketingProgram_organizationId_number_key" ON "MarketingProgram"("organizationId", "number");

-- CreateIndex
CREATE UNIQUE INDEX "MarketingProgram_organizationId_externalRef_key" ON "MarketingProgram"("organizationId", "externalRef");

-- CreateIndex
CREATE INDEX "MarketingProgramProduct_productId_idx" ON "MarketingProgramProduct"("productId");

-- AddForeignKey
ALTER TABLE "Training" ADD CONSTRAINT "Training_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Training" ADD CONSTRAINT "Training_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Training" ADD CONSTRAINT "Training_trainerId_fkey" FOREIGN KEY ("trainerId") REFERENCES "Member"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TrainingProduct" ADD CONSTRAINT "TrainingProduct_trainingId_fkey" FOREIGN KEY ("trainingId") REFERENCES "Training"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TrainingProduct" ADD CONSTRAINT "TrainingProduct_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MarketingProgram" ADD CONSTRAINT "MarketingProgram_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MarketingProgram" ADD CONSTRAINT "MarketingProgram_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MarketingProgramProduct" ADD CONSTRAINT "MarketingProgramProduct_programId_fkey" FOREIGN KEY ("programId") REFERENCES "MarketingProgram"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MarketingProgramProduct" ADD CONSTRAINT "MarketingProgramProduct_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product"("id") ON DELETE CASCADE ON UPDATE CASCADE;
