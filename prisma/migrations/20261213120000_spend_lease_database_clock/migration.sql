-- Spend leases live on the database's clock (lib/billing/spend-lease.ts). The grant compared other
-- instances' leases with the caller's clock and stamped its own expiry from it: an instance whose clock
-- ran ahead saw live leases as lapsed and was granted budget they still held (overshooting the limit by
-- up to those leases). Now p_now may be NULL, meaning statement_timestamp(), and the new lease lapses
-- p_ttl_ms after that same instant. (Tests that drive time still pass their own p_now.) The month stays
-- the caller's: its meter charges usage to the month of its own clock, and the grant must agree.
-- Otherwise the same function as 20261212120000_grant_spend_lease_function.
--
-- A new overload (its 8th parameter is now a bigint): the old one stays, so instances still running
-- the previous release keep granting during a rolling deploy. Drop it in a later release:
--   DROP FUNCTION headroom_grant_spend_lease(text, text, text, bigint, bigint, timestamptz, timestamptz, timestamptz, text[], bigint[]);

CREATE FUNCTION headroom_grant_spend_lease(
  p_account_id text,
  p_holder text,
  p_lease_id text,
  p_need bigint,
  p_want bigint,
  p_now timestamptz,
  p_month_start timestamptz,
  p_ttl_ms bigint,
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
  v_now timestamptz := COALESCE(p_now, statement_timestamp());
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
    FROM "SpendLease" l WHERE l."accountId" = p_account_id AND l."expiresAt" > v_now;
    available := ceiling - monthly - live;
    IF available < p_need THEN
      RETURN QUERY SELECT false, NULL::bigint, GREATEST(available, 0), ceiling, monthly;
      RETURN;
    END IF;
    -- Leave room for other instances: never more than a quarter of what is left (but at least p_need).
    amount := LEAST(p_want, GREATEST(available / 4, p_need));
  END IF;
  INSERT INTO "SpendLease" ("id", "accountId", "holder", "amountMicros", "expiresAt")
  VALUES (p_lease_id, p_account_id, p_holder, amount, v_now + p_ttl_ms * interval '1 millisecond');
  RETURN QUERY SELECT true, amount, NULL::bigint, ceiling, monthly;
END;
$$;
