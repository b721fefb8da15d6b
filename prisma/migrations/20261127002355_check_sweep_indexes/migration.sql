-- CreateIndex
CREATE INDEX "Invoice_organizationId_issuedOn_idx" ON "Invoice"("organizationId", "issuedOn");

-- CreateIndex
CREATE INDEX "Invoice_organizationId_paidOn_idx" ON "Invoice"("organizationId", "paidOn");

-- CreateIndex
CREATE INDEX "Order_organizationId_orderedAt_idx" ON "Order"("organizationId", "orderedAt");
