-- AlterTable
ALTER TABLE "Account" ADD COLUMN     "importedAt" TIMESTAMP(3);
