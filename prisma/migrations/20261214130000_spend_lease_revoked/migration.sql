-- AlterTable
ALTER TABLE "SpendLease" ADD COLUMN     "revoked" BOOLEAN NOT NULL DEFAULT false;
