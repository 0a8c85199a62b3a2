-- An invoice with less than the minimum card charge due is never sent to Stripe: the next month's
-- invoice takes it over as a line, and this names that invoice on the one carried.
-- AlterTable
ALTER TABLE "Invoice" ADD COLUMN     "carriedToId" TEXT;

