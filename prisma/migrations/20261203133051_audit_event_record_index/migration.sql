-- DropIndex
DROP INDEX "AuditEvent_entityType_entityId_idx";

-- CreateIndex
CREATE INDEX "AuditEvent_organizationId_entityId_idx" ON "AuditEvent"("organizationId", "entityId");
