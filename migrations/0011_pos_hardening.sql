-- 0011: two hardenings of the point of sale.
--
-- 1. A Stripe request claimed by an rdk-sync that died is picked up again at once, not after
--    two minutes: the claim remembers the claiming backend, and a 'working' row whose backend
--    is gone (pg_stat_activity shows every pid to every role) is free to claim. A buyer at the
--    counter then waits seconds for the link after a crash of rdk-sync, not minutes. A reused
--    pid only delays the pick-up to the two-minute rule, never speeds it up wrongly, and a
--    request worked twice is harmless: Stripe sees the same idempotency keys.
--
-- 2. Money states are written by the payment paths only. A staff login could so far UPDATE an
--    order straight to 'paid' (or change its amounts, so a payment link would charge less);
--    now only rdk-sync (webhooks), the owner, and the SECURITY DEFINER functions of 0010 (cash,
--    refunds) may set paid / refunded / partially_refunded or touch the amounts.

ALTER TABLE stripe_requests ADD COLUMN claimed_by_pid integer;
COMMENT ON COLUMN stripe_requests.claimed_by_pid IS 'Backend pid of the rdk-sync session that claimed the row (working only)';

CREATE OR REPLACE FUNCTION rdk.claim_stripe_requests(p_limit integer) RETURNS SETOF public.stripe_requests
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
DECLARE
    v_tenant uuid := rdk.current_tenant();
BEGIN
    IF NOT rdk.is_service() THEN
        RAISE EXCEPTION 'Only the rdk-sync service claims Stripe work.' USING ERRCODE = '42501';
    END IF;
    IF v_tenant IS NULL THEN
        RETURN;
    END IF;
    UPDATE public.stripe_requests r
       SET state = 'failed', updated_at = now(),
           error = CASE WHEN r.state = 'working'
                        THEN 'Stripe could not be reached after ' || r.attempts || ' attempts. Try again.'
                        ELSE 'The order was paid or canceled before its payment link was made.' END
      FROM public.orders o
     WHERE r.tenant_id = v_tenant AND o.id = r.order_id
       AND ((r.state = 'queued' AND r.kind = 'payment_link' AND o.status NOT IN ('pending', 'awaiting_payment'))
            OR (r.state = 'working' AND r.attempts >= 5 AND r.updated_at < now() - interval '2 minutes'));
    RETURN QUERY
    WITH picked AS (
        SELECT r.id FROM public.stripe_requests r
         WHERE r.tenant_id = v_tenant
           AND (r.state = 'queued'
                OR (r.state = 'working'
                    AND (r.updated_at < now() - interval '2 minutes'
                         OR (r.claimed_by_pid IS NOT NULL
                             AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_stat_activity a WHERE a.pid = r.claimed_by_pid)))))
         ORDER BY r.id
         LIMIT greatest(1, least(coalesce(p_limit, 10), 100))
           FOR UPDATE SKIP LOCKED)
    UPDATE public.stripe_requests r
       SET state = 'working', attempts = r.attempts + 1, updated_at = now(), claimed_by_pid = pg_backend_pid()
      FROM picked
     WHERE r.id = picked.id
    RETURNING r.*;
END
$$;
COMMENT ON FUNCTION rdk.claim_stripe_requests(integer) IS
    'rdk-sync: claim queued Stripe requests of its tenant, and working ones whose claimer is gone or idle for 2 minutes';
REVOKE ALL ON FUNCTION rdk.claim_stripe_requests(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.claim_stripe_requests(integer) TO rdk_sync;

-- A direct UPDATE by a staff login (current_user = session_user: not inside a SECURITY
-- DEFINER function) may not move an order into a money state or change what it costs.
CREATE FUNCTION rdk.orders_guard_money() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
BEGIN
    IF current_user <> session_user OR rdk.current_staff_role() IS NULL THEN
        RETURN NEW;
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status AND NEW.status IN ('paid', 'refunded', 'partially_refunded') THEN
        RAISE EXCEPTION 'Payments and refunds are recorded by Stripe, the cash tender or a refund request, not by editing the order.'
            USING ERRCODE = '42501';
    END IF;
    IF (NEW.currency, NEW.subtotal_minor, NEW.shipping_minor, NEW.fee_minor, NEW.discount_minor, NEW.tax_minor,
        NEW.total_minor, NEW.refunded_minor)
       IS DISTINCT FROM
       (OLD.currency, OLD.subtotal_minor, OLD.shipping_minor, OLD.fee_minor, OLD.discount_minor, OLD.tax_minor,
        OLD.total_minor, OLD.refunded_minor) THEN
        RAISE EXCEPTION 'The amounts of an order can''t be edited.' USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER orders_0_guard_money BEFORE UPDATE ON public.orders
    FOR EACH ROW EXECUTE FUNCTION rdk.orders_guard_money();
REVOKE ALL ON FUNCTION rdk.orders_guard_money() FROM PUBLIC;
