-- AlterTable
ALTER TABLE "Notification" ADD COLUMN     "claimToken" TEXT,
ADD COLUMN     "uncertainSince" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "ChannelPace" (
    "platform" "Platform" NOT NULL,
    "target" TEXT NOT NULL,
    "holder" TEXT,
    "heldAt" TIMESTAMP(3),
    "nextAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ChannelPace_pkey" PRIMARY KEY ("platform","target")
);

-- CreateIndex
CREATE INDEX "ChannelPace_holder_idx" ON "ChannelPace"("holder");
