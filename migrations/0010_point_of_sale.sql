-- Point of sale and the order back office (ADR 0007: the desk never holds the Stripe key).
--
-- The counter creates a pending POS order that holds its stock and asks for a Stripe Payment
-- Link by inserting a row into stripe_requests. rdk-sync (role rdk_sync, one tenant per
-- transaction) claims queued requests, calls Stripe (Payment Links, link deactivation,
-- Refunds) and writes the answer back; NOTIFY rdk_stripe_requests tells every screen.
-- Unpaid POS orders are canceled by the existing expiry sweep (rdk.release_expired_reservations,
-- 0002) when reserved_until passes; a trigger then queues the link's deactivation.
--
-- What lives here:
--   1. orders: payment_method, discount_reason, cash_tendered_minor; order_items.restocked_quantity
--   2. payment method bookkeeping (the webhook's MarkPaid becomes 'card' by trigger)
--   3. discounts: ops/admin only, with a reason, audited ('discount')
--   4. customer e-mail and shipping address hidden from the plain staff role (column grants)
--   5. stripe_requests: the work queue between the desk and rdk-sync
--   6. functions the desk calls (payment link, cancel, cash, refund, ship, fulfil, timeline)
--   7. functions rdk-sync calls (claim, finish)
--   8. link deactivation queued when a linked POS order is paid or canceled
--   9. audit of carrier and tracking number with the status change
--  10. privileges
--
-- Conventions as in 0002: SECURITY DEFINER functions check their caller themselves, name
-- tables with their schema and pin search_path with pg_temp last. Errors meant for people
-- carry a sentence and an ERRCODE the data layer maps:
--   42501 forbidden, P0002 not found, 22023 invalid input, P0001 conflict (illegal state).
-- (Never 40001: the data layer retries serialization failures.)

-- ---------------------------------------------------------------------------------------
-- 1. Columns
-- ---------------------------------------------------------------------------------------
ALTER TABLE public.orders
    ADD COLUMN payment_method text CONSTRAINT orders_payment_method_valid CHECK (payment_method IN ('card', 'cash')),
    ADD COLUMN discount_reason text CONSTRAINT orders_discount_reason_length CHECK (length(discount_reason) <= 200),
    ADD COLUMN cash_tendered_minor bigint CONSTRAINT orders_cash_tendered_nonnegative CHECK (cash_tendered_minor >= 0);

-- Units of a line put back on the shelf by refunds. Bounded by the line's quantity only, not
-- by refunded_quantity: refunds are by amount (Stripe refunds money, not items), so a return
-- may restock a pair whose money was refunded as a partial amount, and refunded_quantity is
-- not maintained by the refund path.
ALTER TABLE public.order_items
    ADD COLUMN restocked_quantity integer NOT NULL DEFAULT 0
        CONSTRAINT order_items_restocked_range CHECK (restocked_quantity BETWEEN 0 AND quantity);

-- Orders paid through Stripe before this migration.
UPDATE public.orders
   SET payment_method = 'card'
 WHERE payment_method IS NULL
   AND status IN ('paid', 'shipped', 'fulfilled', 'refunded', 'partially_refunded')
   AND coalesce(stripe_payment_intent_id, stripe_checkout_session_id, stripe_payment_link_id, stripe_charge_id) IS NOT NULL;

-- "RDK-1001", as staff read order numbers.
CREATE FUNCTION rdk.order_label(p_number bigint) RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$ SELECT 'RDK-' || p_number::text $$;

-- "45.00 USD" for messages (two decimals; good enough for a sentence).
CREATE FUNCTION rdk.format_minor(p_minor bigint, p_currency text) RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$ SELECT to_char(p_minor / 100.0, 'FM999999999999990.00') || ' ' || btrim(p_currency) $$;

-- ---------------------------------------------------------------------------------------
-- 2. Payment method. Only the payment functions below (running as the owner), rdk-sync and
--    the owner set payment_method and cash_tendered_minor; a staff login editing the row
--    directly may not. An order that becomes paid while it carries a Stripe id and no
--    method was paid by card: that is the webhook's MarkPaid (data/pgcheckout.cpp).
-- ---------------------------------------------------------------------------------------
CREATE FUNCTION rdk.orders_payment_method() RETURNS trigger
LANGUAGE plpgsql  -- not SECURITY DEFINER: current_user tells a direct edit from a function's
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
BEGIN
    IF (TG_OP = 'INSERT' AND (NEW.payment_method IS NOT NULL OR NEW.cash_tendered_minor IS NOT NULL))
       OR (TG_OP = 'UPDATE' AND (NEW.payment_method IS DISTINCT FROM OLD.payment_method
                                 OR NEW.cash_tendered_minor IS DISTINCT FROM OLD.cash_tendered_minor)) THEN
        IF rdk.current_staff_role() IS NOT NULL AND current_user = session_user THEN
            RAISE EXCEPTION 'Payments are recorded through the payment screens, not by editing the order.'
                USING ERRCODE = '42501';
        END IF;
    END IF;
    IF NEW.payment_method IS NULL
       AND NEW.status IN ('paid', 'shipped', 'fulfilled', 'refunded', 'partially_refunded')
       AND (TG_OP = 'INSERT' OR OLD.status IN ('pending', 'awaiting_payment'))
       AND coalesce(NEW.stripe_payment_intent_id, NEW.stripe_checkout_session_id, NEW.stripe_payment_link_id,
                    NEW.stripe_charge_id) IS NOT NULL THEN
        NEW.payment_method := 'card';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER orders_3_payment_method BEFORE INSERT OR UPDATE ON public.orders
    FOR EACH ROW EXECUTE FUNCTION rdk.orders_payment_method();

-- ---------------------------------------------------------------------------------------
-- 3. Discounts: only ops/admin may give one, and it needs a reason (orders.discount_reason,
--    for line discounts the order's); each is audited. The owner (imports, the demo seed,
--    which has no reasons to give) is exempt from both rules but still audited.
-- ---------------------------------------------------------------------------------------
CREATE FUNCTION rdk.assert_discount_allowed() RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
BEGIN
    IF rdk.caller_is_owner() THEN
        RETURN;
    END IF;
    IF coalesce(rdk.current_staff_role(), '') NOT IN ('ops', 'admin') THEN
        RAISE EXCEPTION 'Only ops or admin staff can give a discount.' USING ERRCODE = '42501';
    END IF;
END
$$;

CREATE FUNCTION rdk.orders_discount() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER  -- writes audit_log
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
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
$$;
CREATE TRIGGER orders_discount AFTER INSERT OR UPDATE OF discount_minor, discount_reason ON public.orders
    FOR EACH ROW EXECUTE FUNCTION rdk.orders_discount();

CREATE FUNCTION rdk.order_items_discount() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER  -- reads the order's reason whatever the caller sees; writes audit_log
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
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
$$;
CREATE TRIGGER order_items_discount AFTER INSERT OR UPDATE OF discount_minor ON public.order_items
    FOR EACH ROW EXECUTE FUNCTION rdk.order_items_discount();

-- ---------------------------------------------------------------------------------------
-- 4. Customer e-mail and shipping address: personal data the plain staff role has no need
--    for. Table-level SELECT becomes a grant on every other column (re-run this block's
--    idea when a later migration adds a column staff should read: new columns are NOT
--    granted to rdk_staff automatically). rdk_ops, rdk_admin and rdk_sync keep the table.
--    A client asks has_column_privilege('public.orders', 'customer_email', 'SELECT') to
--    know which query to run.
-- ---------------------------------------------------------------------------------------
REVOKE SELECT ON public.orders FROM rdk_staff;
DO $$
DECLARE
    v_columns text;
BEGIN
    SELECT string_agg(quote_ident(c.column_name), ', ' ORDER BY c.ordinal_position) INTO v_columns
      FROM information_schema.columns c
     WHERE c.table_schema = 'public' AND c.table_name = 'orders'
       AND c.column_name NOT IN ('customer_email', 'shipping_address');
    EXECUTE format('GRANT SELECT (%s) ON public.orders TO rdk_staff', v_columns);
END $$;

-- ---------------------------------------------------------------------------------------
-- 5. The work queue between the desk and rdk-sync
-- ---------------------------------------------------------------------------------------
CREATE TABLE public.stripe_requests (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id     uuid NOT NULL REFERENCES public.tenants(id),
    order_id      uuid NOT NULL,
    kind          text NOT NULL CONSTRAINT stripe_requests_kind_valid
                      CHECK (kind IN ('payment_link', 'deactivate_link', 'refund')),
    state         text NOT NULL DEFAULT 'queued' CONSTRAINT stripe_requests_state_valid
                      CHECK (state IN ('queued', 'working', 'done', 'failed')),
    amount_minor  bigint CONSTRAINT stripe_requests_amount_positive CHECK (amount_minor > 0),
    restock       jsonb NOT NULL DEFAULT '[]' CONSTRAINT stripe_requests_restock_array CHECK (jsonb_typeof(restock) = 'array'),
    reason        text CONSTRAINT stripe_requests_reason_length CHECK (length(reason) <= 200),
    attempts      integer NOT NULL DEFAULT 0,
    result        jsonb,
    error         text CONSTRAINT stripe_requests_error_length CHECK (length(error) <= 500),
    requested_by  name NOT NULL DEFAULT session_user,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT stripe_requests_order_same_tenant FOREIGN KEY (tenant_id, order_id) REFERENCES public.orders (tenant_id, id),
    CONSTRAINT stripe_requests_refund_has_amount CHECK (kind <> 'refund' OR amount_minor IS NOT NULL)
);
COMMENT ON TABLE public.stripe_requests IS
    'Stripe work asked for by the desk (payment links, deactivation, refunds), done by rdk-sync; written only by rdk.* functions';
CREATE INDEX stripe_requests_tenant_state_idx ON public.stripe_requests (tenant_id, state);
CREATE INDEX stripe_requests_order_idx ON public.stripe_requests (order_id);
-- One live payment link per order (a failed attempt may be retried), one deactivation ever.
CREATE UNIQUE INDEX stripe_requests_one_link_idx ON public.stripe_requests (order_id)
    WHERE kind = 'payment_link' AND state <> 'failed';
CREATE UNIQUE INDEX stripe_requests_one_deactivation_idx ON public.stripe_requests (order_id)
    WHERE kind = 'deactivate_link';

ALTER TABLE public.stripe_requests ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON public.stripe_requests FROM PUBLIC;
GRANT SELECT ON public.stripe_requests TO rdk_sync, rdk_staff, rdk_ops, rdk_admin;
CREATE POLICY stripe_requests_select ON public.stripe_requests FOR SELECT TO rdk_sync, rdk_staff, rdk_ops, rdk_admin
    USING (tenant_id = (SELECT rdk.current_tenant()));

CREATE FUNCTION rdk.notify_stripe_requests() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.state IS NOT DISTINCT FROM NEW.state THEN
        RETURN NULL;
    END IF;
    PERFORM pg_notify('rdk_stripe_requests', json_build_object('tenant', NEW.tenant_id, 'id', NEW.id,
                                                               'order_id', NEW.order_id, 'kind', NEW.kind,
                                                               'state', NEW.state)::text);
    RETURN NULL;
END
$$;
CREATE TRIGGER stripe_requests_notify AFTER INSERT OR UPDATE OF state ON public.stripe_requests
    FOR EACH ROW EXECUTE FUNCTION rdk.notify_stripe_requests();

-- ---------------------------------------------------------------------------------------
-- 6. The desk's functions
-- ---------------------------------------------------------------------------------------

-- The caller's tenant, when the caller is an active staff login with one of p_roles whose
-- session may write; raises with p_refusal otherwise.
CREATE FUNCTION rdk.require_staff(p_roles text[], p_refusal text) RETURNS uuid
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
DECLARE
    v_role text := rdk.current_staff_role();
    v_tenant uuid := rdk.current_tenant();
BEGIN
    IF v_role IS NULL OR v_tenant IS NULL THEN
        RAISE EXCEPTION 'Sign in with a staff account of this shop first.' USING ERRCODE = '42501';
    END IF;
    IF NOT v_role = ANY (p_roles) THEN
        RAISE EXCEPTION '%', p_refusal USING ERRCODE = '42501';
    END IF;
    IF NOT rdk.can_write() THEN
        RAISE EXCEPTION 'Enter your two-factor code first.' USING ERRCODE = '42501';
    END IF;
    RETURN v_tenant;
END
$$;

-- The order of p_tenant, locked; raises when there is none (same answer for another shop's).
CREATE FUNCTION rdk.lock_order(p_tenant uuid, p_order uuid) RETURNS public.orders
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
DECLARE
    v_order public.orders;
BEGIN
    SELECT * INTO v_order FROM public.orders o WHERE o.id = p_order AND o.tenant_id = p_tenant FOR UPDATE;
    IF NOT FOUND OR p_order IS NULL THEN
        RAISE EXCEPTION 'The order no longer exists.' USING ERRCODE = 'P0002';
    END IF;
    RETURN v_order;
END
$$;

-- A reason for the audit log: trimmed, NULL when empty, at most 200 characters.
CREATE FUNCTION rdk.clean_reason(p_reason text, p_required boolean) RETURNS text
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
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
$$;

-- Held stock of an order becomes sold (p_sold) or is given back, exactly as the webhook
-- path does it (data/pgcheckout.cpp settleReservations). Inventory rows in id order.
CREATE FUNCTION rdk.settle_reservations(p_order uuid, p_sold boolean) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT s.id, s.inventory_id, s.quantity FROM public.stock_reservations s
         WHERE s.order_id = p_order AND s.state = 'held'
         ORDER BY s.inventory_id, s.id
           FOR UPDATE OF s
    LOOP
        IF p_sold THEN
            UPDATE public.inventory SET quantity = quantity - r.quantity, reserved = reserved - r.quantity
             WHERE id = r.inventory_id;
        ELSE
            UPDATE public.inventory SET reserved = greatest(reserved - r.quantity, 0) WHERE id = r.inventory_id;
        END IF;
        UPDATE public.stock_reservations SET state = CASE WHEN p_sold THEN 'sold' ELSE 'released' END
         WHERE id = r.id;
    END LOOP;
END
$$;

-- Why an order in p_status can't take the step p_action ('cancel', 'cash', 'refund', 'ship', 'fulfil').
CREATE FUNCTION rdk.order_state_refusal(p_label text, p_status text, p_action text) RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
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
$$;

-- Any staff role. Asks rdk-sync for the Payment Link of a pending POS order and returns the
-- request's id. While a request is queued, working or done, that one is returned (never a
-- second link); after a failed one a new request is queued (the retry). Idempotency keys
-- on the Stripe side are derived from the order id by rdk-sync.
CREATE FUNCTION rdk.pos_request_payment_link(p_order uuid) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
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
    IF v_order.total_minor <= 0 THEN
        RAISE EXCEPTION '% has nothing to pay.', rdk.order_label(v_order.order_number) USING ERRCODE = '22023';
    END IF;
    INSERT INTO public.stripe_requests (tenant_id, order_id, kind, amount_minor)
    VALUES (v_tenant, p_order, 'payment_link', v_order.total_minor)
    RETURNING id INTO v_id;
    RETURN v_id;
END
$$;
COMMENT ON FUNCTION rdk.pos_request_payment_link(uuid) IS
    'Staff: queue (or return the live) Payment Link request of a pending POS order; retries after a failure';

-- Pending/awaiting payment -> canceled, held stock released, canceled_at set; the link is
-- deactivated by trigger (section 8). Staff may cancel POS orders, ops/admin any order.
-- Already canceled: nothing to do (the timeout may have won the race). Paid or later:
-- P0001 "RDK-1001 is already paid; refund it instead." p_reason (optional, <= 200) is the
-- audit row's reason.
CREATE FUNCTION rdk.cancel_order(p_order uuid, p_reason text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
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
$$;
COMMENT ON FUNCTION rdk.cancel_order(uuid, text) IS
    'Staff (POS orders) or ops/admin (any): cancel a pending order and release its stock; no-op when already canceled';

-- ops/admin. The buyer of a pending POS order paid cash: p_tendered_minor >= total (and at
-- most total + 10,000,000 minor units: a typo guard). Held stock becomes sold exactly like
-- the webhook's MarkPaid; status paid, paid_at, payment_method 'cash', cash_tendered_minor;
-- audit 'cash_payment' with tendered, total and change. A payment link already made is
-- deactivated by trigger (section 8).
CREATE FUNCTION rdk.record_cash_payment(p_order uuid, p_tendered_minor bigint) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
DECLARE
    v_tenant uuid := rdk.require_staff(ARRAY['ops', 'admin'], 'Only ops or admin staff can take cash payments.');
    v_order public.orders := rdk.lock_order(v_tenant, p_order);
    v_label text := rdk.order_label(v_order.order_number);
    v_saved text := current_setting('rdk.reason', true);
BEGIN
    IF v_order.channel <> 'pos' THEN
        RAISE EXCEPTION '% is an online order; cash is taken for counter sales only.', v_label USING ERRCODE = '22023';
    END IF;
    IF v_order.status NOT IN ('pending', 'awaiting_payment') THEN
        RAISE EXCEPTION '%', rdk.order_state_refusal(v_label, v_order.status, 'cash') USING ERRCODE = 'P0001';
    END IF;
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
    PERFORM set_config('rdk.reason', 'cash payment', true);
    PERFORM rdk.settle_reservations(p_order, true);
    UPDATE public.orders
       SET status = 'paid', paid_at = now(), payment_method = 'cash', cash_tendered_minor = p_tendered_minor
     WHERE id = p_order;
    PERFORM rdk.audit_write(v_tenant, 'cash_payment', 'order', p_order::text, NULL,
                            jsonb_build_object('order_number', v_order.order_number, 'currency', v_order.currency,
                                               'total_minor', v_order.total_minor, 'tendered_minor', p_tendered_minor,
                                               'change_minor', p_tendered_minor - v_order.total_minor));
    PERFORM set_config('rdk.reason', coalesce(v_saved, ''), true);
END
$$;
COMMENT ON FUNCTION rdk.record_cash_payment(uuid, bigint) IS
    'ops/admin: a pending POS order paid in cash; stock sold, status paid, audited as cash_payment';

-- Validated restock lines of an order as [{"item_id": n, "quantity": q}, ...] (one entry per
-- item, in item order): each item belongs to the order and q <= quantity - restocked - units
-- already promised by refund requests still queued or working. NULL or [] = no restock.
CREATE FUNCTION rdk.normalize_restock(p_order uuid, p_restock jsonb) RETURNS jsonb
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
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
        IF jsonb_typeof(v_line) <> 'object' OR jsonb_typeof(v_line -> 'item_id') <> 'number'
           OR jsonb_typeof(v_line -> 'quantity') <> 'number'
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
$$;

-- Puts restock lines back on the shelf: inventory.quantity += q for the item's product and
-- size (the row is created again if it was removed), order_items.restocked_quantity += q.
CREATE FUNCTION rdk.apply_restock(p_tenant uuid, p_order uuid, p_restock jsonb) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
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
$$;

-- ops/admin. Refunds p_amount_minor (NULL: everything not yet refunded or being refunded) of
-- a paid/shipped/fulfilled/partially refunded order, returning p_restock units to stock;
-- p_reason is required (<= 200). Allowed amount: 1 .. total - refunded - amounts of refund
-- requests still queued or working (refunded counts card refunds rdk-sync finished before
-- Stripe's charge.refunded webhook arrived). Audited as 'refund_requested'. Returns the
-- stripe_requests id.
--   card (payment_method 'card' or a Stripe payment intent/charge on the order): a queued
--     'refund' request; rdk-sync calls the Refunds API, finish_stripe_request applies the
--     restock, and the charge.refunded webhook sets refunded_minor and the status.
--   cash: applied at once (refunded_minor, status refunded / partially_refunded through the
--     state machine, restock) and recorded as a 'done' request.
CREATE FUNCTION rdk.request_refund(p_order uuid, p_amount_minor bigint, p_restock jsonb, p_reason text) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
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
    IF v_order.status NOT IN ('paid', 'shipped', 'fulfilled', 'partially_refunded') THEN
        RAISE EXCEPTION '%', rdk.order_state_refusal(v_label, v_order.status, 'refund') USING ERRCODE = 'P0001';
    END IF;
    v_card := v_order.payment_method = 'card'
              OR (v_order.payment_method IS NULL AND coalesce(v_order.stripe_payment_intent_id, v_order.stripe_charge_id) IS NOT NULL);
    IF NOT v_card AND v_order.payment_method IS DISTINCT FROM 'cash' THEN
        RAISE EXCEPTION '% has no recorded payment to refund.', v_label USING ERRCODE = 'P0001';
    END IF;
    IF v_card AND coalesce(v_order.stripe_payment_intent_id, v_order.stripe_charge_id) IS NULL THEN
        RAISE EXCEPTION '% has no Stripe payment to refund.', v_label USING ERRCODE = 'P0001';
    END IF;
    SELECT coalesce(sum(r.amount_minor) FILTER (WHERE r.state = 'done'), 0),
           coalesce(sum(r.amount_minor) FILTER (WHERE r.state IN ('queued', 'working')), 0)
      INTO v_done, v_pending
      FROM public.stripe_requests r WHERE r.order_id = p_order AND r.kind = 'refund';
    v_remaining := v_order.total_minor - greatest(v_order.refunded_minor, v_done) - v_pending;
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
$$;
COMMENT ON FUNCTION rdk.request_refund(uuid, bigint, jsonb, text) IS
    'ops/admin: refund (all remaining when amount is NULL) with restock lines; card via rdk-sync, cash at once';

-- Shipping and pick-up go through these two functions (the Orders screen calls them): the
-- status trigger enforces paid -> shipped / fulfilled and audits the status change, and the
-- carrier and tracking number join that same audit row (section 9). Any staff role.
-- p_carrier and p_tracking: 1..100 characters after trimming.
CREATE FUNCTION rdk.mark_order_shipped(p_order uuid, p_carrier text, p_tracking text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
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
    PERFORM set_config('rdk.reason', left('shipped with ' || v_carrier || ' ' || v_tracking, 200), true);
    UPDATE public.orders
       SET status = 'shipped', carrier = v_carrier, tracking_number = v_tracking, fulfilled_at = now()
     WHERE id = p_order;
    PERFORM set_config('rdk.reason', coalesce(v_saved, ''), true);
END
$$;
COMMENT ON FUNCTION rdk.mark_order_shipped(uuid, text, text) IS
    'Staff: paid -> shipped with carrier and tracking number (both in the status audit row)';

CREATE FUNCTION rdk.mark_order_fulfilled(p_order uuid) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
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
$$;
COMMENT ON FUNCTION rdk.mark_order_fulfilled(uuid) IS 'Staff: paid -> fulfilled (picked up), audited as a status change';

-- ---------------------------------------------------------------------------------------
-- 7. rdk-sync's functions (service logins only, their current tenant only)
-- ---------------------------------------------------------------------------------------

-- Claims up to p_limit (1..100) requests: 'queued' ones, and 'working' ones untouched for 2
-- minutes (a worker that crashed). Rows another worker is claiming are skipped (SKIP
-- LOCKED), so concurrent claimers get disjoint rows. Each claimed row: state 'working',
-- attempts + 1, updated_at now. Payment-link requests whose order is no longer pending are
-- failed instead of claimed; a row stuck after 5 attempts is failed with a sentence.
CREATE FUNCTION rdk.claim_stripe_requests(p_limit integer) RETURNS SETOF public.stripe_requests
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
           AND (r.state = 'queued' OR (r.state = 'working' AND r.updated_at < now() - interval '2 minutes'))
         ORDER BY r.id
         LIMIT greatest(1, least(coalesce(p_limit, 10), 100))
           FOR UPDATE SKIP LOCKED)
    UPDATE public.stripe_requests r
       SET state = 'working', attempts = r.attempts + 1, updated_at = now()
      FROM picked
     WHERE r.id = picked.id
    RETURNING r.*;
END
$$;
COMMENT ON FUNCTION rdk.claim_stripe_requests(integer) IS
    'rdk-sync: claim queued (or stuck working) Stripe requests of its tenant, skipping rows others hold';

-- Records the outcome of a claimed ('working') request; a request already done or failed is
-- left alone (a reclaimed request finished twice has one effect).
--   ok: state done, result stored.
--     payment_link: result {"payment_link_id": "plink_..", "url": "https://.."} required;
--       orders.stripe_payment_link_id is set (if the order was paid or canceled meanwhile,
--       the trigger of section 8 queues the deactivation at once).
--     refund: result {"refund_id": "re_..", "status": "..", "amount": n}; the restock lines
--       are applied now. refunded_minor and the status are set by the charge.refunded webhook.
--     deactivate_link: result stored as is.
--   not ok: state failed, error = p_error (a sentence for staff, cut to 500 characters).
CREATE FUNCTION rdk.finish_stripe_request(p_id bigint, p_ok boolean, p_result jsonb, p_error text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
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
           SET state = 'failed', updated_at = now(),
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
    UPDATE public.stripe_requests SET state = 'done', result = p_result, error = NULL, updated_at = now()
     WHERE id = p_id;
    PERFORM set_config('rdk.reason', coalesce(v_saved, ''), true);
END
$$;
COMMENT ON FUNCTION rdk.finish_stripe_request(bigint, boolean, jsonb, text) IS
    'rdk-sync: record the outcome of a claimed Stripe request (link id onto the order, refund restock)';

-- ---------------------------------------------------------------------------------------
-- 8. A POS order whose payment link exists and that is paid or canceled (or anything past
--    pending) gets exactly one 'deactivate_link' request.
-- ---------------------------------------------------------------------------------------
CREATE FUNCTION rdk.orders_queue_link_deactivation() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER  -- stripe_requests is written by the owner only
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
BEGIN
    INSERT INTO public.stripe_requests (tenant_id, order_id, kind, reason)
    VALUES (NEW.tenant_id, NEW.id, 'deactivate_link', 'order ' || NEW.status)
    ON CONFLICT (order_id) WHERE kind = 'deactivate_link' DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER orders_queue_link_deactivation AFTER UPDATE OF status, stripe_payment_link_id ON public.orders
    FOR EACH ROW
    WHEN (NEW.channel = 'pos' AND NEW.stripe_payment_link_id IS NOT NULL
          AND NEW.status NOT IN ('pending', 'awaiting_payment'))
    EXECUTE FUNCTION rdk.orders_queue_link_deactivation();

-- ---------------------------------------------------------------------------------------
-- 9. The status audit row also carries carrier and tracking number when they change (the
--    Orders screen's timeline shows "Paid -> Shipped (UPS 1Z999)"). As 0004 otherwise.
-- ---------------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION rdk.audit_orders() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
DECLARE
    v_before jsonb := '{}';
    v_after jsonb := '{}';
BEGIN
    IF OLD.status IS DISTINCT FROM NEW.status THEN
        v_before := v_before || jsonb_build_object('status', OLD.status);
        v_after := v_after || jsonb_build_object('status', NEW.status);
    END IF;
    IF OLD.refunded_minor IS DISTINCT FROM NEW.refunded_minor THEN
        v_before := v_before || jsonb_build_object('refunded_minor', OLD.refunded_minor);
        v_after := v_after || jsonb_build_object('refunded_minor', NEW.refunded_minor, 'currency', NEW.currency);
    END IF;
    IF OLD.needs_review IS DISTINCT FROM NEW.needs_review OR OLD.review_reason IS DISTINCT FROM NEW.review_reason THEN
        v_before := v_before || jsonb_build_object('needs_review', OLD.needs_review);
        v_after := v_after || jsonb_build_object('needs_review', NEW.needs_review, 'review_reason', NEW.review_reason);
    END IF;
    IF OLD.carrier IS DISTINCT FROM NEW.carrier OR OLD.tracking_number IS DISTINCT FROM NEW.tracking_number THEN
        v_before := v_before || jsonb_build_object('carrier', OLD.carrier, 'tracking_number', OLD.tracking_number);
        v_after := v_after || jsonb_build_object('carrier', NEW.carrier, 'tracking_number', NEW.tracking_number);
    END IF;
    IF v_after = '{}'::jsonb THEN
        RETURN NULL;
    END IF;
    PERFORM rdk.audit_write(NEW.tenant_id,
                            CASE WHEN v_before ? 'status' THEN 'status'
                                 WHEN v_before ? 'needs_review' THEN 'review' ELSE 'update' END,
                            'order', NEW.id::text, v_before,
                            v_after || jsonb_build_object('order_number', NEW.order_number, 'channel', NEW.channel));
    RETURN NULL;
END
$$;
DROP TRIGGER orders_audit ON public.orders;
CREATE TRIGGER orders_audit AFTER UPDATE OF status, refunded_minor, needs_review, review_reason, carrier, tracking_number
    ON public.orders FOR EACH ROW EXECUTE FUNCTION rdk.audit_orders();

-- The audit rows of one order for the Orders screen's timeline, for every staff role of the
-- order's shop (audit_log itself is admin-only). Order rows never carry personal data
-- (0003), so nothing here is more private than the order. Oldest first.
CREATE FUNCTION rdk.order_timeline(p_order uuid)
RETURNS TABLE (at timestamptz, actor name, action text, before jsonb, after jsonb, reason text)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
    SELECT a.at, a.actor, a.action, a.before, a.after, a.reason
      FROM public.audit_log a
     WHERE a.tenant_id = (SELECT rdk.current_tenant())
       AND (SELECT rdk.current_staff_role()) IS NOT NULL
       AND a.entity = 'order' AND a.entity_id = p_order::text
     ORDER BY a.at, a.id
$$;
COMMENT ON FUNCTION rdk.order_timeline(uuid) IS 'Staff: the audit rows of one order of their shop, oldest first';

-- ---------------------------------------------------------------------------------------
-- 10. Privileges. Every desk function is granted to all staff roles so a refusal comes back
--     as the function's sentence, not as "permission denied for function".
-- ---------------------------------------------------------------------------------------
REVOKE ALL ON FUNCTION rdk.order_label(bigint), rdk.format_minor(bigint, text), rdk.orders_payment_method(),
                       rdk.assert_discount_allowed(), rdk.orders_discount(), rdk.order_items_discount(),
                       rdk.notify_stripe_requests(), rdk.require_staff(text[], text), rdk.lock_order(uuid, uuid),
                       rdk.clean_reason(text, boolean), rdk.settle_reservations(uuid, boolean),
                       rdk.order_state_refusal(text, text, text), rdk.pos_request_payment_link(uuid),
                       rdk.cancel_order(uuid, text), rdk.record_cash_payment(uuid, bigint),
                       rdk.normalize_restock(uuid, jsonb), rdk.apply_restock(uuid, uuid, jsonb),
                       rdk.request_refund(uuid, bigint, jsonb, text), rdk.mark_order_shipped(uuid, text, text),
                       rdk.mark_order_fulfilled(uuid), rdk.claim_stripe_requests(integer),
                       rdk.finish_stripe_request(bigint, boolean, jsonb, text),
                       rdk.orders_queue_link_deactivation(), rdk.order_timeline(uuid)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.pos_request_payment_link(uuid), rdk.cancel_order(uuid, text),
                          rdk.record_cash_payment(uuid, bigint), rdk.request_refund(uuid, bigint, jsonb, text),
                          rdk.mark_order_shipped(uuid, text, text), rdk.mark_order_fulfilled(uuid),
                          rdk.order_timeline(uuid)
    TO rdk_staff, rdk_ops, rdk_admin;
GRANT EXECUTE ON FUNCTION rdk.claim_stripe_requests(integer), rdk.finish_stripe_request(bigint, boolean, jsonb, text)
    TO rdk_sync;
