-- AlterTable
ALTER TABLE "Organization" ADD COLUMN     "checkedAt" TIMESTAMP(3);
