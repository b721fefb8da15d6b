-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN     "seq" SERIAL NOT NULL;
