-- Auto top-up buys credits with the saved card, so it is on only while a card is on file: turning it
-- on without one is refused, and it is turned off when the last card goes. Settings saved "enabled"
-- before that rule, on accounts without a card, never ran and told nobody: they are turned off here
-- (the amounts kept), audited as the app does, and the owner is told. No schema change.
-- Idempotent: only rows still enabled without a card are touched, and the notification's dedupe key
-- names this cause, so running it again changes nothing.

-- Backfill
INSERT INTO "Notification" ("id", "accountId", "kind", "title", "body", "dedupeKey")
SELECT 'ntf_' || replace(gen_random_uuid()::text, '-', ''), t."accountId", 'auto_top_up',
  'Auto top-up turned off: no card on file',
  'Auto top-up was saved as on while this account had no card, so it could never buy credits and has never run. It is now off (your amounts are kept). Add a card on the billing page, then turn auto top-up on again.',
  'auto-top-up-disabled:' || t."accountId" || ':saved-without-card'
FROM "AutoTopUp" t
WHERE t."enabled" AND NOT EXISTS (SELECT 1 FROM "PaymentMethod" p WHERE p."accountId" = t."accountId" AND p."detachedAt" IS NULL)
ON CONFLICT ("dedupeKey") DO NOTHING;

INSERT INTO "AuditLog" ("id", "accountId", "action", "detail")
SELECT 'aud_' || replace(gen_random_uuid()::text, '-', ''), t."accountId", 'auto_top_up.disabled',
  '{"reason": "no_payment_method", "cause": "saved_without_card"}'::jsonb
FROM "AutoTopUp" t
WHERE t."enabled" AND NOT EXISTS (SELECT 1 FROM "PaymentMethod" p WHERE p."accountId" = t."accountId" AND p."detachedAt" IS NULL);

UPDATE "AutoTopUp" t SET "enabled" = false, "updatedAt" = CURRENT_TIMESTAMP
WHERE t."enabled" AND NOT EXISTS (SELECT 1 FROM "PaymentMethod" p WHERE p."accountId" = t."accountId" AND p."detachedAt" IS NULL);
