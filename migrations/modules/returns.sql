-- Module returns: returns at the counter (tables of migration 0019), the shop's return policy.
-- Re-runnable: applied whole, in one transaction, whenever this file's checksum changes.
-- This file is the one place to change these functions (ADR 0011); keep each GRANT next to its function.
--
-- How a return's refund is computed (domain/returns.cpp does the same arithmetic for display;
-- tests/pos/data/tst_returns_data checks that both agree on a table of cases):
--   1. What was paid for the goods of an order: total_minor - shipping_minor (line discounts,
--      the order discount and tax, included or added, are all inside the total).
--   2. It is shared among the lines in proportion to their line totals (after line discounts),
--      lines in item id order, by cumulative floors: line i gets
--      floor(paid * C_i / W) - floor(paid * C_(i-1) / W), where C_i is the sum of the line totals
--      up to and including line i and W the sum of all. The shares add up to exactly the paid
--      amount; each is within one minor unit of its exact share.
--   3. Within a line of Q pairs that got P, returning q pairs when r were already returned
--      refunds floor(P * (r + q) / Q) - floor(P * r / Q). So any sequence of returns of one
--      line adds up to exactly P, the last pair takes the remainder, and the refunds of all
--      returns of an order never exceed what was paid for its goods.
--   4. A return is also refused when its refund is more than is left to refund on the order
--      (refunds by amount from the Orders screen count, as do card refunds still in the queue).

-- rdk.return_floor_share(bigint,bigint,bigint)
CREATE OR REPLACE FUNCTION rdk.return_floor_share(p_amount bigint, p_part bigint, p_whole bigint)
 RETURNS bigint
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
    SELECT CASE WHEN p_whole <= 0 THEN 0
                ELSE floor(p_amount::numeric * p_part::numeric / p_whole::numeric)::bigint END
$function$;
REVOKE ALL ON FUNCTION rdk.return_floor_share(bigint,bigint,bigint) FROM PUBLIC;

-- rdk.order_line_paid(uuid)
CREATE OR REPLACE FUNCTION rdk.order_line_paid(p_order uuid)
 RETURNS TABLE(item_id bigint, quantity integer, paid_minor bigint)
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
    WITH o AS (
        SELECT greatest(o.total_minor - o.shipping_minor, 0) AS paid FROM public.orders o WHERE o.id = p_order
    ), l AS (
        SELECT i.id, i.quantity,
               -- Lines that cost nothing weigh by their pairs when every line is free.
               CASE WHEN sum(i.line_total_minor) OVER () > 0 THEN i.line_total_minor ELSE i.quantity END AS w
          FROM public.order_items i WHERE i.order_id = p_order
    ), c AS (
        SELECT l.id, l.quantity, l.w, (sum(l.w) OVER (ORDER BY l.id))::bigint AS upto, (sum(l.w) OVER ())::bigint AS whole FROM l
    )
    SELECT c.id, c.quantity,
           rdk.return_floor_share(o.paid, c.upto, c.whole) - rdk.return_floor_share(o.paid, c.upto - c.w, c.whole)
      FROM c CROSS JOIN o
     ORDER BY c.id
$function$;
REVOKE ALL ON FUNCTION rdk.order_line_paid(uuid) FROM PUBLIC;

-- rdk.return_take_back(uuid,uuid,jsonb,text,text,uuid)
-- The pairs of a return come back: checks the order, the lines and what is left to refund,
-- records the return (state p_state, refund = the pairs' value) and its lines, puts the shelf
-- lines back in stock and counts them returned. The caller decides what the value becomes (a
-- refund, or an exchange credit) and checks the cashier's limit against that.
CREATE OR REPLACE FUNCTION rdk.return_take_back(p_tenant uuid, p_order uuid, p_lines jsonb, p_reason text, p_state text, p_exchange uuid, OUT return_id uuid, OUT value_minor bigint, OUT card boolean, OUT lines jsonb)
 RETURNS record
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_role text := rdk.current_staff_role();
    v_order public.orders := rdk.lock_order(p_tenant, p_order);
    v_label text := rdk.order_label(v_order.order_number);
    v_shop public.tenants;
    v_line jsonb;
    v_seen bigint[] := '{}';
    v_item bigint;
    v_wanted jsonb := '[]';
    v_done bigint;
    v_pending bigint;
    v_remaining bigint;
    v_restock jsonb := '[]';
    r record;
BEGIN
    card := rdk.refund_goes_to_card(v_order, v_label);
    SELECT * INTO v_shop FROM public.tenants t WHERE t.id = p_tenant;
    IF v_role = 'staff' AND v_shop.return_window_days IS NOT NULL
       AND coalesce(v_order.paid_at, v_order.created_at) + make_interval(days => v_shop.return_window_days) < now() THEN
        RAISE EXCEPTION '% was paid more than % days ago, outside the shop''s return window; an ops or admin account can still take it back.',
            v_label, v_shop.return_window_days USING ERRCODE = '42501';
    END IF;

    -- The lines asked for: [{item_id, quantity, restock}], each item once.
    IF p_lines IS NULL OR jsonb_typeof(p_lines) <> 'array' OR jsonb_array_length(p_lines) NOT BETWEEN 1 AND 100 THEN
        RAISE EXCEPTION 'Pick between 1 and 100 lines to return.' USING ERRCODE = '22023';
    END IF;
    FOR v_line IN SELECT e FROM jsonb_array_elements(p_lines) AS e LOOP
        -- coalesce: a missing key makes each test NULL, which IF would take for "fine".
        IF coalesce(jsonb_typeof(v_line) <> 'object' OR jsonb_typeof(v_line -> 'item_id') <> 'number'
                    OR jsonb_typeof(v_line -> 'quantity') <> 'number' OR jsonb_typeof(v_line -> 'restock') <> 'boolean'
                    OR (v_line ->> 'item_id') !~ '^[0-9]{1,18}$' OR (v_line ->> 'quantity') !~ '^[0-9]{1,4}$', true) THEN
            RAISE EXCEPTION 'Each line to return needs an item_id, a whole quantity and whether it goes back on the shelf.'
                USING ERRCODE = '22023';
        END IF;
        v_item := (v_line ->> 'item_id')::bigint;
        IF v_item = ANY (v_seen) THEN
            RAISE EXCEPTION 'Item % is listed twice in this return.', v_item USING ERRCODE = '22023';
        END IF;
        v_seen := v_seen || v_item;
        IF (v_line ->> 'quantity')::integer < 1 THEN
            RAISE EXCEPTION 'A quantity to return must be at least 1.' USING ERRCODE = '22023';
        END IF;
        v_wanted := v_wanted || jsonb_build_array(v_line);
    END LOOP;

    -- Each line: returnable pairs and its refund (header of this file). Pairs put back by a
    -- refund of the Orders screen (restocked, not through a return) or promised to a queued card
    -- refund count as already back.
    lines := '[]';
    FOR r IN
        SELECT (w ->> 'item_id')::bigint AS item_id, (w ->> 'quantity')::integer AS wanted, (w ->> 'restock')::boolean AS restock,
               i.id, i.name, i.size, i.quantity, i.returned_quantity, p.paid_minor,
               i.restocked_quantity
                 - coalesce((SELECT sum(rl.quantity) FROM public.return_lines rl WHERE rl.order_item_id = i.id AND rl.restock), 0)
                 + coalesce((SELECT sum((l ->> 'quantity')::integer)
                               FROM public.stripe_requests s, jsonb_array_elements(s.restock) AS l
                              WHERE s.order_id = p_order AND s.kind = 'refund' AND s.state IN ('queued', 'working')
                                AND (l ->> 'item_id')::bigint = i.id), 0) AS back_otherwise
          FROM jsonb_array_elements(v_wanted) AS w
          LEFT JOIN public.order_items i ON i.id = (w ->> 'item_id')::bigint AND i.order_id = p_order
          LEFT JOIN rdk.order_line_paid(p_order) p ON p.item_id = i.id
         ORDER BY (w ->> 'item_id')::bigint
    LOOP
        IF r.id IS NULL THEN
            RAISE EXCEPTION 'Item % is not part of %.', r.item_id, v_label USING ERRCODE = '22023';
        END IF;
        IF r.wanted > r.quantity - r.returned_quantity - greatest(r.back_otherwise, 0) THEN
            IF r.quantity - r.returned_quantity - greatest(r.back_otherwise, 0) <= 0 THEN
                RAISE EXCEPTION '% of % was already returned in full.', rdk.item_label(r.name, r.size), v_label
                    USING ERRCODE = '22023';
            END IF;
            RAISE EXCEPTION 'Only % of % can still be returned (% bought).',
                r.quantity - r.returned_quantity - greatest(r.back_otherwise, 0), rdk.item_label(r.name, r.size), r.quantity
                USING ERRCODE = '22023';
        END IF;
        lines := lines || jsonb_build_array(jsonb_build_object(
            'item_id', r.id, 'quantity', r.wanted, 'restock', r.restock,
            'refund_minor', rdk.return_floor_share(r.paid_minor, r.returned_quantity + r.wanted, r.quantity)
                            - rdk.return_floor_share(r.paid_minor, r.returned_quantity, r.quantity)));
        IF r.restock THEN
            v_restock := v_restock || jsonb_build_array(jsonb_build_object('item_id', r.id, 'quantity', r.wanted));
        END IF;
    END LOOP;
    SELECT coalesce(sum((l ->> 'refund_minor')::bigint), 0) INTO value_minor FROM jsonb_array_elements(lines) l;

    -- What is left: the total, less refunds done or queued, less what moved to exchanges.
    SELECT coalesce(sum(s.amount_minor) FILTER (WHERE s.state = 'done'), 0),
           coalesce(sum(s.amount_minor) FILTER (WHERE s.state IN ('queued', 'working')), 0)
      INTO v_done, v_pending
      FROM public.stripe_requests s WHERE s.order_id = p_order AND s.kind = 'refund';
    v_remaining := v_order.total_minor - greatest(v_order.refunded_minor, v_done) - v_pending - v_order.credited_minor;
    IF value_minor > v_remaining THEN
        RAISE EXCEPTION 'This return would refund %, but only % is left to refund on %.',
            rdk.format_minor(value_minor, v_order.currency), rdk.format_minor(greatest(v_remaining, 0), v_order.currency), v_label
            USING ERRCODE = '22023';
    END IF;

    PERFORM rdk.apply_restock(p_tenant, p_order, v_restock);
    UPDATE public.order_items i
       SET returned_quantity = i.returned_quantity + (l ->> 'quantity')::integer
      FROM jsonb_array_elements(lines) l
     WHERE i.id = (l ->> 'item_id')::bigint AND i.order_id = p_order;
    INSERT INTO public.returns (tenant_id, order_id, currency, refund_minor, method, reason, created_by_profile, state,
                                exchange_order_id)
    VALUES (p_tenant, p_order, v_order.currency, value_minor, CASE WHEN card THEN 'card' ELSE 'cash' END, p_reason,
            rdk.current_profile_id(), p_state, p_exchange)
    RETURNING id INTO return_id;
    INSERT INTO public.return_lines (tenant_id, return_id, order_item_id, quantity, restock, refund_minor)
    SELECT p_tenant, return_take_back.return_id, (l ->> 'item_id')::bigint, (l ->> 'quantity')::integer,
           (l ->> 'restock')::boolean, (l ->> 'refund_minor')::bigint
      FROM jsonb_array_elements(lines) l;
END
$function$;
REVOKE ALL ON FUNCTION rdk.return_take_back(uuid,uuid,jsonb,text,text,uuid) FROM PUBLIC;

-- rdk.return_refund(uuid,uuid,bigint,boolean,text)
-- Money back to the payment of an order, by the path of rdk.request_refund: card -> a refund in
-- rdk-sync's Stripe queue; cash -> at once, out of the caller's open drawer (module drawer.sql;
-- refused when none is open or it holds too little). Returns the stripe_requests id.
CREATE OR REPLACE FUNCTION rdk.return_refund(p_tenant uuid, p_order uuid, p_amount bigint, p_card boolean, p_reason text)
 RETURNS bigint
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_id bigint;
BEGIN
    IF p_amount <= 0 THEN
        RETURN NULL;
    END IF;
    IF p_card THEN
        INSERT INTO public.stripe_requests (tenant_id, order_id, kind, amount_minor, restock, reason)
        VALUES (p_tenant, p_order, 'refund', p_amount, '[]', p_reason)
        RETURNING id INTO v_id;
    ELSE
        PERFORM rdk.drawer_give_cash(p_tenant, p_order, btrim(o.currency), p_amount, rdk.order_label(o.order_number))
           FROM public.orders o WHERE o.id = p_order;
        UPDATE public.orders
           SET refunded_minor = refunded_minor + p_amount,
               status = CASE WHEN refunded_minor + p_amount + credited_minor >= total_minor THEN 'refunded' ELSE 'partially_refunded' END
         WHERE id = p_order;
        INSERT INTO public.stripe_requests (tenant_id, order_id, kind, state, amount_minor, restock, reason, result)
        VALUES (p_tenant, p_order, 'refund', 'done', p_amount, '[]', p_reason,
                jsonb_build_object('cash', true, 'amount', p_amount, 'return', true))
        RETURNING id INTO v_id;
    END IF;
    RETURN v_id;
END
$function$;
REVOKE ALL ON FUNCTION rdk.return_refund(uuid,uuid,bigint,boolean,text) FROM PUBLIC;

-- rdk.return_check_staff_limit(uuid,bigint,text)
CREATE OR REPLACE FUNCTION rdk.return_check_staff_limit(p_tenant uuid, p_refund bigint, p_currency text)
 RETURNS void
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_limit bigint;
BEGIN
    SELECT t.staff_return_limit_minor INTO v_limit FROM public.tenants t WHERE t.id = p_tenant;
    IF rdk.current_staff_role() = 'staff' AND v_limit IS NOT NULL AND p_refund > v_limit THEN
        RAISE EXCEPTION 'This return would refund %; returns over % need an ops or admin account.',
            rdk.format_minor(p_refund, p_currency), rdk.format_minor(v_limit, p_currency) USING ERRCODE = '42501';
    END IF;
END
$function$;
REVOKE ALL ON FUNCTION rdk.return_check_staff_limit(uuid,bigint,text) FROM PUBLIC;

-- rdk.pos_return(uuid,jsonb,text)
CREATE OR REPLACE FUNCTION rdk.pos_return(p_order uuid, p_lines jsonb, p_reason text, OUT return_id uuid, OUT refund_minor bigint, OUT method text)
 RETURNS record
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenant uuid := rdk.require_staff(ARRAY['staff', 'ops', 'admin'], 'Sign in with a staff account of this shop first.');
    v_reason text := rdk.clean_reason(p_reason, true);
    v_order public.orders := rdk.lock_order(v_tenant, p_order);
    v_back record;
    v_request bigint;
    v_saved text := current_setting('rdk.reason', true);
BEGIN
    PERFORM set_config('rdk.reason', 'return: ' || v_reason, true);
    SELECT * INTO v_back FROM rdk.return_take_back(v_tenant, p_order, p_lines, v_reason, 'completed', NULL);
    PERFORM rdk.return_check_staff_limit(v_tenant, v_back.value_minor, v_order.currency);
    v_request := rdk.return_refund(v_tenant, p_order, v_back.value_minor, v_back.card, v_reason);
    UPDATE public.returns SET refund_request_id = v_request WHERE id = v_back.return_id;
    return_id := v_back.return_id;
    refund_minor := v_back.value_minor;
    method := CASE WHEN v_back.card THEN 'card' ELSE 'cash' END;
    PERFORM rdk.audit_write(v_tenant, 'return', 'order', p_order::text, NULL,
                            jsonb_build_object('order_number', v_order.order_number, 'return_id', return_id,
                                               'request_id', v_request, 'refund_minor', refund_minor,
                                               'currency', v_order.currency, 'method', method, 'lines', v_back.lines));
    PERFORM set_config('rdk.reason', coalesce(v_saved, ''), true);
END
$function$;
COMMENT ON FUNCTION rdk.pos_return(uuid,jsonb,text) IS 'Staff (within the shop''s window and limit) or ops/admin: pairs of a paid order brought back, refund computed per line, to the original method; shelf lines restocked';
REVOKE ALL ON FUNCTION rdk.pos_return(uuid,jsonb,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.pos_return(uuid,jsonb,text) TO rdk_admin, rdk_ops, rdk_staff;

-- rdk.pos_exchange(uuid,jsonb,jsonb,text,integer)
-- An exchange in one transaction: the pairs come back (as a return), a new counter sale is placed
-- by rdk.pos_place_sale (catalog prices, its stock held), and the returned pairs' value is a
-- credit on it. Due = new total - credit:
--   > 0: the link (or cash) is for the due only; the return waits ('exchange_pending') and
--        becomes 'exchanged' when the sale is paid; if the sale is canceled (Esc, the link's
--        deadline, Stripe's expiry) the credit is refunded to the original payment instead
--        (trigger returns_exchange_settled): the credit never vanishes and is never paid twice;
--   <= 0: the new sale is paid by the credit at once and the rest is refunded to the original
--        payment like a return.
CREATE OR REPLACE FUNCTION rdk.pos_exchange(p_order uuid, p_return_lines jsonb, p_new_lines jsonb, p_reason text, p_minutes integer, OUT return_id uuid, OUT new_order_id uuid, OUT credit_minor bigint, OUT due_minor bigint, OUT refund_minor bigint)
 RETURNS record
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenant uuid := rdk.require_staff(ARRAY['staff', 'ops', 'admin'], 'Sign in with a staff account of this shop first.');
    v_reason text := rdk.clean_reason(p_reason, true);
    v_order public.orders := rdk.lock_order(v_tenant, p_order);
    v_new public.orders;
    v_back record;
    v_request bigint;
    v_saved text := current_setting('rdk.reason', true);
BEGIN
    PERFORM set_config('rdk.reason', 'exchange: ' || v_reason, true);
    -- The new sale first (its own checks: lines, stock, discounts by role), then the return
    -- that points at it.
    new_order_id := rdk.pos_place_sale(p_new_lines, 0, v_reason, p_minutes);
    v_new := rdk.lock_order(v_tenant, new_order_id);
    IF v_new.currency <> v_order.currency THEN
        RAISE EXCEPTION 'The new items are priced in %, the returned ones in %.', v_new.currency, v_order.currency
            USING ERRCODE = '22023';
    END IF;
    SELECT * INTO v_back FROM rdk.return_take_back(v_tenant, p_order, p_return_lines, v_reason, 'exchange_pending', new_order_id);
    credit_minor := least(v_back.value_minor, v_new.total_minor);
    due_minor := v_new.total_minor - credit_minor;
    refund_minor := v_back.value_minor - credit_minor;
    PERFORM rdk.return_check_staff_limit(v_tenant, refund_minor, v_order.currency);

    UPDATE public.orders SET credited_minor = credited_minor + pos_exchange.credit_minor WHERE id = p_order;
    UPDATE public.orders SET credit_minor = pos_exchange.credit_minor WHERE id = new_order_id;
    UPDATE public.returns SET credit_minor = pos_exchange.credit_minor WHERE id = v_back.return_id;
    IF due_minor > 0 THEN
        -- The link rdk-sync has not claimed yet (same transaction) asks for the due only.
        UPDATE public.stripe_requests SET amount_minor = due_minor
         WHERE order_id = new_order_id AND kind = 'payment_link' AND state = 'queued';
    ELSE
        -- Paid by the credit: no link, the held pairs are sold, the payment is the original one.
        UPDATE public.stripe_requests SET state = 'failed', error = 'Paid by an exchange credit; no link needed.', updated_at = now()
         WHERE order_id = new_order_id AND kind = 'payment_link' AND state = 'queued';
        PERFORM rdk.settle_reservations(new_order_id, true);
        UPDATE public.orders
           SET status = 'paid', paid_at = now(), payment_method = CASE WHEN v_back.card THEN 'card' ELSE 'cash' END,
               stripe_payment_intent_id = v_order.stripe_payment_intent_id, stripe_charge_id = v_order.stripe_charge_id
         WHERE id = new_order_id;
        UPDATE public.returns SET state = 'exchanged' WHERE id = v_back.return_id;
        v_request := rdk.return_refund(v_tenant, p_order, refund_minor, v_back.card, v_reason);
        UPDATE public.returns SET refund_request_id = v_request WHERE id = v_back.return_id;
    END IF;
    return_id := v_back.return_id;
    PERFORM rdk.audit_write(v_tenant, 'exchange', 'order', p_order::text, NULL,
                            jsonb_build_object('order_number', v_order.order_number, 'return_id', return_id,
                                               'new_order_number', v_new.order_number, 'new_order_id', new_order_id,
                                               'returned_minor', v_back.value_minor, 'credit_minor', credit_minor,
                                               'due_minor', due_minor, 'refund_minor', refund_minor, 'request_id', v_request,
                                               'currency', v_order.currency,
                                               'method', CASE WHEN v_back.card THEN 'card' ELSE 'cash' END,
                                               'lines', v_back.lines));
    PERFORM set_config('rdk.reason', coalesce(v_saved, ''), true);
END
$function$;
COMMENT ON FUNCTION rdk.pos_exchange(uuid,jsonb,jsonb,text,integer) IS 'Staff: return pairs and sell new ones in one step; the returned value is a credit on the new sale, the difference paid (link or cash) or refunded to the original payment';
REVOKE ALL ON FUNCTION rdk.pos_exchange(uuid,jsonb,jsonb,text,integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.pos_exchange(uuid,jsonb,jsonb,text,integer) TO rdk_admin, rdk_ops, rdk_staff;

-- rdk.returns_exchange_settled()
-- An exchange sale with a credit is paid -> its return is 'exchanged'. It is canceled instead ->
-- the credit goes back: off the original order's credited amount, and refunded to its payment
-- (card: queued for rdk-sync; cash: the original order is flagged for a manager to pay it out of
-- a drawer through the Orders screen, since no cashier is at the counter when a link expires).
CREATE OR REPLACE FUNCTION rdk.returns_exchange_settled()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_return public.returns;
    v_request bigint;
BEGIN
    SELECT * INTO v_return FROM public.returns r WHERE r.exchange_order_id = NEW.id AND r.state = 'exchange_pending' FOR UPDATE;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF NEW.status IN ('paid', 'shipped', 'fulfilled') THEN
        UPDATE public.returns SET state = 'exchanged' WHERE id = v_return.id;
    ELSIF NEW.status = 'canceled' THEN
        UPDATE public.orders SET credited_minor = credited_minor - v_return.credit_minor WHERE id = v_return.order_id;
        IF v_return.method = 'card' THEN
            v_request := rdk.return_refund(v_return.tenant_id, v_return.order_id, v_return.credit_minor, true,
                                           left('exchange ' || rdk.order_label(NEW.order_number) || ' canceled: ' || v_return.reason, 200));
        ELSE
            UPDATE public.orders
               SET needs_review = true,
                   review_reason = 'The exchange ' || rdk.order_label(NEW.order_number) || ' was canceled unpaid: refund '
                                   || rdk.format_minor(v_return.credit_minor, v_return.currency)
                                   || ' in cash for the returned pairs (Refund, without restocking).'
             WHERE id = v_return.order_id;
        END IF;
        UPDATE public.returns SET state = 'exchange_canceled', refund_request_id = v_request WHERE id = v_return.id;
        PERFORM rdk.audit_write(v_return.tenant_id, 'exchange_canceled', 'order', v_return.order_id::text, NULL,
                                jsonb_build_object('return_id', v_return.id, 'new_order_number', NEW.order_number,
                                                   'credit_minor', v_return.credit_minor, 'request_id', v_request,
                                                   'currency', v_return.currency, 'method', v_return.method));
    END IF;
    RETURN NULL;
END
$function$;
REVOKE ALL ON FUNCTION rdk.returns_exchange_settled() FROM PUBLIC;

-- rdk.set_return_policy(integer,bigint)
CREATE OR REPLACE FUNCTION rdk.set_return_policy(p_window_days integer, p_staff_limit_minor bigint)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenant uuid := rdk.require_staff(ARRAY['admin'], 'Only an admin can change the shop''s return policy.');
    v_before public.tenants;
BEGIN
    IF p_window_days IS NOT NULL AND p_window_days NOT BETWEEN 0 AND 3650 THEN
        RAISE EXCEPTION 'The return window must be between 0 and 3650 days, or none.' USING ERRCODE = '22023';
    END IF;
    IF p_staff_limit_minor IS NOT NULL AND p_staff_limit_minor NOT BETWEEN 0 AND 100000000000 THEN
        RAISE EXCEPTION 'The cashiers'' return limit must be zero or more, or none.' USING ERRCODE = '22023';
    END IF;
    SELECT * INTO v_before FROM public.tenants t WHERE t.id = v_tenant FOR UPDATE;
    UPDATE public.tenants
       SET return_window_days = p_window_days, staff_return_limit_minor = p_staff_limit_minor
     WHERE id = v_tenant;
    PERFORM rdk.audit_write(v_tenant, 'return_policy', 'tenant', v_tenant::text,
                            jsonb_build_object('return_window_days', v_before.return_window_days,
                                               'staff_return_limit_minor', v_before.staff_return_limit_minor),
                            jsonb_build_object('return_window_days', p_window_days,
                                               'staff_return_limit_minor', p_staff_limit_minor));
END
$function$;
COMMENT ON FUNCTION rdk.set_return_policy(integer,bigint) IS 'Admin: the shop''s return window in days and the most a cashier may refund in one return (NULL = no limit); audited';
REVOKE ALL ON FUNCTION rdk.set_return_policy(integer,bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.set_return_policy(integer,bigint) TO rdk_admin;

CREATE OR REPLACE TRIGGER orders_returns_exchange_settled AFTER UPDATE OF status ON public.orders FOR EACH ROW WHEN (((new.credit_minor > 0) AND (new.status IS DISTINCT FROM old.status))) EXECUTE FUNCTION rdk.returns_exchange_settled();
