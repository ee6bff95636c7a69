-- Module stripe_requests: Work for rdk-sync to do at Stripe (ADR 0007): queued, claimed, finished.
-- Re-runnable: applied whole, in one transaction, whenever this file's checksum changes.
-- This file is the one place to change these functions (ADR 0011); keep each GRANT next to its function.

-- rdk.pos_request_payment_link(uuid)
CREATE OR REPLACE FUNCTION rdk.pos_request_payment_link(p_order uuid)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenant uuid := rdk.require_staff(ARRAY['staff', 'ops', 'admin'], 'Sign in with a staff account of this shop first.');
    v_order public.orders := rdk.lock_order(v_tenant, p_order);
    v_id bigint;
BEGIN
    IF v_order.channel <> 'pos' THEN
        RAISE EXCEPTION '% is an online order; it is paid through the storefront.', rdk.order_label(v_order.order_number)
            USING ERRCODE = '22023';
    END IF;
    SELECT r.id INTO v_id FROM public.stripe_requests r
     WHERE r.order_id = p_order AND r.kind = 'payment_link' AND r.state <> 'failed';
    IF FOUND THEN
        RETURN v_id;
    END IF;
    IF v_order.status NOT IN ('pending', 'awaiting_payment') THEN
        RAISE EXCEPTION '%', rdk.order_state_refusal(rdk.order_label(v_order.order_number), v_order.status, 'cash')
            USING ERRCODE = 'P0001';
    END IF;
    -- An exchange's credit (module returns.sql) already pays part of the total.
    IF v_order.total_minor - v_order.credit_minor <= 0 THEN
        RAISE EXCEPTION '% has nothing to pay.', rdk.order_label(v_order.order_number) USING ERRCODE = '22023';
    END IF;
    INSERT INTO public.stripe_requests (tenant_id, order_id, kind, amount_minor)
    VALUES (v_tenant, p_order, 'payment_link', v_order.total_minor - v_order.credit_minor)
    RETURNING id INTO v_id;
    RETURN v_id;
END
$function$;
COMMENT ON FUNCTION rdk.pos_request_payment_link(uuid) IS 'Staff: queue (or return the live) Payment Link request of a pending POS order; retries after a failure';
REVOKE ALL ON FUNCTION rdk.pos_request_payment_link(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.pos_request_payment_link(uuid) TO rdk_admin, rdk_ops, rdk_staff;

-- rdk.claim_stripe_requests(integer,text)
-- Several rdk-sync processes claim from the same queue (ADR 0029). A claim is a lease: the
-- claimer names itself (host:pid) and renews its lease while it works (rdk.renew_stripe_requests),
-- so another process takes a `working` request over only once its lease ran out: its claimer was
-- killed, cut off from the database for longer than the lease, or stopped renewing. A claim
-- without a claimer's name (older builds, through the one-argument form) takes no lease and keeps
-- the old rule: taken over after two minutes idle, or as soon as the claiming session is gone.
CREATE OR REPLACE FUNCTION rdk.claim_stripe_requests(p_limit integer, p_claimer text)
 RETURNS SETOF public.stripe_requests
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenant uuid := rdk.current_tenant();
    v_claimer text := left(nullif(btrim(p_claimer), ''), 200);
BEGIN
    IF NOT rdk.is_service() THEN
        RAISE EXCEPTION 'Only the rdk-sync service claims Stripe work.' USING ERRCODE = '42501';
    END IF;
    IF v_tenant IS NULL THEN
        RETURN;
    END IF;
    UPDATE public.stripe_requests r
       SET state = 'failed', updated_at = now(), leased_until = NULL,
           error = CASE WHEN r.state = 'working'
                        THEN 'Stripe could not be reached after ' || r.attempts || ' attempts. Try again.'
                        ELSE 'The order was paid or canceled before its payment link was made.' END
      FROM public.orders o
     WHERE r.tenant_id = v_tenant AND o.id = r.order_id
       AND ((r.state = 'queued' AND r.kind = 'payment_link' AND o.status NOT IN ('pending', 'awaiting_payment'))
            OR (r.state = 'working' AND r.attempts >= 5
                AND coalesce(r.leased_until, r.updated_at + interval '2 minutes') < now()));
    RETURN QUERY
    WITH picked AS (
        SELECT r.id FROM public.stripe_requests r
         WHERE r.tenant_id = v_tenant
           AND (r.state = 'queued'
                OR (r.state = 'working' AND r.leased_until < now())
                OR (r.state = 'working' AND r.leased_until IS NULL
                    AND (r.updated_at < now() - interval '2 minutes'
                         OR (r.claimed_by_pid IS NOT NULL
                             AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_stat_activity a WHERE a.pid = r.claimed_by_pid)))))
         ORDER BY r.id
         LIMIT greatest(1, least(coalesce(p_limit, 10), 100))
           FOR UPDATE SKIP LOCKED)
    UPDATE public.stripe_requests r
       SET state = 'working', attempts = r.attempts + 1, updated_at = now(), claimed_by_pid = pg_backend_pid(),
           claimed_by = v_claimer,
           leased_until = CASE WHEN v_claimer IS NULL THEN NULL ELSE now() + rdk.stripe_request_lease() END
      FROM picked
     WHERE r.id = picked.id
    RETURNING r.*;
END
$function$;
COMMENT ON FUNCTION rdk.claim_stripe_requests(integer,text) IS 'rdk-sync: lease queued Stripe requests of its tenant, and working ones whose lease ran out, naming the claimer';
REVOKE ALL ON FUNCTION rdk.claim_stripe_requests(integer,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.claim_stripe_requests(integer,text) TO rdk_sync;

-- rdk.claim_stripe_requests(integer)
-- The claim of rdk-sync builds before leases had a claimer's name; kept so an older process can
-- still work during a rolling upgrade of several (ADR 0029).
CREATE OR REPLACE FUNCTION rdk.claim_stripe_requests(p_limit integer)
 RETURNS SETOF public.stripe_requests
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$ SELECT * FROM rdk.claim_stripe_requests(p_limit, NULL::text) $function$;
COMMENT ON FUNCTION rdk.claim_stripe_requests(integer) IS 'rdk-sync (older builds): claim_stripe_requests without a claimer name';
REVOKE ALL ON FUNCTION rdk.claim_stripe_requests(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.claim_stripe_requests(integer) TO rdk_sync;

-- rdk.stripe_request_lease()
CREATE OR REPLACE FUNCTION rdk.stripe_request_lease()
 RETURNS interval
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$ SELECT interval '30 seconds' $function$;
COMMENT ON FUNCTION rdk.stripe_request_lease() IS 'How long a claim of a Stripe request holds without renewal (rdk-sync renews every 10 s)';
REVOKE ALL ON FUNCTION rdk.stripe_request_lease() FROM PUBLIC;

-- rdk.renew_stripe_requests(bigint[],text)
CREATE OR REPLACE FUNCTION rdk.renew_stripe_requests(p_ids bigint[], p_claimer text)
 RETURNS SETOF bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenant uuid := rdk.current_tenant();
BEGIN
    IF NOT rdk.is_service() THEN
        RAISE EXCEPTION 'Only the rdk-sync service renews its claims on Stripe work.' USING ERRCODE = '42501';
    END IF;
    IF v_tenant IS NULL OR p_ids IS NULL OR nullif(btrim(p_claimer), '') IS NULL THEN
        RETURN;
    END IF;
    IF cardinality(p_ids) > 1000 THEN
        RAISE EXCEPTION 'Renew at most 1000 Stripe requests at once.' USING ERRCODE = '22023';
    END IF;
    -- Only the claimer's own rows, still working: a request another process took over (this
    -- one's lease had run out) stays with its new claimer.
    RETURN QUERY
    UPDATE public.stripe_requests r
       SET leased_until = now() + rdk.stripe_request_lease()
     WHERE r.tenant_id = v_tenant AND r.id = ANY (p_ids) AND r.state = 'working'
       AND r.claimed_by = left(btrim(p_claimer), 200)
    RETURNING r.id;
END
$function$;
COMMENT ON FUNCTION rdk.renew_stripe_requests(bigint[],text) IS 'rdk-sync: extend the lease of the Stripe requests it is still working; returns those still its own';
REVOKE ALL ON FUNCTION rdk.renew_stripe_requests(bigint[],text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.renew_stripe_requests(bigint[],text) TO rdk_sync;

-- rdk.finish_stripe_request(bigint,boolean,jsonb,text)
CREATE OR REPLACE FUNCTION rdk.finish_stripe_request(p_id bigint, p_ok boolean, p_result jsonb, p_error text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenant uuid := rdk.current_tenant();
    v_request public.stripe_requests;
    v_link text;
    v_saved text := current_setting('rdk.reason', true);
BEGIN
    IF NOT rdk.is_service() THEN
        RAISE EXCEPTION 'Only the rdk-sync service finishes Stripe work.' USING ERRCODE = '42501';
    END IF;
    SELECT * INTO v_request FROM public.stripe_requests r WHERE r.id = p_id AND r.tenant_id = v_tenant FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'No Stripe request %.', p_id USING ERRCODE = 'P0002';
    END IF;
    IF v_request.state IN ('done', 'failed') THEN
        RETURN;
    END IF;
    IF v_request.state <> 'working' THEN
        RAISE EXCEPTION 'Stripe request % was not claimed.', p_id USING ERRCODE = 'P0001';
    END IF;
    IF NOT coalesce(p_ok, false) THEN
        UPDATE public.stripe_requests
           SET state = 'failed', updated_at = now(), leased_until = NULL,
               error = left(coalesce(nullif(btrim(p_error), ''), 'Stripe could not do this. Try again.'), 500)
         WHERE id = p_id;
        RETURN;
    END IF;
    IF p_result IS NULL OR jsonb_typeof(p_result) <> 'object' THEN
        RAISE EXCEPTION 'The result of a finished Stripe request must be a JSON object.' USING ERRCODE = '22023';
    END IF;
    IF v_request.kind = 'payment_link' THEN
        v_link := p_result ->> 'payment_link_id';
        IF v_link IS NULL OR v_link !~ '^plink_[A-Za-z0-9_]{1,250}$'
           OR coalesce(p_result ->> 'url', '') !~ '^https?://[^[:space:]]+$' OR length(p_result ->> 'url') > 2000 THEN
            RAISE EXCEPTION 'A payment link result needs a payment_link_id (plink_...) and an http(s) url.'
                USING ERRCODE = '22023';
        END IF;
        PERFORM set_config('rdk.reason', 'payment link created', true);
        UPDATE public.orders SET stripe_payment_link_id = v_link
         WHERE id = v_request.order_id AND stripe_payment_link_id IS DISTINCT FROM v_link;
    ELSIF v_request.kind = 'refund' THEN
        PERFORM set_config('rdk.reason', left('refund ' || coalesce(p_result ->> 'refund_id', '') || ': '
                                              || coalesce(v_request.reason, ''), 200), true);
        PERFORM rdk.apply_restock(v_tenant, v_request.order_id, v_request.restock);
    END IF;
    UPDATE public.stripe_requests SET state = 'done', result = p_result, error = NULL, updated_at = now(), leased_until = NULL
     WHERE id = p_id;
    PERFORM set_config('rdk.reason', coalesce(v_saved, ''), true);
END
$function$;
COMMENT ON FUNCTION rdk.finish_stripe_request(bigint,boolean,jsonb,text) IS 'rdk-sync: record the outcome of a claimed Stripe request (link id onto the order, refund restock)';
REVOKE ALL ON FUNCTION rdk.finish_stripe_request(bigint,boolean,jsonb,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.finish_stripe_request(bigint,boolean,jsonb,text) TO rdk_sync;
