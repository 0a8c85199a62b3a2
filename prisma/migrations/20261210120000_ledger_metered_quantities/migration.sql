-- What a metered charge was for, kept in the ledger so invoice lines are derived from what was
-- recorded: the quantity in the line's unit (GPU-minutes, training tokens) and, for a deployment
-- minute, the size it ran at.
-- AlterTable
ALTER TABLE "LedgerEntry" ADD COLUMN     "gpuCount" INTEGER,
ADD COLUMN     "gpuType" "GpuType",
ADD COLUMN     "quantity" BIGINT;


-- Backfill
-- Charges metered before these columns existed carry their size and quantity in their description
-- only ("Deployment <id> (<model>): 2× H100 for the minute …", "Fine-tuning job <id> (<model>):
-- training tokens 0–30000 of 3000000"): take them from there.
UPDATE "LedgerEntry" SET
  "gpuCount" = (regexp_match("description", ': (\d+)× (A100|H100) for the minute '))[1]::integer,
  "gpuType" = (regexp_match("description", ': (\d+)× (A100|H100) for the minute '))[2]::"GpuType",
  "quantity" = (regexp_match("description", ': (\d+)× (A100|H100) for the minute '))[1]::bigint
WHERE "kind" = 'deployment_charge' AND "gpuCount" IS NULL AND "description" ~ ': \d+× (A100|H100) for the minute ';

UPDATE "LedgerEntry" SET
  "quantity" = (regexp_match("description", ': training tokens (\d+)–(\d+) of \d+$'))[2]::bigint
    - (regexp_match("description", ': training tokens (\d+)–(\d+) of \d+$'))[1]::bigint
WHERE "kind" = 'fine_tuning_charge' AND "quantity" IS NULL AND "description" ~ ': training tokens \d+–\d+ of \d+$';
