-- A spend lease granted in one statement (lib/billing/spend-lease.ts). The grant locks the account's
-- row, and every meter flush for that account waits for that lock. As an interactive transaction
-- the lock was held across three round trips to the app, each waiting for the app's event loop: under
-- load, 20-75 ms, in which all of the account's responses waited. Here it is held only while this
-- function runs inside PostgreSQL.
--
-- The same steps as the transaction it replaces, in the same order: lock the account's row, then
-- (a statement of its own, so a fresh snapshot under READ COMMITTED: leases other instances committed
-- while this one waited for the lock count) sum the live leases, then insert the new one. The ceiling
-- is spendCeiling() of lib/billing/spend-ceiling.ts; tests/integration/billing/grant-spend-lease.test.ts
-- holds the two to each other. The tiers' caps are passed in (lib/billing/tiers.ts is their one home).
-- No schema change.
CREATE OR REPLACE FUNCTION headroom_grant_spend_lease(
  p_account_id text,
  p_holder text,
  p_lease_id text,
  p_need bigint,
  p_want bigint,
  p_now timestamptz,
  p_month_start timestamptz,
  p_expires_at timestamptz,
  p_cap_tiers text[],
  p_caps bigint[]
) RETURNS TABLE (
  "granted" boolean,
  "amountMicros" bigint,
  "availableMicros" bigint,
  "limitMicros" bigint,
  "monthlySpendMicros" bigint
) LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  a record;
  monthly bigint;
  credits bigint;
  cap bigint;
  ceiling bigint;
  live bigint;
  available bigint;
  amount bigint;
BEGIN
  -- A request waits for this grant: a row lock held elsewhere for seconds (a stalled transaction)
  -- ends it with an error (503, retried by the client) instead of holding the request.
  PERFORM set_config('lock_timeout', '4s', true);
  SELECT acc."tier"::text AS "tier", acc."spendLimitMicros", acc."creditBalanceMicros", acc."monthlySpendMicros", acc."spendPeriod",
    EXISTS (SELECT 1 FROM "PaymentMethod" p WHERE p."accountId" = acc."id" AND p."detachedAt" IS NULL) AS "hasCard"
  INTO a
  FROM "Account" acc WHERE acc."id" = p_account_id FOR UPDATE OF acc;
  IF NOT FOUND THEN
    RETURN; -- no row: no such account
  END IF;
  monthly := CASE WHEN a."spendPeriod" < p_month_start THEN 0 ELSE a."monthlySpendMicros" END;
  credits := GREATEST(a."creditBalanceMicros", 0);
  -- tierCap(): Tier 0 may spend its credits; the others have their tier's cap (NULL: none).
  IF array_position(p_cap_tiers, a."tier") IS NULL THEN
    RAISE EXCEPTION 'headroom_grant_spend_lease: no cap given for tier %', a."tier";
  END IF;
  IF a."tier" = 'tier0' THEN
    cap := monthly + credits;
  ELSE
    cap := p_caps[array_position(p_cap_tiers, a."tier")];
  END IF;
  -- effectiveSpendLimit(): the owner's limit, never above the cap.
  ceiling := CASE WHEN a."spendLimitMicros" IS NULL THEN cap
                  WHEN cap IS NULL OR a."spendLimitMicros" < cap THEN a."spendLimitMicros"
                  ELSE cap END;
  -- spendCeiling(): without a card nothing can be invoiced, so no more than the credits cover.
  IF NOT a."hasCard" AND (ceiling IS NULL OR monthly + credits < ceiling) THEN
    ceiling := monthly + credits;
  END IF;
  amount := p_want;
  IF ceiling IS NOT NULL THEN
    SELECT COALESCE(SUM(l."amountMicros"), 0) INTO live
    FROM "SpendLease" l WHERE l."accountId" = p_account_id AND l."expiresAt" > p_now;
    available := ceiling - monthly - live;
    IF available < p_need THEN
      RETURN QUERY SELECT false, NULL::bigint, GREATEST(available, 0), ceiling, monthly;
      RETURN;
    END IF;
    -- Leave room for other instances: never more than a quarter of what is left (but at least p_need).
    amount := LEAST(p_want, GREATEST(available / 4, p_need));
  END IF;
  INSERT INTO "SpendLease" ("id", "accountId", "holder", "amountMicros", "expiresAt")
  VALUES (p_lease_id, p_account_id, p_holder, amount, p_expires_at);
  RETURN QUERY SELECT true, amount, NULL::bigint, ceiling, monthly;
END;
$$;
