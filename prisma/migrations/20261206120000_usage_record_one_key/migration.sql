-- DropIndex
DROP INDEX "UsageRecord_requestId_key";
