-- AlterTable
ALTER TABLE "Flag" ADD COLUMN     "paramsHash" TEXT NOT NULL DEFAULT '';
