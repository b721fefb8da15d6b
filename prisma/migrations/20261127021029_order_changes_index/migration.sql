-- CreateIndex
CREATE INDEX "Order_organizationId_statusChangedAt_idx" ON "Order"("organizationId", "statusChangedAt");
