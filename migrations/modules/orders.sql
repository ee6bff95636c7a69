-- Module orders: Order rules: status machine, discounts, payment method, refunds, restock, timeline.
-- Re-runnable: applied whole, in one transaction, whenever this file's checksum changes.
-- This file is the one place to change these functions (ADR 0011); keep each GRANT next to its function.

-- rdk.orders_keep_author()
CREATE OR REPLACE FUNCTION rdk.orders_keep_author()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF rdk.is_service() OR rdk.current_staff_role() IS NOT NULL THEN
            NEW.created_by := session_user;
        END IF;
    ELSE
        NEW.created_by := OLD.created_by;
    END IF;
    RETURN NEW;
END
$function$;
REVOKE ALL ON FUNCTION rdk.orders_keep_author() FROM PUBLIC;

-- rdk.order_transition_allowed(text,text)
CREATE OR REPLACE FUNCTION rdk.order_transition_allowed(p_from text, p_to text)
 RETURNS boolean
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
BEGIN
    -- plpgsql, not sql: see rdk.is_service() (ADR 0028).
    RETURN p_from = p_to OR (p_from, p_to) IN (
        ('pending', 'awaiting_payment'), ('pending', 'paid'), ('pending', 'canceled'),
        ('awaiting_payment', 'paid'), ('awaiting_payment', 'canceled'),
        ('paid', 'shipped'), ('paid', 'fulfilled'), ('paid', 'refunded'), ('paid', 'partially_refunded'),
        ('partially_refunded', 'partially_refunded'), ('partially_refunded', 'refunded'),
        ('shipped', 'refunded'), ('shipped', 'partially_refunded'),
        ('fulfilled', 'refunded'), ('fulfilled', 'partially_refunded'));
END
$function$;
REVOKE ALL ON FUNCTION rdk.order_transition_allowed(text,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.order_transition_allowed(text,text) TO rdk_admin, rdk_ops, rdk_staff, rdk_sync;

-- rdk.orders_check_status()
CREATE OR REPLACE FUNCTION rdk.orders_check_status()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
BEGIN
    IF NOT rdk.order_transition_allowed(OLD.status, NEW.status) THEN
        RAISE EXCEPTION 'illegal order status transition: % -> %', OLD.status, NEW.status
            USING ERRCODE = 'P0001';
    END IF;
    RETURN NEW;
END
$function$;
REVOKE ALL ON FUNCTION rdk.orders_check_status() FROM PUBLIC;

-- rdk.release_expired_reservations()
CREATE OR REPLACE FUNCTION rdk.release_expired_reservations()
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_all boolean := rdk.caller_is_owner();
    v_tenant uuid := rdk.current_tenant();
    v_reason text := current_setting('rdk.reason', true);
    v_orders uuid[] := '{}';
    v_count integer := 0;
    v_shops uuid[];
    r record;
BEGIN
    IF NOT v_all THEN
        IF v_tenant IS NULL THEN
            RETURN 0;
        END IF;
        IF NOT rdk.can_write() THEN
            RAISE EXCEPTION 'Enter your two-factor code first.' USING ERRCODE = '42501';
        END IF;
    END IF;
    -- One sweep of a shop at a time: every rdk-sync process runs this on its own timer (ADR
    -- 0029). Two at once would each release some holds of one order and then neither would see
    -- all of them released, leaving the order pending with nothing held. A sweep claims its
    -- shop's row of tenants (SKIP LOCKED: one that finds it taken returns at once, and the
    -- running one does the work); the owner's sweep of every shop sweeps the shops it could
    -- claim. A row lock rather than an advisory one, which any login can take and hold from
    -- psql to stop the sweeps: locking the row needs the right to update it, which only the
    -- shop's admins have (and FOR NO KEY UPDATE doesn't stop inserts that refer to the shop).
    SELECT array_agg(t.id) INTO v_shops
      FROM (SELECT t.id FROM public.tenants t
             WHERE v_all OR t.id = v_tenant
             ORDER BY t.id
               FOR NO KEY UPDATE SKIP LOCKED) t;
    IF v_shops IS NULL THEN
        RETURN 0;
    END IF;
    PERFORM set_config('rdk.reason', 'reservation_expired', true);
    -- Inventory rows are locked in id order so concurrent callers can't deadlock; rows
    -- another transaction holds (a webhook marking them sold) are left for later.
    FOR r IN
        SELECT s.id, s.inventory_id, s.quantity, s.order_id
          FROM public.stock_reservations s
          JOIN public.orders o ON o.id = s.order_id
         WHERE s.state = 'held' AND s.expires_at <= now()
           AND o.status IN ('pending', 'awaiting_payment', 'canceled')
           AND s.tenant_id = ANY (v_shops)
         ORDER BY s.inventory_id, s.id
           FOR UPDATE OF s SKIP LOCKED
    LOOP
        UPDATE public.stock_reservations SET state = 'released' WHERE id = r.id;
        UPDATE public.inventory SET reserved = greatest(reserved - r.quantity, 0) WHERE id = r.inventory_id;
        IF NOT r.order_id = ANY (v_orders) THEN
            v_orders := v_orders || r.order_id;
        END IF;
        v_count := v_count + 1;
    END LOOP;
    UPDATE public.orders o
       SET status = 'canceled', canceled_at = coalesce(o.canceled_at, now())
     WHERE o.id = ANY (v_orders)
       AND o.status IN ('pending', 'awaiting_payment')
       AND NOT EXISTS (SELECT 1 FROM public.stock_reservations s WHERE s.order_id = o.id AND s.state = 'held');
    PERFORM set_config('rdk.reason', coalesce(v_reason, ''), true);
    RETURN v_count;
END
$function$;
COMMENT ON FUNCTION rdk.release_expired_reservations() IS 'Releases held reservations past expires_at (caller''s tenant; all tenants for the owner), cancels orders left holding nothing';
REVOKE ALL ON FUNCTION rdk.release_expired_reservations() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.release_expired_reservations() TO rdk_admin, rdk_ops, rdk_staff, rdk_sync;

-- rdk.order_label(bigint)
CREATE OR REPLACE FUNCTION rdk.order_label(p_number bigint)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$ SELECT 'RDK-' || p_number::text $function$;
REVOKE ALL ON FUNCTION rdk.order_label(bigint) FROM PUBLIC;

-- rdk.format_minor(bigint,text)
CREATE OR REPLACE FUNCTION rdk.format_minor(p_minor bigint, p_currency text)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$ SELECT to_char(p_minor / 100.0, 'FM999999999999990.00') || ' ' || btrim(p_currency) $function$;
REVOKE ALL ON FUNCTION rdk.format_minor(bigint,text) FROM PUBLIC;

-- rdk.orders_payment_method()
CREATE OR REPLACE FUNCTION rdk.orders_payment_method()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
BEGIN
    -- An order that becomes paid while it carries a Stripe id and no method was paid by card.
    IF NEW.payment_method IS NULL
       AND NEW.status IN ('paid', 'shipped', 'fulfilled', 'refunded', 'partially_refunded')
       AND (TG_OP = 'INSERT' OR OLD.status IN ('pending', 'awaiting_payment'))
       AND coalesce(NEW.stripe_payment_intent_id, NEW.stripe_checkout_session_id, NEW.stripe_payment_link_id,
                    NEW.stripe_charge_id) IS NOT NULL THEN
        NEW.payment_method := 'card';
    END IF;
    RETURN NEW;
END
$function$;
REVOKE ALL ON FUNCTION rdk.orders_payment_method() FROM PUBLIC;

-- rdk.assert_discount_allowed()
CREATE OR REPLACE FUNCTION rdk.assert_discount_allowed()
 RETURNS void
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
BEGIN
    IF rdk.caller_is_owner() THEN
        RETURN;
    END IF;
    IF coalesce(rdk.current_staff_role(), '') NOT IN ('ops', 'admin') THEN
        RAISE EXCEPTION 'Only ops or admin staff can give a discount.' USING ERRCODE = '42501';
    END IF;
END
$function$;
REVOKE ALL ON FUNCTION rdk.assert_discount_allowed() FROM PUBLIC;

-- rdk.orders_discount()
CREATE OR REPLACE FUNCTION rdk.orders_discount()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_reason text := current_setting('rdk.reason', true);
BEGIN
    IF NEW.discount_minor = 0 AND (TG_OP = 'INSERT' OR OLD.discount_minor = 0) THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.discount_minor = OLD.discount_minor
       AND NEW.discount_reason IS NOT DISTINCT FROM OLD.discount_reason THEN
        RETURN NULL;
    END IF;
    PERFORM rdk.assert_discount_allowed();
    IF NEW.discount_minor > 0 AND nullif(btrim(coalesce(NEW.discount_reason, '')), '') IS NULL
       AND NOT rdk.caller_is_owner() THEN
        RAISE EXCEPTION 'A discount needs a reason.' USING ERRCODE = '22023';
    END IF;
    PERFORM set_config('rdk.reason', coalesce(NEW.discount_reason, ''), true);
    PERFORM rdk.audit_write(NEW.tenant_id, 'discount', 'order', NEW.id::text,
                            CASE WHEN TG_OP = 'UPDATE' THEN jsonb_build_object('discount_minor', OLD.discount_minor) END,
                            jsonb_build_object('discount_minor', NEW.discount_minor, 'currency', NEW.currency,
                                               'discount_reason', NEW.discount_reason, 'scope', 'order'));
    PERFORM set_config('rdk.reason', coalesce(v_reason, ''), true);
    RETURN NULL;
END
$function$;
REVOKE ALL ON FUNCTION rdk.orders_discount() FROM PUBLIC;

-- rdk.order_items_discount()
CREATE OR REPLACE FUNCTION rdk.order_items_discount()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_order_reason text;
    v_currency text;
    v_reason text := current_setting('rdk.reason', true);
BEGIN
    IF NEW.discount_minor = 0 AND (TG_OP = 'INSERT' OR OLD.discount_minor = 0) THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.discount_minor = OLD.discount_minor THEN
        RETURN NULL;
    END IF;
    PERFORM rdk.assert_discount_allowed();
    SELECT o.discount_reason, o.currency INTO v_order_reason, v_currency FROM public.orders o WHERE o.id = NEW.order_id;
    IF NEW.discount_minor > 0 AND nullif(btrim(coalesce(v_order_reason, '')), '') IS NULL
       AND NOT rdk.caller_is_owner() THEN
        RAISE EXCEPTION 'A discount needs a reason.' USING ERRCODE = '22023';
    END IF;
    PERFORM set_config('rdk.reason', coalesce(v_order_reason, ''), true);
    PERFORM rdk.audit_write(NEW.tenant_id, 'discount', 'order', NEW.order_id::text,
                            CASE WHEN TG_OP = 'UPDATE' THEN jsonb_build_object('discount_minor', OLD.discount_minor) END,
                            jsonb_build_object('discount_minor', NEW.discount_minor, 'currency', v_currency,
                                               'discount_reason', v_order_reason, 'scope', 'line',
                                               'item_id', NEW.id, 'sku', NEW.sku, 'size', NEW.size,
                                               'quantity', NEW.quantity));
    PERFORM set_config('rdk.reason', coalesce(v_reason, ''), true);
    RETURN NULL;
END
$function$;
REVOKE ALL ON FUNCTION rdk.order_items_discount() FROM PUBLIC;

-- rdk.lock_order(uuid,uuid)
CREATE OR REPLACE FUNCTION rdk.lock_order(p_tenant uuid, p_order uuid)
 RETURNS public.orders
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_order public.orders;
BEGIN
    SELECT * INTO v_order FROM public.orders o WHERE o.id = p_order AND o.tenant_id = p_tenant FOR UPDATE;
    IF NOT FOUND OR p_order IS NULL THEN
        RAISE EXCEPTION 'The order no longer exists.' USING ERRCODE = 'P0002';
    END IF;
    RETURN v_order;
END
$function$;
REVOKE ALL ON FUNCTION rdk.lock_order(uuid,uuid) FROM PUBLIC;

-- rdk.clean_reason(text,boolean)
CREATE OR REPLACE FUNCTION rdk.clean_reason(p_reason text, p_required boolean)
 RETURNS text
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v text := nullif(btrim(coalesce(p_reason, '')), '');
BEGIN
    IF v IS NULL AND p_required THEN
        RAISE EXCEPTION 'Give a reason.' USING ERRCODE = '22023';
    END IF;
    IF length(v) > 200 THEN
        RAISE EXCEPTION 'The reason must be at most 200 characters.' USING ERRCODE = '22023';
    END IF;
    RETURN v;
END
$function$;
REVOKE ALL ON FUNCTION rdk.clean_reason(text,boolean) FROM PUBLIC;

-- rdk.order_state_refusal(text,text,text)
CREATE OR REPLACE FUNCTION rdk.order_state_refusal(p_label text, p_status text, p_action text)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
    SELECT CASE
        WHEN p_action IN ('cancel', 'cash') AND p_status IN ('paid', 'shipped', 'fulfilled') THEN
            CASE p_action WHEN 'cancel' THEN p_label || ' is already paid; refund it instead.'
                          ELSE p_label || ' is already paid.' END
        WHEN p_status = 'canceled' THEN p_label || ' was canceled.'
        WHEN p_status = 'refunded' THEN p_label || ' was refunded in full.'
        WHEN p_status = 'partially_refunded' AND p_action IN ('cancel', 'cash') THEN p_label || ' was paid and partly refunded.'
        WHEN p_status IN ('pending', 'awaiting_payment') AND p_action = 'refund' THEN p_label || ' has not been paid; cancel it instead.'
        WHEN p_status IN ('pending', 'awaiting_payment') THEN p_label || ' has not been paid yet.'
        WHEN p_action = 'ship' THEN p_label || ' is ' || replace(p_status, '_', ' ') || '; only paid orders can be shipped.'
        WHEN p_action = 'fulfil' THEN p_label || ' is ' || replace(p_status, '_', ' ') || '; only paid orders can be marked picked up.'
        ELSE p_label || ' is ' || replace(p_status, '_', ' ') || '.'
    END
$function$;
REVOKE ALL ON FUNCTION rdk.order_state_refusal(text,text,text) FROM PUBLIC;

-- rdk.cancel_order(uuid,text)
CREATE OR REPLACE FUNCTION rdk.cancel_order(p_order uuid, p_reason text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenant uuid := rdk.require_staff(ARRAY['staff', 'ops', 'admin'], 'Sign in with a staff account of this shop first.');
    v_reason text := rdk.clean_reason(p_reason, false);
    v_order public.orders := rdk.lock_order(v_tenant, p_order);
    v_saved text := current_setting('rdk.reason', true);
BEGIN
    IF v_order.channel <> 'pos' AND rdk.current_staff_role() NOT IN ('ops', 'admin') THEN
        RAISE EXCEPTION 'Only ops or admin staff can cancel online orders.' USING ERRCODE = '42501';
    END IF;
    IF v_order.status = 'canceled' THEN
        RETURN;
    END IF;
    IF v_order.status NOT IN ('pending', 'awaiting_payment') THEN
        RAISE EXCEPTION '%', rdk.order_state_refusal(rdk.order_label(v_order.order_number), v_order.status, 'cancel')
            USING ERRCODE = 'P0001';
    END IF;
    PERFORM set_config('rdk.reason', coalesce(v_reason, 'canceled'), true);
    PERFORM rdk.settle_reservations(p_order, false);
    UPDATE public.orders SET status = 'canceled', canceled_at = now() WHERE id = p_order;
    PERFORM set_config('rdk.reason', coalesce(v_saved, ''), true);
END
$function$;
COMMENT ON FUNCTION rdk.cancel_order(uuid,text) IS 'Staff (POS orders) or ops/admin (any): cancel a pending order and release its stock; no-op when already canceled';
REVOKE ALL ON FUNCTION rdk.cancel_order(uuid,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.cancel_order(uuid,text) TO rdk_admin, rdk_ops, rdk_staff;

-- rdk.record_cash_payment(uuid,bigint)
CREATE OR REPLACE FUNCTION rdk.record_cash_payment(p_order uuid, p_tendered_minor bigint)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenant uuid := rdk.require_staff(ARRAY['staff', 'ops', 'admin'], 'Sign in with a staff account of this shop first.');
    v_order public.orders := rdk.lock_order(v_tenant, p_order);
    v_label text := rdk.order_label(v_order.order_number);
    v_saved text := current_setting('rdk.reason', true);
    v_drawer uuid;
BEGIN
    IF v_order.channel <> 'pos' THEN
        RAISE EXCEPTION '% is an online order; cash is taken for counter sales only.', v_label USING ERRCODE = '22023';
    END IF;
    IF v_order.status NOT IN ('pending', 'awaiting_payment') THEN
        RAISE EXCEPTION '%', rdk.order_state_refusal(v_label, v_order.status, 'cash') USING ERRCODE = 'P0001';
    END IF;
    v_order.total_minor := v_order.total_minor - v_order.credit_minor;  -- an exchange's credit pays the rest (returns.sql)
    IF p_tendered_minor IS NULL OR p_tendered_minor < v_order.total_minor THEN
        RAISE EXCEPTION 'The cash tendered (%) is less than the total of % (%).',
            rdk.format_minor(coalesce(p_tendered_minor, 0), v_order.currency), v_label,
            rdk.format_minor(v_order.total_minor, v_order.currency) USING ERRCODE = '22023';
    END IF;
    IF p_tendered_minor > v_order.total_minor + 10000000 THEN
        RAISE EXCEPTION 'The cash tendered (%) is far more than the total (%); check the amount.',
            rdk.format_minor(p_tendered_minor, v_order.currency), rdk.format_minor(v_order.total_minor, v_order.currency)
            USING ERRCODE = '22023';
    END IF;
    -- Cash goes into the caller's open drawer (module drawer.sql): no drawer, no cash, for every role.
    v_drawer := rdk.drawer_take_cash(v_tenant, p_order, v_order.currency, v_order.total_minor, v_label);
    PERFORM set_config('rdk.reason', 'cash payment', true);
    PERFORM rdk.settle_reservations(p_order, true);
    UPDATE public.orders
       SET status = 'paid', paid_at = now(), payment_method = 'cash', cash_tendered_minor = p_tendered_minor
     WHERE id = p_order;
    PERFORM rdk.audit_write(v_tenant, 'cash_payment', 'order', p_order::text, NULL,
                            jsonb_build_object('order_number', v_order.order_number, 'currency', v_order.currency,
                                               'total_minor', v_order.total_minor, 'tendered_minor', p_tendered_minor,
                                               'change_minor', p_tendered_minor - v_order.total_minor,
                                               'drawer_session_id', v_drawer));
    PERFORM set_config('rdk.reason', coalesce(v_saved, ''), true);
END
$function$;
COMMENT ON FUNCTION rdk.record_cash_payment(uuid,bigint) IS 'Staff with an open drawer: a pending POS order paid in cash into that drawer; stock sold, status paid, audited as cash_payment';
REVOKE ALL ON FUNCTION rdk.record_cash_payment(uuid,bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.record_cash_payment(uuid,bigint) TO rdk_admin, rdk_ops, rdk_staff;

-- rdk.normalize_restock(uuid,jsonb)
CREATE OR REPLACE FUNCTION rdk.normalize_restock(p_order uuid, p_restock jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_line jsonb;
    v_item bigint;
    v_qty integer;
    v_wanted jsonb := '{}';
    v_result jsonb := '[]';
    r record;
BEGIN
    IF p_restock IS NULL OR p_restock = 'null'::jsonb THEN
        RETURN '[]'::jsonb;
    END IF;
    IF jsonb_typeof(p_restock) <> 'array' OR jsonb_array_length(p_restock) > 100 THEN
        RAISE EXCEPTION 'The items to return to stock are not a list of at most 100 lines.' USING ERRCODE = '22023';
    END IF;
    FOR v_line IN SELECT e FROM jsonb_array_elements(p_restock) AS e LOOP
        -- IS DISTINCT FROM, not <>: a missing key is NULL, and NULL <> 'number' would let the line
        -- through (and then drop every line to restock without a word).
        IF jsonb_typeof(v_line) IS DISTINCT FROM 'object' OR jsonb_typeof(v_line -> 'item_id') IS DISTINCT FROM 'number'
           OR jsonb_typeof(v_line -> 'quantity') IS DISTINCT FROM 'number'
           OR (v_line ->> 'item_id') !~ '^[0-9]{1,18}$' OR (v_line ->> 'quantity') !~ '^[0-9]{1,4}$' THEN
            RAISE EXCEPTION 'Each item to return to stock needs an item_id and a whole quantity.' USING ERRCODE = '22023';
        END IF;
        v_item := (v_line ->> 'item_id')::bigint;
        v_qty := (v_line ->> 'quantity')::integer;
        IF v_qty < 1 THEN
            RAISE EXCEPTION 'A quantity to return to stock must be at least 1.' USING ERRCODE = '22023';
        END IF;
        v_wanted := jsonb_set(v_wanted, ARRAY[v_item::text],
                              to_jsonb(coalesce((v_wanted ->> v_item::text)::integer, 0) + v_qty));
    END LOOP;
    FOR r IN
        SELECT w.key::bigint AS item_id, w.value::text::integer AS wanted, i.id, i.name, i.size, i.quantity,
               i.restocked_quantity,
               coalesce((SELECT sum((l ->> 'quantity')::integer)
                           FROM public.stripe_requests s, jsonb_array_elements(s.restock) AS l
                          WHERE s.order_id = p_order AND s.kind = 'refund' AND s.state IN ('queued', 'working')
                            AND (l ->> 'item_id')::bigint = i.id), 0) AS promised
          FROM jsonb_each(v_wanted) AS w
          LEFT JOIN public.order_items i ON i.id = w.key::bigint AND i.order_id = p_order
         ORDER BY w.key::bigint
    LOOP
        IF r.id IS NULL THEN
            RAISE EXCEPTION 'Item % is not part of this order.', r.item_id USING ERRCODE = '22023';
        END IF;
        IF r.wanted > r.quantity - r.restocked_quantity - r.promised THEN
            RAISE EXCEPTION 'Only % of % can still be returned to stock.',
                greatest(r.quantity - r.restocked_quantity - r.promised, 0),
                r.name || CASE WHEN r.size IS NULL THEN '' ELSE ' (size ' || r.size || ')' END
                USING ERRCODE = '22023';
        END IF;
        v_result := v_result || jsonb_build_array(jsonb_build_object('item_id', r.item_id, 'quantity', r.wanted));
    END LOOP;
    RETURN v_result;
END
$function$;
REVOKE ALL ON FUNCTION rdk.normalize_restock(uuid,jsonb) FROM PUBLIC;

-- rdk.apply_restock(uuid,uuid,jsonb)
CREATE OR REPLACE FUNCTION rdk.apply_restock(p_tenant uuid, p_order uuid, p_restock jsonb)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT i.id, i.product_id, i.size, (l ->> 'quantity')::integer AS qty
          FROM jsonb_array_elements(p_restock) AS l
          JOIN public.order_items i ON i.id = (l ->> 'item_id')::bigint AND i.order_id = p_order
         ORDER BY i.product_id, i.size NULLS FIRST
    LOOP
        INSERT INTO public.inventory AS inv (tenant_id, product_id, size, quantity)
        VALUES (p_tenant, r.product_id, r.size, r.qty)
        ON CONFLICT (product_id, size) DO UPDATE SET quantity = inv.quantity + EXCLUDED.quantity;
        UPDATE public.order_items SET restocked_quantity = restocked_quantity + r.qty WHERE id = r.id;
    END LOOP;
END
$function$;
REVOKE ALL ON FUNCTION rdk.apply_restock(uuid,uuid,jsonb) FROM PUBLIC;

-- rdk.refund_goes_to_card(public.orders,text)
CREATE OR REPLACE FUNCTION rdk.refund_goes_to_card(p_order public.orders, p_label text)
 RETURNS boolean
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    -- Orders paid through Stripe before payment_method existed count as card payments.
    v_card boolean := p_order.payment_method = 'card'
                      OR (p_order.payment_method IS NULL
                          AND coalesce(p_order.stripe_payment_intent_id, p_order.stripe_charge_id) IS NOT NULL);
BEGIN
    IF p_order.status NOT IN ('paid', 'shipped', 'fulfilled', 'partially_refunded') THEN
        RAISE EXCEPTION '%', rdk.order_state_refusal(p_label, p_order.status, 'refund') USING ERRCODE = 'P0001';
    END IF;
    IF NOT v_card AND p_order.payment_method IS DISTINCT FROM 'cash' THEN
        RAISE EXCEPTION '% has no recorded payment to refund.', p_label USING ERRCODE = 'P0001';
    END IF;
    IF v_card AND coalesce(p_order.stripe_payment_intent_id, p_order.stripe_charge_id) IS NULL THEN
        RAISE EXCEPTION '% has no Stripe payment to refund.', p_label USING ERRCODE = 'P0001';
    END IF;
    RETURN v_card;
END
$function$;
COMMENT ON FUNCTION rdk.refund_goes_to_card(public.orders,text) IS 'Whether money back for a refundable order goes to its card (else cash); refuses an order that can''t be refunded';
REVOKE ALL ON FUNCTION rdk.refund_goes_to_card(public.orders,text) FROM PUBLIC;

-- rdk.request_refund(uuid,bigint,jsonb,text)
CREATE OR REPLACE FUNCTION rdk.request_refund(p_order uuid, p_amount_minor bigint, p_restock jsonb, p_reason text)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenant uuid := rdk.require_staff(ARRAY['ops', 'admin'], 'Only ops or admin staff can refund orders.');
    v_reason text := rdk.clean_reason(p_reason, true);
    v_order public.orders := rdk.lock_order(v_tenant, p_order);
    v_label text := rdk.order_label(v_order.order_number);
    v_done bigint;
    v_pending bigint;
    v_remaining bigint;
    v_amount bigint;
    v_restock jsonb;
    v_card boolean;
    v_id bigint;
    v_saved text := current_setting('rdk.reason', true);
BEGIN
    v_card := rdk.refund_goes_to_card(v_order, v_label);
    SELECT coalesce(sum(r.amount_minor) FILTER (WHERE r.state = 'done'), 0),
           coalesce(sum(r.amount_minor) FILTER (WHERE r.state IN ('queued', 'working')), 0)
      INTO v_done, v_pending
      FROM public.stripe_requests r WHERE r.order_id = p_order AND r.kind = 'refund';
    -- Less what moved to an exchange as credit (returns.sql).
    v_remaining := v_order.total_minor - greatest(v_order.refunded_minor, v_done) - v_pending - v_order.credited_minor;
    IF v_remaining <= 0 THEN
        RAISE EXCEPTION 'Nothing is left to refund on %.', v_label USING ERRCODE = 'P0001';
    END IF;
    v_amount := coalesce(p_amount_minor, v_remaining);
    IF v_amount <= 0 THEN
        RAISE EXCEPTION 'The refund amount must be more than zero.' USING ERRCODE = '22023';
    END IF;
    IF v_amount > v_remaining THEN
        RAISE EXCEPTION 'At most % can be refunded on %.', rdk.format_minor(v_remaining, v_order.currency), v_label
            USING ERRCODE = '22023';
    END IF;
    v_restock := rdk.normalize_restock(p_order, p_restock);

    PERFORM set_config('rdk.reason', v_reason, true);
    IF v_card THEN
        INSERT INTO public.stripe_requests (tenant_id, order_id, kind, amount_minor, restock, reason)
        VALUES (v_tenant, p_order, 'refund', v_amount, v_restock, v_reason)
        RETURNING id INTO v_id;
    ELSE
        UPDATE public.orders
           SET refunded_minor = refunded_minor + v_amount,
               status = CASE WHEN refunded_minor + v_amount >= total_minor THEN 'refunded' ELSE 'partially_refunded' END
         WHERE id = p_order;
        -- The cash comes out of the caller's open drawer, which must hold enough.
        PERFORM rdk.drawer_give_cash(v_tenant, p_order, v_order.currency, v_amount, v_label);
        PERFORM rdk.apply_restock(v_tenant, p_order, v_restock);
        INSERT INTO public.stripe_requests (tenant_id, order_id, kind, state, amount_minor, restock, reason, result)
        VALUES (v_tenant, p_order, 'refund', 'done', v_amount, v_restock, v_reason,
                jsonb_build_object('cash', true, 'amount', v_amount))
        RETURNING id INTO v_id;
    END IF;
    PERFORM rdk.audit_write(v_tenant, 'refund_requested', 'order', p_order::text, NULL,
                            jsonb_build_object('order_number', v_order.order_number, 'request_id', v_id,
                                               'amount_minor', v_amount, 'currency', v_order.currency,
                                               'method', CASE WHEN v_card THEN 'card' ELSE 'cash' END,
                                               'restock', v_restock));
    PERFORM set_config('rdk.reason', coalesce(v_saved, ''), true);
    RETURN v_id;
END
$function$;
COMMENT ON FUNCTION rdk.request_refund(uuid,bigint,jsonb,text) IS 'ops/admin: refund (all remaining when amount is NULL) with restock lines; card via rdk-sync, cash at once out of the caller''s open drawer';
REVOKE ALL ON FUNCTION rdk.request_refund(uuid,bigint,jsonb,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.request_refund(uuid,bigint,jsonb,text) TO rdk_admin, rdk_ops, rdk_staff;

-- rdk.mark_order_shipped(uuid,text,text)
CREATE OR REPLACE FUNCTION rdk.mark_order_shipped(p_order uuid, p_carrier text, p_tracking text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenant uuid := rdk.require_staff(ARRAY['staff', 'ops', 'admin'], 'Sign in with a staff account of this shop first.');
    v_carrier text := btrim(coalesce(p_carrier, ''));
    v_tracking text := btrim(coalesce(p_tracking, ''));
    v_order public.orders;
    v_saved text := current_setting('rdk.reason', true);
BEGIN
    IF length(v_carrier) NOT BETWEEN 1 AND 100 THEN
        RAISE EXCEPTION 'The carrier must be 1 to 100 characters.' USING ERRCODE = '22023';
    END IF;
    IF length(v_tracking) NOT BETWEEN 1 AND 100 THEN
        RAISE EXCEPTION 'The tracking number must be 1 to 100 characters.' USING ERRCODE = '22023';
    END IF;
    v_order := rdk.lock_order(v_tenant, p_order);
    IF v_order.status <> 'paid' THEN
        RAISE EXCEPTION '%', rdk.order_state_refusal(rdk.order_label(v_order.order_number), v_order.status, 'ship')
            USING ERRCODE = 'P0001';
    END IF;
    IF v_order.fulfillment = 'pickup' THEN
        RAISE EXCEPTION '% is picked up at the shop, not shipped; mark it ready for pickup.',
            rdk.order_label(v_order.order_number) USING ERRCODE = 'P0001';
    END IF;
    PERFORM set_config('rdk.reason', left('shipped with ' || v_carrier || ' ' || v_tracking, 200), true);
    UPDATE public.orders
       SET status = 'shipped', carrier = v_carrier, tracking_number = v_tracking, fulfilled_at = now()
     WHERE id = p_order;
    PERFORM set_config('rdk.reason', coalesce(v_saved, ''), true);
END
$function$;
COMMENT ON FUNCTION rdk.mark_order_shipped(uuid,text,text) IS 'Staff: paid -> shipped with carrier and tracking number (both in the status audit row)';
REVOKE ALL ON FUNCTION rdk.mark_order_shipped(uuid,text,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.mark_order_shipped(uuid,text,text) TO rdk_admin, rdk_ops, rdk_staff;

-- rdk.mark_order_fulfilled(uuid)
CREATE OR REPLACE FUNCTION rdk.mark_order_fulfilled(p_order uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenant uuid := rdk.require_staff(ARRAY['staff', 'ops', 'admin'], 'Sign in with a staff account of this shop first.');
    v_order public.orders := rdk.lock_order(v_tenant, p_order);
    v_saved text := current_setting('rdk.reason', true);
BEGIN
    IF v_order.status <> 'paid' THEN
        RAISE EXCEPTION '%', rdk.order_state_refusal(rdk.order_label(v_order.order_number), v_order.status, 'fulfil')
            USING ERRCODE = 'P0001';
    END IF;
    PERFORM set_config('rdk.reason', 'picked up', true);
    UPDATE public.orders SET status = 'fulfilled', fulfilled_at = now() WHERE id = p_order;
    PERFORM set_config('rdk.reason', coalesce(v_saved, ''), true);
END
$function$;
COMMENT ON FUNCTION rdk.mark_order_fulfilled(uuid) IS 'Staff: paid -> fulfilled (picked up), audited as a status change';
REVOKE ALL ON FUNCTION rdk.mark_order_fulfilled(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.mark_order_fulfilled(uuid) TO rdk_admin, rdk_ops, rdk_staff;

-- rdk.orders_queue_link_deactivation()
CREATE OR REPLACE FUNCTION rdk.orders_queue_link_deactivation()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
BEGIN
    INSERT INTO public.stripe_requests (tenant_id, order_id, kind, reason)
    VALUES (NEW.tenant_id, NEW.id, 'deactivate_link', 'order ' || NEW.status)
    ON CONFLICT (order_id) WHERE kind = 'deactivate_link' DO NOTHING;
    RETURN NULL;
END
$function$;
REVOKE ALL ON FUNCTION rdk.orders_queue_link_deactivation() FROM PUBLIC;

-- rdk.order_timeline(uuid)
CREATE OR REPLACE FUNCTION rdk.order_timeline(p_order uuid)
 RETURNS TABLE(at timestamp with time zone, actor name, action text, before jsonb, after jsonb, reason text)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
    SELECT a.at, a.actor, a.action, a.before, a.after, a.reason
      FROM public.audit_log a
     WHERE a.tenant_id = (SELECT rdk.current_tenant())
       AND (SELECT rdk.current_staff_role()) IS NOT NULL
       AND a.entity = 'order' AND a.entity_id = p_order::text
     ORDER BY a.at, a.id
$function$;
COMMENT ON FUNCTION rdk.order_timeline(uuid) IS 'Staff: the audit rows of one order of their shop, oldest first';
REVOKE ALL ON FUNCTION rdk.order_timeline(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.order_timeline(uuid) TO rdk_admin, rdk_ops, rdk_staff;

-- Triggers that call the functions above.
CREATE OR REPLACE TRIGGER order_items_discount AFTER INSERT OR UPDATE OF discount_minor ON public.order_items FOR EACH ROW EXECUTE FUNCTION rdk.order_items_discount();
CREATE OR REPLACE TRIGGER orders_1_keep_author BEFORE INSERT OR UPDATE OF created_by ON public.orders FOR EACH ROW EXECUTE FUNCTION rdk.orders_keep_author();
CREATE OR REPLACE TRIGGER orders_2_status_machine BEFORE UPDATE OF status ON public.orders FOR EACH ROW EXECUTE FUNCTION rdk.orders_check_status();
CREATE OR REPLACE TRIGGER orders_3_payment_method BEFORE INSERT OR UPDATE ON public.orders FOR EACH ROW EXECUTE FUNCTION rdk.orders_payment_method();
CREATE OR REPLACE TRIGGER orders_discount AFTER INSERT OR UPDATE OF discount_minor, discount_reason ON public.orders FOR EACH ROW EXECUTE FUNCTION rdk.orders_discount();
CREATE OR REPLACE TRIGGER orders_queue_link_deactivation AFTER UPDATE OF status, stripe_payment_link_id ON public.orders FOR EACH ROW WHEN (((new.channel = 'pos'::text) AND (new.stripe_payment_link_id IS NOT NULL) AND (new.status <> ALL (ARRAY['pending'::text, 'awaiting_payment'::text])))) EXECUTE FUNCTION rdk.orders_queue_link_deactivation();
