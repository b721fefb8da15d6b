-- CreateTable
CREATE TABLE "DeferredCommand" (
    "key" TEXT NOT NULL,
    "request" JSONB NOT NULL,
    "responseUrl" TEXT,
    "direct" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DeferredCommand_pkey" PRIMARY KEY ("key")
);
