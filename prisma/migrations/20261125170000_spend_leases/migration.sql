-- AlterTable
ALTER TABLE "Account" DROP COLUMN "reservedMicros";

-- CreateTable
CREATE TABLE "SpendLease" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "amountMicros" BIGINT NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SpendLease_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SpendLease_accountId_expiresAt_idx" ON "SpendLease"("accountId", "expiresAt");

-- AddForeignKey
ALTER TABLE "SpendLease" ADD CONSTRAINT "SpendLease_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

