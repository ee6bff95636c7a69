-- Module scaleout: what several rdk-sync processes of one shop share (migration 0024, ADR 0029):
-- the rate-limit budgets that must not be multiplied by the number of processes, and the day's
-- salt of the cookieless visitor hash.
-- Re-runnable: applied whole, in one transaction, whenever this file's checksum changes.
-- This file is the one place to change these functions (ADR 0011); keep each GRANT next to its function.

-- rdk.rate_take(text,text,integer,double precision)
-- One token from the caller's shop's bucket for (family, client): a token bucket holding up to
-- p_burst tokens, refilled at p_per_second. The upsert locks the bucket's row, so concurrent
-- requests of one client from any number of processes are counted one after the other and
-- together can never take more than the budget. The policy is the service's own configuration:
-- rdk-sync is trusted with its own limits (it could as well not call this at all); the database
-- only keeps the counts consistent across processes.
CREATE OR REPLACE FUNCTION rdk.rate_take(p_family text, p_client text, p_burst integer, p_per_second double precision)
 RETURNS TABLE(allowed boolean, remaining integer, retry_after_seconds integer, reset_seconds integer)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenant uuid := rdk.require_service();   -- the service login of a shop, or 42501
    v_now timestamptz := clock_timestamp();
    v_tokens double precision;
    v_allowed boolean;
BEGIN
    IF p_family IS NULL OR p_family NOT IN ('pages', 'api', 'checkout', 'auth', 'media') THEN
        RAISE EXCEPTION 'Unknown route family; use pages, api, checkout, auth or media.' USING ERRCODE = '22023';
    END IF;
    IF p_client IS NULL OR length(p_client) NOT BETWEEN 1 AND 64 THEN
        RAISE EXCEPTION 'A client key is 1 to 64 characters.' USING ERRCODE = '22023';
    END IF;
    IF p_burst IS NULL OR p_burst NOT BETWEEN 1 AND 100000 THEN
        RAISE EXCEPTION 'A burst is 1 to 100000 requests.' USING ERRCODE = '22023';
    END IF;
    IF p_per_second IS NULL OR NOT (p_per_second > 0 AND p_per_second <= 100000) THEN
        RAISE EXCEPTION 'A refill rate is more than 0 and at most 100000 requests a second.' USING ERRCODE = '22023';
    END IF;

    INSERT INTO public.rate_limit_buckets AS b (tenant_id, family, client_key, tokens, allowed, updated_at, full_at)
    VALUES (v_tenant, p_family, p_client, p_burst - 1, true, v_now,
            v_now + make_interval(secs => 1.0 / p_per_second))
    ON CONFLICT (tenant_id, family, client_key) DO UPDATE
       SET allowed = least(p_burst::double precision,
                           b.tokens + greatest(0, extract(epoch FROM v_now - b.updated_at)) * p_per_second) >= 1 - 1e-9,
           tokens = greatest(0, least(p_burst::double precision,
                                      b.tokens + greatest(0, extract(epoch FROM v_now - b.updated_at)) * p_per_second)
                                - CASE WHEN least(p_burst::double precision,
                                                  b.tokens + greatest(0, extract(epoch FROM v_now - b.updated_at)) * p_per_second)
                                            >= 1 - 1e-9 THEN 1 ELSE 0 END),
           updated_at = greatest(b.updated_at, v_now)
    RETURNING b.tokens, b.allowed INTO v_tokens, v_allowed;
    UPDATE public.rate_limit_buckets b
       SET full_at = b.updated_at + make_interval(secs => (p_burst - v_tokens) / p_per_second)
     WHERE b.tenant_id = v_tenant AND b.family = p_family AND b.client_key = p_client;

    -- Buckets that are full again change no decision when forgotten; a few per call keep the
    -- table at the size of the clients seen lately.
    DELETE FROM public.rate_limit_buckets b
     WHERE (b.tenant_id, b.family, b.client_key) IN (
           SELECT o.tenant_id, o.family, o.client_key FROM public.rate_limit_buckets o
            WHERE o.tenant_id = v_tenant AND o.full_at < v_now
            ORDER BY o.full_at LIMIT 4
              FOR UPDATE SKIP LOCKED);

    allowed := v_allowed;
    remaining := floor(v_tokens + 1e-9)::integer;
    retry_after_seconds := CASE WHEN v_allowed THEN 0
                                ELSE least(86400, greatest(1, ceil((1 - v_tokens) / p_per_second - 1e-9)))::integer END;
    reset_seconds := least(86400, greatest(0, ceil((p_burst - v_tokens) / p_per_second - 1e-9)))::integer;
    RETURN NEXT;
END
$function$;
COMMENT ON FUNCTION rdk.rate_take(text,text,integer,double precision) IS 'rdk-sync: take one request from the shared budget of (route family, client) of its shop; answers allowed, remaining, retry-after and reset seconds';
REVOKE ALL ON FUNCTION rdk.rate_take(text,text,integer,double precision) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.rate_take(text,text,integer,double precision) TO rdk_sync;

-- rdk.visitor_salt(date)
-- The salt of the visitor hash for the UTC day p_day, made (32 random bytes) by whichever
-- process asks first, so every process of the shop hashes a visitor the same way that day.
-- Only yesterday, today and tomorrow (UTC, by the database's clock) may be asked for, so clocks
-- a little apart around midnight agree; older salts are deleted as soon as a new day's is made,
-- so yesterday's visitor ids can't be linked to today's for long.
CREATE OR REPLACE FUNCTION rdk.visitor_salt(p_day date)
 RETURNS bytea
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenant uuid := rdk.require_service();   -- the service login of a shop, or 42501
    v_today date := (now() AT TIME ZONE 'UTC')::date;
    v_salt bytea;
BEGIN
    IF p_day IS NULL OR p_day NOT BETWEEN v_today - 1 AND v_today + 1 THEN
        RAISE EXCEPTION 'Visitor salts exist for yesterday, today and tomorrow (UTC) only.' USING ERRCODE = '22023';
    END IF;
    SELECT s.salt INTO v_salt FROM public.visitor_salts s WHERE s.tenant_id = v_tenant AND s.day = p_day;
    IF FOUND THEN
        RETURN v_salt;
    END IF;
    INSERT INTO public.visitor_salts (tenant_id, day, salt)
    VALUES (v_tenant, p_day, public.gen_random_bytes(32))
    ON CONFLICT (tenant_id, day) DO NOTHING;
    DELETE FROM public.visitor_salts s WHERE s.tenant_id = v_tenant AND s.day < v_today - 1;
    SELECT s.salt INTO v_salt FROM public.visitor_salts s WHERE s.tenant_id = v_tenant AND s.day = p_day;
    RETURN v_salt;
END
$function$;
COMMENT ON FUNCTION rdk.visitor_salt(date) IS 'rdk-sync: the shared salt of the visitor hash for a UTC day (yesterday, today or tomorrow), made on first use';
REVOKE ALL ON FUNCTION rdk.visitor_salt(date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.visitor_salt(date) TO rdk_sync;
