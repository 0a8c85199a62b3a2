-- AlterTable
ALTER TABLE "UsageRecord" ADD COLUMN     "limitRequests" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "limitTokensGenerated" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "limitTokensPrompt" INTEGER NOT NULL DEFAULT 0;

