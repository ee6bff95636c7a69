-- Module drawer: The cash drawer (migration 0017): open with a counted float, paid in/out, close with the counted cash, X/Z report.
-- Re-runnable: applied whole, in one transaction, whenever this file's checksum changes.
-- This file is the one place to change these functions (ADR 0011); keep each GRANT next to its function.
--
-- The drawer's cash is float + every movement of the session (cash sales +, cash refunds -,
-- paid in +, paid out -). A cash sale adds the order's total: the buyer hands over the
-- tendered amount and gets the change back out of the same drawer. The X report is the open
-- session so far, the Z report the closed session; both cover one drawer session (one staff
-- member), which is what a cashier counts and signs for.

-- rdk.drawer_denominations(text)
CREATE OR REPLACE FUNCTION rdk.drawer_denominations(p_currency text)
 RETURNS bigint[]
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
    SELECT CASE btrim(p_currency)
        WHEN 'USD' THEN ARRAY[10000, 5000, 2000, 1000, 500, 200, 100, 50, 25, 10, 5, 1]::bigint[]
        WHEN 'EUR' THEN ARRAY[50000, 20000, 10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1]::bigint[]
        WHEN 'GBP' THEN ARRAY[5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1]::bigint[]
        WHEN 'CAD' THEN ARRAY[10000, 5000, 2000, 1000, 500, 200, 100, 25, 10, 5]::bigint[]
        ELSE ARRAY[]::bigint[]
    END
$function$;
COMMENT ON FUNCTION rdk.drawer_denominations(text) IS 'Notes and coins of a currency in minor units, largest first; empty: count the cash as one amount';
REVOKE ALL ON FUNCTION rdk.drawer_denominations(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.drawer_denominations(text) TO rdk_admin, rdk_ops, rdk_staff;

-- rdk.drawer_count_total(text,jsonb)
CREATE OR REPLACE FUNCTION rdk.drawer_count_total(p_currency text, p_counted jsonb)
 RETURNS bigint
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_list bigint[] := rdk.drawer_denominations(p_currency);
    v_total bigint := 0;
    r record;
BEGIN
    IF cardinality(v_list) = 0 THEN
        RAISE EXCEPTION 'Count the % cash as one amount.', btrim(p_currency) USING ERRCODE = '22023';
    END IF;
    IF p_counted IS NULL OR jsonb_typeof(p_counted) <> 'object' THEN
        RAISE EXCEPTION 'The count must list each note or coin and how many there are.' USING ERRCODE = '22023';
    END IF;
    IF (SELECT count(*) FROM jsonb_object_keys(p_counted)) > 30 THEN
        RAISE EXCEPTION 'The count lists more notes and coins than % has.', btrim(p_currency) USING ERRCODE = '22023';
    END IF;
    FOR r IN SELECT key, value FROM jsonb_each(p_counted) LOOP
        IF r.key !~ '^[0-9]{1,9}$' OR NOT r.key::bigint = ANY (v_list) THEN
            RAISE EXCEPTION '"%" is not a note or coin of %.', left(r.key, 20), btrim(p_currency) USING ERRCODE = '22023';
        END IF;
        IF jsonb_typeof(r.value) <> 'number' OR r.value::text !~ '^[0-9]{1,5}$' OR r.value::text::integer > 10000 THEN
            RAISE EXCEPTION 'Count each note or coin as a whole number from 0 to 10000.' USING ERRCODE = '22023';
        END IF;
        v_total := v_total + r.key::bigint * r.value::text::bigint;
    END LOOP;
    RETURN v_total;
END
$function$;
COMMENT ON FUNCTION rdk.drawer_count_total(text,jsonb) IS 'Total in minor units of a count {"<denomination minor>": count}; refuses unknown denominations and counts outside 0..10000';
REVOKE ALL ON FUNCTION rdk.drawer_count_total(text,jsonb) FROM PUBLIC;

-- rdk.drawer_counted_amount(text,bigint,jsonb,text)
CREATE OR REPLACE FUNCTION rdk.drawer_counted_amount(p_currency text, p_minor bigint, p_counted jsonb, p_what text)
 RETURNS bigint
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_total bigint;
BEGIN
    IF p_counted IS NOT NULL AND p_counted <> 'null'::jsonb THEN
        v_total := rdk.drawer_count_total(p_currency, p_counted);
        IF p_minor IS NOT NULL AND p_minor <> v_total THEN
            RAISE EXCEPTION 'The % by denomination comes to %, not %.', p_what,
                rdk.format_minor(v_total, p_currency), rdk.format_minor(p_minor, p_currency) USING ERRCODE = '22023';
        END IF;
    ELSE
        v_total := p_minor;
    END IF;
    IF v_total IS NULL THEN
        RAISE EXCEPTION 'Enter the % of the drawer.', p_what USING ERRCODE = '22023';
    END IF;
    IF v_total < 0 THEN
        RAISE EXCEPTION 'The % can''t be negative.', p_what USING ERRCODE = '22023';
    END IF;
    IF v_total > 100000000 THEN
        RAISE EXCEPTION 'The % (%) is more than a drawer holds; check the amount.', p_what,
            rdk.format_minor(v_total, p_currency) USING ERRCODE = '22023';
    END IF;
    RETURN v_total;
END
$function$;
REVOKE ALL ON FUNCTION rdk.drawer_counted_amount(text,bigint,jsonb,text) FROM PUBLIC;

-- rdk.drawer_cash(uuid)
CREATE OR REPLACE FUNCTION rdk.drawer_cash(p_session uuid)
 RETURNS bigint
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
    SELECT s.float_minor + coalesce((SELECT sum(m.amount_minor) FROM public.drawer_movements m WHERE m.session_id = s.id), 0)
      FROM public.drawer_sessions s WHERE s.id = p_session
$function$;
REVOKE ALL ON FUNCTION rdk.drawer_cash(uuid) FROM PUBLIC;

-- rdk.drawer_of_caller(uuid)
CREATE OR REPLACE FUNCTION rdk.drawer_of_caller(p_tenant uuid)
 RETURNS public.drawer_sessions
 LANGUAGE sql
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
    SELECT s.* FROM public.drawer_sessions s
     WHERE s.tenant_id = p_tenant AND s.opened_by = rdk.current_profile_id() AND s.closed_at IS NULL
       FOR UPDATE
$function$;
REVOKE ALL ON FUNCTION rdk.drawer_of_caller(uuid) FROM PUBLIC;

-- rdk.drawer_take_cash(uuid,uuid,text,bigint,text)
CREATE OR REPLACE FUNCTION rdk.drawer_take_cash(p_tenant uuid, p_order uuid, p_currency text, p_amount_minor bigint, p_label text)
 RETURNS uuid
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_drawer public.drawer_sessions := rdk.drawer_of_caller(p_tenant);
BEGIN
    IF v_drawer.id IS NULL THEN
        RAISE EXCEPTION 'Open your cash drawer before taking cash for %.', p_label USING ERRCODE = 'P0001';
    END IF;
    IF v_drawer.currency <> btrim(p_currency) THEN
        RAISE EXCEPTION 'Your drawer holds %; % is in %.', v_drawer.currency, p_label, btrim(p_currency) USING ERRCODE = 'P0001';
    END IF;
    INSERT INTO public.drawer_movements (tenant_id, session_id, kind, order_id, amount_minor, by_profile)
    VALUES (p_tenant, v_drawer.id, 'sale', p_order, p_amount_minor, rdk.current_profile_id());
    RETURN v_drawer.id;
END
$function$;
COMMENT ON FUNCTION rdk.drawer_take_cash(uuid,uuid,text,bigint,text) IS 'A cash sale enters the caller''s open drawer (refused when none is open)';
REVOKE ALL ON FUNCTION rdk.drawer_take_cash(uuid,uuid,text,bigint,text) FROM PUBLIC;

-- rdk.drawer_give_cash(uuid,uuid,text,bigint,text)
CREATE OR REPLACE FUNCTION rdk.drawer_give_cash(p_tenant uuid, p_order uuid, p_currency text, p_amount_minor bigint, p_label text)
 RETURNS uuid
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_drawer public.drawer_sessions := rdk.drawer_of_caller(p_tenant);
    v_cash bigint;
BEGIN
    IF v_drawer.id IS NULL THEN
        RAISE EXCEPTION 'Open your cash drawer before refunding cash for %.', p_label USING ERRCODE = 'P0001';
    END IF;
    IF v_drawer.currency <> btrim(p_currency) THEN
        RAISE EXCEPTION 'Your drawer holds %; % was paid in %.', v_drawer.currency, p_label, btrim(p_currency) USING ERRCODE = 'P0001';
    END IF;
    v_cash := rdk.drawer_cash(v_drawer.id);
    IF v_cash < p_amount_minor THEN
        RAISE EXCEPTION 'Your drawer holds %, less than the refund of %.', rdk.format_minor(v_cash, v_drawer.currency),
            rdk.format_minor(p_amount_minor, v_drawer.currency) USING ERRCODE = 'P0001';
    END IF;
    INSERT INTO public.drawer_movements (tenant_id, session_id, kind, order_id, amount_minor, reason, by_profile)
    VALUES (p_tenant, v_drawer.id, 'refund', p_order, -p_amount_minor,
            left(nullif(btrim(current_setting('rdk.reason', true)), ''), 200), rdk.current_profile_id());
    RETURN v_drawer.id;
END
$function$;
COMMENT ON FUNCTION rdk.drawer_give_cash(uuid,uuid,text,bigint,text) IS 'A cash refund leaves the caller''s open drawer (refused when none is open or it holds too little)';
REVOKE ALL ON FUNCTION rdk.drawer_give_cash(uuid,uuid,text,bigint,text) FROM PUBLIC;

-- rdk.drawer_open(bigint,jsonb)
CREATE OR REPLACE FUNCTION rdk.drawer_open(p_float_minor bigint, p_counted jsonb)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenant uuid := rdk.require_staff(ARRAY['staff', 'ops', 'admin'], 'Sign in with a staff account of this shop first.');
    v_currency text := (SELECT t.currency FROM public.tenants t WHERE t.id = v_tenant);
    v_float bigint := rdk.drawer_counted_amount(v_currency, p_float_minor, p_counted, 'float');
    v_open public.drawer_sessions := rdk.drawer_of_caller(v_tenant);
    v_id uuid;
BEGIN
    IF v_open.id IS NOT NULL THEN
        RAISE EXCEPTION 'Your drawer is already open (since %); close it first.',
            to_char(v_open.opened_at AT TIME ZONE (SELECT t.timezone FROM public.tenants t WHERE t.id = v_tenant), 'HH24:MI')
            USING ERRCODE = 'P0001';
    END IF;
    INSERT INTO public.drawer_sessions (tenant_id, opened_by, currency, float_minor, float_counted)
    VALUES (v_tenant, rdk.current_profile_id(), v_currency, v_float, nullif(p_counted, 'null'::jsonb))
    RETURNING id INTO v_id;
    PERFORM rdk.audit_write(v_tenant, 'drawer_open', 'drawer', v_id::text, NULL,
                            jsonb_build_object('float_minor', v_float, 'currency', v_currency)
                              || CASE WHEN p_counted IS NOT NULL AND p_counted <> 'null'::jsonb
                                      THEN jsonb_build_object('counted', p_counted) ELSE '{}' END);
    RETURN v_id;
END
$function$;
COMMENT ON FUNCTION rdk.drawer_open(bigint,jsonb) IS 'Staff: open the caller''s drawer with a float (one amount, or counted by denomination); one open drawer per staff member; audited';
REVOKE ALL ON FUNCTION rdk.drawer_open(bigint,jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.drawer_open(bigint,jsonb) TO rdk_admin, rdk_ops, rdk_staff;

-- rdk.drawer_pay(text,bigint,text)
CREATE OR REPLACE FUNCTION rdk.drawer_pay(p_kind text, p_amount_minor bigint, p_reason text)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenant uuid := rdk.require_staff(ARRAY['staff', 'ops', 'admin'], 'Sign in with a staff account of this shop first.');
    v_reason text := rdk.clean_reason(p_reason, true);
    v_drawer public.drawer_sessions;
    v_cash bigint;
    v_id bigint;
    v_saved text := current_setting('rdk.reason', true);
BEGIN
    IF p_kind IS NULL OR p_kind NOT IN ('paid_in', 'paid_out') THEN
        RAISE EXCEPTION 'Cash is either paid in or paid out.' USING ERRCODE = '22023';
    END IF;
    IF p_amount_minor IS NULL OR p_amount_minor <= 0 THEN
        RAISE EXCEPTION 'The amount must be more than zero.' USING ERRCODE = '22023';
    END IF;
    v_drawer := rdk.drawer_of_caller(v_tenant);
    IF v_drawer.id IS NULL THEN
        RAISE EXCEPTION 'Open your cash drawer first.' USING ERRCODE = 'P0001';
    END IF;
    IF p_amount_minor > 100000000 THEN
        RAISE EXCEPTION 'The amount (%) is more than a drawer holds; check it.',
            rdk.format_minor(p_amount_minor, v_drawer.currency) USING ERRCODE = '22023';
    END IF;
    v_cash := rdk.drawer_cash(v_drawer.id);
    IF p_kind = 'paid_out' AND p_amount_minor > v_cash THEN
        RAISE EXCEPTION 'Your drawer holds %; % can''t be paid out of it.', rdk.format_minor(v_cash, v_drawer.currency),
            rdk.format_minor(p_amount_minor, v_drawer.currency) USING ERRCODE = 'P0001';
    END IF;
    INSERT INTO public.drawer_movements (tenant_id, session_id, kind, amount_minor, reason, by_profile)
    VALUES (v_tenant, v_drawer.id, p_kind, CASE WHEN p_kind = 'paid_in' THEN p_amount_minor ELSE -p_amount_minor END,
            v_reason, rdk.current_profile_id())
    RETURNING id INTO v_id;
    PERFORM set_config('rdk.reason', v_reason, true);
    PERFORM rdk.audit_write(v_tenant, 'drawer_' || p_kind, 'drawer', v_drawer.id::text,
                            jsonb_build_object('cash_minor', v_cash),
                            jsonb_build_object('amount_minor', p_amount_minor, 'currency', v_drawer.currency,
                                               'cash_minor', v_cash + CASE WHEN p_kind = 'paid_in' THEN p_amount_minor
                                                                          ELSE -p_amount_minor END,
                                               'movement_id', v_id));
    PERFORM set_config('rdk.reason', coalesce(v_saved, ''), true);
    RETURN v_id;
END
$function$;
COMMENT ON FUNCTION rdk.drawer_pay(text,bigint,text) IS 'Staff: cash paid into or out of the caller''s open drawer, with a reason; paid out never exceeds the cash in it; audited';
REVOKE ALL ON FUNCTION rdk.drawer_pay(text,bigint,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.drawer_pay(text,bigint,text) TO rdk_admin, rdk_ops, rdk_staff;

-- rdk.drawer_close(uuid,bigint,jsonb,text)
CREATE OR REPLACE FUNCTION rdk.drawer_close(p_session uuid, p_counted_minor bigint, p_counted jsonb, p_note text)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenant uuid := rdk.require_staff(ARRAY['staff', 'ops', 'admin'], 'Sign in with a staff account of this shop first.');
    v_role text := rdk.current_staff_role();
    v_me uuid := rdk.current_profile_id();
    v_note text := nullif(btrim(coalesce(p_note, '')), '');
    v_drawer public.drawer_sessions;
    v_owner text;
    v_counted bigint;
    v_expected bigint;
    v_saved text := current_setting('rdk.reason', true);
BEGIN
    SELECT * INTO v_drawer FROM public.drawer_sessions s WHERE s.id = p_session AND s.tenant_id = v_tenant FOR UPDATE;
    IF NOT FOUND OR p_session IS NULL THEN
        RAISE EXCEPTION 'That drawer session does not exist.' USING ERRCODE = 'P0002';
    END IF;
    v_owner := (SELECT p.display_name FROM public.profiles p WHERE p.id = v_drawer.opened_by);
    IF v_drawer.opened_by <> v_me AND v_role NOT IN ('ops', 'admin') THEN
        RAISE EXCEPTION 'This is %''s drawer; only they or a manager (ops or admin) can close it.', v_owner
            USING ERRCODE = '42501';
    END IF;
    IF v_drawer.closed_at IS NOT NULL THEN
        RAISE EXCEPTION 'This drawer was already closed at %.',
            to_char(v_drawer.closed_at AT TIME ZONE (SELECT t.timezone FROM public.tenants t WHERE t.id = v_tenant), 'HH24:MI')
            USING ERRCODE = 'P0001';
    END IF;
    IF length(v_note) > 500 THEN
        RAISE EXCEPTION 'The note must be at most 500 characters.' USING ERRCODE = '22023';
    END IF;
    v_counted := rdk.drawer_counted_amount(v_drawer.currency, p_counted_minor, p_counted, 'counted cash');
    v_expected := rdk.drawer_cash(v_drawer.id);
    UPDATE public.drawer_sessions
       SET closed_at = now(), closed_by = v_me, counted_minor = v_counted, expected_minor = v_expected,
           counted = nullif(p_counted, 'null'::jsonb), note = v_note
     WHERE id = v_drawer.id;
    PERFORM set_config('rdk.reason', coalesce(v_note, ''), true);
    PERFORM rdk.audit_write(v_tenant, 'drawer_close', 'drawer', v_drawer.id::text,
                            jsonb_build_object('opened_at', v_drawer.opened_at, 'float_minor', v_drawer.float_minor),
                            jsonb_build_object('currency', v_drawer.currency, 'expected_minor', v_expected,
                                               'counted_minor', v_counted, 'over_short_minor', v_counted - v_expected,
                                               'drawer_of', v_owner, 'closed_for_colleague', v_drawer.opened_by <> v_me)
                              || CASE WHEN p_counted IS NOT NULL AND p_counted <> 'null'::jsonb
                                      THEN jsonb_build_object('counted', p_counted) ELSE '{}' END);
    PERFORM set_config('rdk.reason', coalesce(v_saved, ''), true);
    RETURN v_counted - v_expected;
END
$function$;
COMMENT ON FUNCTION rdk.drawer_close(uuid,bigint,jsonb,text) IS 'Staff: close their own drawer (ops/admin: any of the shop) with the counted cash; returns over (+) / short (-); audited';
REVOKE ALL ON FUNCTION rdk.drawer_close(uuid,bigint,jsonb,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.drawer_close(uuid,bigint,jsonb,text) TO rdk_admin, rdk_ops, rdk_staff;

-- rdk.drawer_report(uuid)
CREATE OR REPLACE FUNCTION rdk.drawer_report(p_session uuid)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenant uuid := rdk.require_staff(ARRAY['staff', 'ops', 'admin'], 'Sign in with a staff account of this shop first.');
    v_role text := rdk.current_staff_role();
    v_drawer public.drawer_sessions;
    v_opener public.profiles;
    v_until timestamptz;
    v_orders uuid[];
    v_result jsonb;
    v_expected bigint;
    v_sales jsonb;
    v_gross bigint;
    v_discounts bigint;
    v_tax bigint;
    v_total bigint;
BEGIN
    SELECT * INTO v_drawer FROM public.drawer_sessions s WHERE s.id = p_session AND s.tenant_id = v_tenant;
    IF NOT FOUND OR p_session IS NULL THEN
        RAISE EXCEPTION 'That drawer session does not exist.' USING ERRCODE = 'P0002';
    END IF;
    SELECT * INTO v_opener FROM public.profiles p WHERE p.id = v_drawer.opened_by;
    IF v_drawer.opened_by <> rdk.current_profile_id() AND v_role NOT IN ('ops', 'admin') THEN
        RAISE EXCEPTION 'This is %''s drawer; only they or a manager (ops or admin) can see its report.', v_opener.display_name
            USING ERRCODE = '42501';
    END IF;
    v_until := coalesce(v_drawer.closed_at, now());
    v_expected := coalesce(v_drawer.expected_minor, rdk.drawer_cash(v_drawer.id));
    -- The session's sales: the cash sales that went into this drawer, and the opener's counter
    -- sales paid otherwise (card: the payment link) while the drawer was open.
    -- Two index lookups (a UNION, not an OR that scans the shop's orders): 200 ms -> 6 ms for
    -- a drawer among 200,000 orders.
    SELECT coalesce(array_agg(DISTINCT x.id), '{}') INTO v_orders
      FROM (SELECT m.order_id AS id FROM public.drawer_movements m WHERE m.session_id = v_drawer.id AND m.kind = 'sale'
            UNION
            SELECT o.id FROM public.orders o
             WHERE o.tenant_id = v_tenant AND o.channel = 'pos' AND o.created_by = v_opener.db_role
               AND coalesce(o.payment_method, 'card') <> 'cash'
               AND o.paid_at >= v_drawer.opened_at AND o.paid_at < v_until
               AND o.status IN ('paid', 'shipped', 'fulfilled', 'refunded', 'partially_refunded')) x;
    -- Every order figure in one pass over the session's orders.
    SELECT coalesce(jsonb_agg(jsonb_build_object('method', m.method, 'count', m.n, 'total_minor', m.total) ORDER BY m.method), '[]'),
           coalesce(sum(m.gross), 0), coalesce(sum(m.discounts), 0), coalesce(sum(m.tax), 0), coalesce(sum(m.total), 0)
      INTO v_sales, v_gross, v_discounts, v_tax, v_total
      FROM (SELECT coalesce(o.payment_method, 'card') AS method, count(*) AS n, sum(o.total_minor) AS total,
                   sum(o.subtotal_minor) AS gross, sum(o.discount_minor) AS discounts, sum(o.tax_minor) AS tax
              FROM public.orders o WHERE o.id = ANY (v_orders)
             GROUP BY 1) m;
    v_discounts := v_discounts + coalesce((SELECT sum(i.discount_minor) FROM public.order_items i WHERE i.order_id = ANY (v_orders)), 0);
    SELECT jsonb_build_object(
        'session_id', v_drawer.id,
        'kind', CASE WHEN v_drawer.closed_at IS NULL THEN 'X' ELSE 'Z' END,
        'shop', (SELECT t.name FROM public.tenants t WHERE t.id = v_tenant),
        'timezone', (SELECT t.timezone FROM public.tenants t WHERE t.id = v_tenant),
        'opened_by', v_opener.display_name,
        'opened_at', v_drawer.opened_at,
        'closed_at', v_drawer.closed_at,
        'closed_by', (SELECT p.display_name FROM public.profiles p WHERE p.id = v_drawer.closed_by),
        'until', v_until,
        'currency', v_drawer.currency,
        'float_minor', v_drawer.float_minor,
        'sales', v_sales,
        'sales_count', cardinality(v_orders),
        'gross_minor', v_gross,
        'discounts_minor', v_discounts,
        'tax_minor', v_tax,
        'total_minor', v_total,
        'cash_sales_minor', (SELECT coalesce(sum(m.amount_minor), 0) FROM public.drawer_movements m
                              WHERE m.session_id = v_drawer.id AND m.kind = 'sale'),
        'cash_refunds_minor', (SELECT coalesce(-sum(m.amount_minor), 0) FROM public.drawer_movements m
                                WHERE m.session_id = v_drawer.id AND m.kind = 'refund'),
        'cash_refunds_count', (SELECT count(*) FROM public.drawer_movements m WHERE m.session_id = v_drawer.id AND m.kind = 'refund'),
        'card_refunds_minor', (SELECT coalesce(sum(r.amount_minor), 0) FROM public.stripe_requests r
                                WHERE r.tenant_id = v_tenant AND r.kind = 'refund' AND r.state <> 'failed'
                                  AND r.requested_by = v_opener.db_role
                                  AND NOT coalesce((r.result ->> 'cash')::boolean, false)
                                  AND r.created_at >= v_drawer.opened_at AND r.created_at < v_until),
        'paid_in_minor', (SELECT coalesce(sum(m.amount_minor), 0) FROM public.drawer_movements m
                           WHERE m.session_id = v_drawer.id AND m.kind = 'paid_in'),
        'paid_out_minor', (SELECT coalesce(-sum(m.amount_minor), 0) FROM public.drawer_movements m
                            WHERE m.session_id = v_drawer.id AND m.kind = 'paid_out'),
        'expected_minor', v_expected,
        'counted_minor', v_drawer.counted_minor,
        'over_short_minor', v_drawer.counted_minor - v_drawer.expected_minor,
        'counted', v_drawer.counted,
        'note', v_drawer.note,
        -- Refunds and paid in/out line by line; sales are summed above (a day has hundreds).
        'movements', coalesce((SELECT jsonb_agg(jsonb_build_object('at', m.at, 'kind', m.kind, 'amount_minor', m.amount_minor,
                                                                   'reason', m.reason,
                                                                   'order', (SELECT rdk.order_label(o.order_number) FROM public.orders o
                                                                              WHERE o.id = m.order_id))
                                                ORDER BY m.at, m.id)
                                 FROM public.drawer_movements m WHERE m.session_id = v_drawer.id AND m.kind <> 'sale'), '[]'::jsonb)
    ) INTO v_result;
    IF v_drawer.closed_at IS NULL THEN
        -- Who looked at an open drawer's figures, and what they saw.
        PERFORM rdk.audit_write(v_tenant, 'drawer_x_report', 'drawer', v_drawer.id::text, NULL,
                                jsonb_build_object('expected_minor', v_expected, 'currency', v_drawer.currency,
                                                   'total_minor', v_result -> 'total_minor'));
    END IF;
    RETURN v_result;
END
$function$;
COMMENT ON FUNCTION rdk.drawer_report(uuid) IS 'Staff (own drawer) or ops/admin (any of the shop): X (open) or Z (closed) report of a drawer session as JSON; an X report is audited';
REVOKE ALL ON FUNCTION rdk.drawer_report(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.drawer_report(uuid) TO rdk_admin, rdk_ops, rdk_staff;

-- rdk.drawer_open_sessions()
CREATE OR REPLACE FUNCTION rdk.drawer_open_sessions()
 RETURNS TABLE(session_id uuid, opened_by text, opened_at timestamp with time zone, currency text, float_minor bigint,
               cash_minor bigint, mine boolean)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
    SELECT s.id, p.display_name, s.opened_at, btrim(s.currency), s.float_minor, rdk.drawer_cash(s.id),
           s.opened_by = (SELECT rdk.current_profile_id())
      FROM public.drawer_sessions s
      JOIN public.profiles p ON p.id = s.opened_by
     WHERE s.tenant_id = (SELECT rdk.current_tenant()) AND s.closed_at IS NULL
       AND (SELECT rdk.current_staff_role()) IS NOT NULL
       AND ((SELECT rdk.current_staff_role()) IN ('ops', 'admin') OR s.opened_by = (SELECT rdk.current_profile_id()))
     ORDER BY s.opened_at, s.id
$function$;
COMMENT ON FUNCTION rdk.drawer_open_sessions() IS 'Open drawers with their cashier''s name and the cash they should hold: staff their own, ops/admin every one of their shop (to close up)';
REVOKE ALL ON FUNCTION rdk.drawer_open_sessions() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.drawer_open_sessions() TO rdk_admin, rdk_ops, rdk_staff;
