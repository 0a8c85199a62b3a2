-- AlterTable
ALTER TABLE "UsageRecord" ADD COLUMN     "withdrawn" BOOLEAN NOT NULL DEFAULT false;
