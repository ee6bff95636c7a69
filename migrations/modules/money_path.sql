-- Module money_path: The money path (ADR 0008): checkout, point-of-sale sales, and payment events.
-- Re-runnable: applied whole, in one transaction, whenever this file's checksum changes.
-- This file is the one place to change these functions (ADR 0011); keep each GRANT next to its function.

-- rdk.item_label(text,text)
CREATE OR REPLACE FUNCTION rdk.item_label(p_name text, p_size text)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$ SELECT CASE WHEN p_size IS NULL THEN p_name ELSE p_name || ' (size ' || p_size || ')' END $function$;
REVOKE ALL ON FUNCTION rdk.item_label(text,text) FROM PUBLIC;

-- rdk.parse_lines(jsonb,boolean)
CREATE OR REPLACE FUNCTION rdk.parse_lines(p_lines jsonb, p_discounts boolean)
 RETURNS TABLE(sku text, size text, quantity integer, discount_minor bigint, line_no integer)
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_line jsonb;
    v_index integer := 0;
BEGIN
    IF p_lines IS NULL OR jsonb_typeof(p_lines) <> 'array' OR jsonb_array_length(p_lines) = 0 THEN
        RAISE EXCEPTION 'An order needs at least one item.' USING ERRCODE = '22023';
    END IF;
    IF jsonb_array_length(p_lines) > 100 THEN
        RAISE EXCEPTION 'An order can have at most 100 lines.' USING ERRCODE = '22023';
    END IF;
    FOR v_line IN SELECT value FROM jsonb_array_elements(p_lines) LOOP
        v_index := v_index + 1;
        IF jsonb_typeof(v_line) <> 'object' OR jsonb_typeof(v_line -> 'sku') IS DISTINCT FROM 'string'
           OR coalesce(jsonb_typeof(v_line -> 'size'), 'null') NOT IN ('string', 'null')
           OR jsonb_typeof(v_line -> 'quantity') IS DISTINCT FROM 'number'
           OR coalesce(jsonb_typeof(v_line -> 'discount_minor'), 'null') NOT IN ('number', 'null')
           OR (NOT p_discounts AND v_line ? 'discount_minor') THEN
            RAISE EXCEPTION 'Line % of the order is malformed.', v_index USING ERRCODE = '22023';
        END IF;
        sku := btrim(v_line ->> 'sku');
        size := nullif(btrim(coalesce(v_line ->> 'size', '')), '');
        IF length(sku) NOT BETWEEN 1 AND 64 OR (size IS NOT NULL AND size !~ '^[0-9]{1,2}(\.5)?$') THEN
            RAISE EXCEPTION 'Line % of the order names no product of this shop.', v_index USING ERRCODE = '22023';
        END IF;
        IF (v_line ->> 'quantity') !~ '^[0-9]{1,3}$' OR (v_line ->> 'quantity')::integer NOT BETWEEN 1 AND 100 THEN
            RAISE EXCEPTION 'A line''s quantity must be between 1 and 100.' USING ERRCODE = '22023';
        END IF;
        quantity := (v_line ->> 'quantity')::integer;
        IF coalesce(v_line ->> 'discount_minor', '0') !~ '^[0-9]{1,15}$' THEN
            RAISE EXCEPTION 'A discount must be a whole amount of at least 0.' USING ERRCODE = '22023';
        END IF;
        discount_minor := coalesce(v_line ->> 'discount_minor', '0')::bigint;
        line_no := v_index;
        RETURN NEXT;
    END LOOP;
END
$function$;
REVOKE ALL ON FUNCTION rdk.parse_lines(jsonb,boolean) FROM PUBLIC;

-- rdk.hold_lines(uuid,jsonb,boolean)
CREATE OR REPLACE FUNCTION rdk.hold_lines(p_tenant uuid, p_lines jsonb, p_published boolean)
 RETURNS TABLE(sku text, size text, product_id uuid, name text, price_minor bigint, currency text, inventory_id bigint, quantity integer)
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    w record;
    v_product public.products;
    v_inventory public.inventory;
    v_label text;
BEGIN
    FOR w IN
        SELECT l.sku, l.size, sum(l.quantity)::integer AS wanted
          FROM rdk.parse_lines(p_lines, true) l
         GROUP BY l.sku, l.size
         ORDER BY l.sku, l.size NULLS FIRST
    LOOP
        SELECT * INTO v_product FROM public.products p
         WHERE p.tenant_id = p_tenant AND p.sku = w.sku AND NOT p.archived AND (p.published OR NOT p_published);
        IF NOT FOUND THEN
            IF p_published THEN
                RAISE EXCEPTION '%', CASE WHEN w.size IS NULL THEN w.sku || ' is not available.'
                                          ELSE w.sku || ' is not available in size ' || w.size || '.' END
                    USING ERRCODE = 'P0002';
            END IF;
            RAISE EXCEPTION 'No product with SKU %.', w.sku USING ERRCODE = 'P0002';
        END IF;
        v_label := rdk.item_label(v_product.name, w.size);
        SELECT * INTO v_inventory FROM public.inventory i
         WHERE i.product_id = v_product.id AND i.size IS NOT DISTINCT FROM w.size
           FOR UPDATE;
        IF NOT FOUND THEN
            IF v_product.inventory_strategy = 'per_size' AND w.size IS NULL THEN
                RAISE EXCEPTION 'Choose a size of %.', v_product.name USING ERRCODE = '22023';
            END IF;
            IF v_product.inventory_strategy = 'flat' AND w.size IS NOT NULL THEN
                RAISE EXCEPTION '% has no sizes; sell it without one.', v_product.name USING ERRCODE = '22023';
            END IF;
            IF p_published THEN
                RAISE EXCEPTION '%', w.sku || ' is not available in size ' || w.size || '.' USING ERRCODE = 'P0002';
            END IF;
            RAISE EXCEPTION '% is sold out.', v_label USING ERRCODE = 'R0001';
        END IF;
        IF v_inventory.quantity - v_inventory.reserved < w.wanted THEN
            IF v_inventory.quantity - v_inventory.reserved <= 0 THEN
                RAISE EXCEPTION '%', CASE WHEN p_published THEN 'Sorry, ' || v_label || ' just sold out.'
                                          ELSE v_label || ' is sold out.' END USING ERRCODE = 'R0001';
            END IF;
            RAISE EXCEPTION 'Only % left of %.', v_inventory.quantity - v_inventory.reserved, v_label
                USING ERRCODE = 'R0001';
        END IF;
        sku := w.sku;
        size := w.size;
        product_id := v_product.id;
        name := v_product.name;
        price_minor := v_product.price_minor;
        currency := btrim(v_product.currency);
        inventory_id := v_inventory.id;
        quantity := w.wanted;
        RETURN NEXT;
    END LOOP;
END
$function$;
REVOKE ALL ON FUNCTION rdk.hold_lines(uuid,jsonb,boolean) FROM PUBLIC;

-- rdk.reserve_held(uuid,uuid,timestamp with time zone)
CREATE OR REPLACE FUNCTION rdk.reserve_held(p_tenant uuid, p_order uuid, p_until timestamp with time zone)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT i.id AS inventory_id, sum(it.quantity)::integer AS quantity
          FROM public.order_items it
          JOIN public.inventory i ON i.product_id = it.product_id AND i.size IS NOT DISTINCT FROM it.size
         WHERE it.order_id = p_order
         GROUP BY i.id ORDER BY i.id
    LOOP
        UPDATE public.inventory SET reserved = reserved + r.quantity WHERE id = r.inventory_id;
        INSERT INTO public.stock_reservations (tenant_id, order_id, inventory_id, quantity, expires_at)
        VALUES (p_tenant, p_order, r.inventory_id, r.quantity, p_until);
    END LOOP;
END
$function$;
REVOKE ALL ON FUNCTION rdk.reserve_held(uuid,uuid,timestamp with time zone) FROM PUBLIC;

-- rdk.settle_reservations(uuid,boolean)
CREATE OR REPLACE FUNCTION rdk.settle_reservations(p_order uuid, p_sold boolean)
 RETURNS boolean
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    r record;
    v_inventory public.inventory;
    v_quantity integer;
    v_reserved integer;
    v_exact boolean := true;
BEGIN
    -- The state is checked in the loop, not in the WHERE: with "state = 'held'" there, a cached
    -- plan made while few reservations were held walks the whole held-by-expiry index (every
    -- checkout of a drop) for this order's one or two rows, instead of using the order's index.
    FOR r IN
        SELECT s.id, s.inventory_id, s.quantity, s.state FROM public.stock_reservations s
         WHERE s.order_id = p_order
         ORDER BY s.inventory_id, s.id
           FOR UPDATE OF s
    LOOP
        CONTINUE WHEN r.state <> 'held';
        SELECT * INTO v_inventory FROM public.inventory i WHERE i.id = r.inventory_id FOR UPDATE;
        v_reserved := v_inventory.reserved - r.quantity;
        v_quantity := CASE WHEN p_sold THEN v_inventory.quantity - r.quantity ELSE v_inventory.quantity END;
        IF v_reserved < 0 OR v_quantity < 0 THEN
            v_exact := false;
        END IF;
        v_quantity := greatest(v_quantity, 0);
        v_reserved := least(greatest(v_reserved, 0), v_quantity);
        UPDATE public.inventory SET quantity = v_quantity, reserved = v_reserved WHERE id = r.inventory_id;
        UPDATE public.stock_reservations SET state = CASE WHEN p_sold THEN 'sold' ELSE 'released' END, updated_at = now()
         WHERE id = r.id;
    END LOOP;
    RETURN v_exact;
END
$function$;
REVOKE ALL ON FUNCTION rdk.settle_reservations(uuid,boolean) FROM PUBLIC;

-- rdk.held_currency(jsonb)
CREATE OR REPLACE FUNCTION rdk.held_currency(p_held jsonb)
 RETURNS text
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_currencies text[];
BEGIN
    SELECT array_agg(DISTINCT h ->> 'currency') INTO v_currencies FROM jsonb_array_elements(p_held) h;
    IF array_length(v_currencies, 1) <> 1 THEN
        RAISE EXCEPTION 'All items of an order must be priced in one currency.' USING ERRCODE = '22023';
    END IF;
    RETURN v_currencies[1];
END
$function$;
REVOKE ALL ON FUNCTION rdk.held_currency(jsonb) FROM PUBLIC;

-- rdk.checkout_place_order(jsonb,text,integer,jsonb)
CREATE OR REPLACE FUNCTION rdk.checkout_place_order(p_items jsonb, p_email text, p_minutes integer, p_pass jsonb)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenant uuid := rdk.require_service();
    v_email text := nullif(btrim(coalesce(p_email, '')), '');
    v_held jsonb;
    v_currency text;
    v_subtotal bigint;
    v_order uuid;
    v_release record;
BEGIN
    IF p_minutes IS NULL OR p_minutes NOT BETWEEN 30 AND 120 THEN
        RAISE EXCEPTION 'Stock is held for 30 to 120 minutes at checkout.' USING ERRCODE = '22023';
    END IF;
    IF v_email IS NOT NULL AND (length(v_email) > 254 OR v_email !~ '^[^@[:space:]]+@[^@[:space:]]+$') THEN
        RAISE EXCEPTION 'Enter a valid e-mail address.' USING ERRCODE = '22023';
    END IF;
    PERFORM count(*) FROM rdk.parse_lines(p_items, false);  -- refuses malformed lines and discounts
    -- Pairs of a release need its pass (waiting-room ticket or raffle claim), an e-mail and
    -- room in the buyer's limit (module releases.sql); other lines pass untouched.
    SELECT * INTO v_release FROM rdk.release_check_lines(v_tenant, p_items, v_email, p_pass, false);
    v_email := coalesce(v_email, v_release.buyer_email);
    SELECT jsonb_agg(to_jsonb(h)) INTO v_held FROM rdk.hold_lines(v_tenant, p_items, true) h;
    v_currency := rdk.held_currency(v_held);
    SELECT sum((h ->> 'price_minor')::bigint * (h ->> 'quantity')::integer) INTO v_subtotal
      FROM jsonb_array_elements(v_held) h;
    -- The shop's shipping options priced for this subtotal, and whether Stripe adds the tax:
    -- the webhook checks what Stripe charged against these (rdk.shipping_charge_problem).
    INSERT INTO public.orders (tenant_id, channel, status, currency, subtotal_minor, total_minor, customer_email,
                               reserved_until, shipping_offers, stripe_tax, release_id, release_ticket, raffle_entry_id,
                               buyer_key)
    VALUES (v_tenant, 'online', 'pending', v_currency, v_subtotal, v_subtotal, v_email,
            now() + make_interval(mins => p_minutes), rdk.shipping_offers_for(v_tenant, v_subtotal),
            coalesce((SELECT s.stripe_tax FROM public.shop_settings s WHERE s.tenant_id = v_tenant), false),
            v_release.release_id, v_release.ticket, v_release.entry_id, v_release.buyer_key)
    RETURNING id INTO v_order;
    INSERT INTO public.order_items (tenant_id, order_id, product_id, sku, name, size, quantity, unit_price_minor,
                                    line_total_minor)
    SELECT v_tenant, v_order, (h ->> 'product_id')::uuid, h ->> 'sku', h ->> 'name', h ->> 'size',
           (h ->> 'quantity')::integer, (h ->> 'price_minor')::bigint,
           (h ->> 'price_minor')::bigint * (h ->> 'quantity')::integer
      FROM jsonb_array_elements(v_held) WITH ORDINALITY AS x(h, n)
     ORDER BY n;
    PERFORM rdk.reserve_held(v_tenant, v_order, now() + make_interval(mins => p_minutes));
    RETURN v_order;
END
$function$;
COMMENT ON FUNCTION rdk.checkout_place_order(jsonb,text,integer,jsonb) IS 'rdk-sync: a pending online order at catalog prices, its stock held; all lines or none; pairs of a release need its pass ({"ticket"} or {"claim"}) and stay within its limit per buyer';
REVOKE ALL ON FUNCTION rdk.checkout_place_order(jsonb,text,integer,jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.checkout_place_order(jsonb,text,integer,jsonb) TO rdk_sync;

-- rdk.checkout_place_order(jsonb,text,integer)
CREATE OR REPLACE FUNCTION rdk.checkout_place_order(p_items jsonb, p_email text, p_minutes integer)
 RETURNS uuid
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
    -- The call without a pass (before issue 15): the same order, refused for pairs of a release.
    SELECT rdk.checkout_place_order(p_items, p_email, p_minutes, NULL)
$function$;
COMMENT ON FUNCTION rdk.checkout_place_order(jsonb,text,integer) IS 'rdk-sync: a pending online order at catalog prices, its stock held; all lines or none';
REVOKE ALL ON FUNCTION rdk.checkout_place_order(jsonb,text,integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.checkout_place_order(jsonb,text,integer) TO rdk_sync;

-- rdk.checkout_attach_session(uuid,text,text[])
CREATE OR REPLACE FUNCTION rdk.checkout_attach_session(p_order uuid, p_session text, p_rates text[])
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenant uuid := rdk.require_service();
    v_order public.orders := rdk.lock_order(v_tenant, p_order);
    v_offers jsonb := coalesce(v_order.shipping_offers, '[]'::jsonb);
BEGIN
    IF p_session IS NULL OR p_session !~ '^cs_[A-Za-z0-9_]{1,250}$' THEN
        RAISE EXCEPTION 'That is not a Stripe Checkout Session id.' USING ERRCODE = '22023';
    END IF;
    IF v_order.channel <> 'online' OR v_order.status NOT IN ('pending', 'awaiting_payment') THEN
        RAISE EXCEPTION '%', rdk.order_state_refusal(rdk.order_label(v_order.order_number), v_order.status, 'cash')
            USING ERRCODE = 'P0001';
    END IF;
    IF v_order.stripe_checkout_session_id IS NOT NULL AND v_order.stripe_checkout_session_id <> p_session THEN
        RAISE EXCEPTION '% already has its checkout.', rdk.order_label(v_order.order_number) USING ERRCODE = 'P0001';
    END IF;
    -- Stripe names each offered option (shr_...) in the order it was sent; the webhook finds
    -- the shopper's choice by that name.
    IF coalesce(cardinality(p_rates), 0) <> jsonb_array_length(v_offers) THEN
        RAISE EXCEPTION 'Stripe named % shipping options; % were offered.', coalesce(cardinality(p_rates), 0),
            jsonb_array_length(v_offers) USING ERRCODE = '22023';
    END IF;
    IF EXISTS (SELECT 1 FROM unnest(p_rates) r WHERE r IS NULL OR r !~ '^shr_[A-Za-z0-9_]{1,250}$') THEN
        RAISE EXCEPTION 'That is not a Stripe shipping rate id.' USING ERRCODE = '22023';
    END IF;
    UPDATE public.orders
       SET stripe_checkout_session_id = p_session,
           shipping_offers = coalesce((SELECT jsonb_agg(e || jsonb_build_object('rate', p_rates[n]) ORDER BY n)
                                         FROM jsonb_array_elements(v_offers) WITH ORDINALITY AS x(e, n)), v_order.shipping_offers)
     WHERE id = p_order;
END
$function$;
COMMENT ON FUNCTION rdk.checkout_attach_session(uuid,text,text[]) IS 'rdk-sync: the Checkout Session paying a pending online order, and Stripe''s ids of the shipping options it offers';
REVOKE ALL ON FUNCTION rdk.checkout_attach_session(uuid,text,text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.checkout_attach_session(uuid,text,text[]) TO rdk_sync;

-- rdk.pos_place_sale(jsonb,bigint,text,integer,text)
CREATE OR REPLACE FUNCTION rdk.pos_place_sale(p_lines jsonb, p_order_discount_minor bigint, p_reason text, p_minutes integer, p_buyer_email text)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenant uuid := rdk.require_staff(ARRAY['staff', 'ops', 'admin'], 'Sign in with a staff account of this shop first.');
    v_reason text := rdk.clean_reason(p_reason, false);
    v_discount bigint := coalesce(p_order_discount_minor, 0);
    v_held jsonb;
    v_currency text;
    v_subtotal bigint;
    v_line_discounts bigint;
    v_order uuid;
    v_saved text := current_setting('rdk.reason', true);
    v_inclusive boolean;
    v_nets bigint[];
    v_rate_ids uuid[];
    v_rates_ppm bigint[];
    v_tax jsonb;
    v_tax_total bigint;
    v_release record;
    r record;
BEGIN
    IF p_minutes IS NULL OR p_minutes NOT BETWEEN 1 AND 1440 THEN
        RAISE EXCEPTION 'The payment link must stay open between 1 minute and 24 hours.' USING ERRCODE = '22023';
    END IF;
    IF v_discount < 0 THEN
        RAISE EXCEPTION 'A discount can''t be negative.' USING ERRCODE = '22023';
    END IF;
    SELECT coalesce(sum(l.discount_minor), 0) INTO v_line_discounts FROM rdk.parse_lines(p_lines, true) l;
    IF v_discount > 0 OR v_line_discounts > 0 THEN
        IF rdk.current_staff_role() NOT IN ('ops', 'admin') THEN
            RAISE EXCEPTION 'Only ops or admin staff can give a discount.' USING ERRCODE = '42501';
        END IF;
        IF v_reason IS NULL THEN
            RAISE EXCEPTION 'A discount needs a reason.' USING ERRCODE = '22023';
        END IF;
    END IF;
    -- Pairs of a release: not before its time, a buyer's e-mail, the same limit per buyer as
    -- online (module releases.sql).
    SELECT * INTO v_release FROM rdk.release_check_lines(v_tenant, p_lines, p_buyer_email, NULL, true);
    SELECT jsonb_agg(to_jsonb(h)) INTO v_held FROM rdk.hold_lines(v_tenant, p_lines, false) h;
    v_currency := rdk.held_currency(v_held);
    FOR r IN
        SELECT l.line_no, l.discount_minor, (h ->> 'price_minor')::bigint * l.quantity AS gross,
               rdk.item_label(h ->> 'name', l.size) AS label
          FROM rdk.parse_lines(p_lines, true) l
          JOIN jsonb_array_elements(v_held) h ON h ->> 'sku' = l.sku AND (h ->> 'size') IS NOT DISTINCT FROM l.size
    LOOP
        IF r.discount_minor > r.gross THEN
            RAISE EXCEPTION 'The discount on % is more than the line''s price.', r.label USING ERRCODE = '22023';
        END IF;
    END LOOP;
    SELECT sum((h ->> 'price_minor')::bigint * l.quantity) INTO v_subtotal
      FROM rdk.parse_lines(p_lines, true) l
      JOIN jsonb_array_elements(v_held) h ON h ->> 'sku' = l.sku AND (h ->> 'size') IS NOT DISTINCT FROM l.size;
    IF v_discount > v_subtotal - v_line_discounts THEN
        RAISE EXCEPTION 'The discount is more than the order''s total.' USING ERRCODE = '22023';
    END IF;
    -- Tax by the shop's active rates, with the rule of module tax.sql (rdk.tax_split).
    SELECT t.prices_include_tax INTO v_inclusive FROM public.tenants t WHERE t.id = v_tenant;
    SELECT coalesce(array_agg(tr.id ORDER BY tr.position), '{}'),
           coalesce(array_agg((tr.rate_percent * 10000)::bigint ORDER BY tr.position), '{}')
      INTO v_rate_ids, v_rates_ppm
      FROM public.tax_rates tr WHERE tr.tenant_id = v_tenant AND tr.active;
    SELECT array_agg((h ->> 'price_minor')::bigint * l.quantity - l.discount_minor ORDER BY l.line_no) INTO v_nets
      FROM rdk.parse_lines(p_lines, true) l
      JOIN jsonb_array_elements(v_held) h ON h ->> 'sku' = l.sku AND (h ->> 'size') IS NOT DISTINCT FROM l.size;
    SELECT coalesce(jsonb_agg(to_jsonb(x)), '[]'), coalesce(sum(x.tax_minor), 0) INTO v_tax, v_tax_total
      FROM rdk.tax_split(v_nets, v_discount, v_rates_ppm, v_inclusive) x;

    PERFORM set_config('rdk.reason', coalesce(v_reason, 'counter sale'), true);
    INSERT INTO public.orders (tenant_id, channel, status, currency, subtotal_minor, discount_minor, tax_minor,
                               tax_included, total_minor, discount_reason, reserved_until, release_id, buyer_key)
    VALUES (v_tenant, 'pos', 'pending', v_currency, v_subtotal, v_line_discounts + v_discount, v_tax_total,
            v_inclusive,
            v_subtotal - v_line_discounts - v_discount + CASE WHEN v_inclusive THEN 0 ELSE v_tax_total END,
            CASE WHEN v_line_discounts + v_discount > 0 THEN v_reason END, now() + make_interval(mins => p_minutes),
            v_release.release_id, v_release.buyer_key)
    RETURNING id INTO v_order;
    INSERT INTO public.order_items (tenant_id, order_id, product_id, sku, name, size, quantity, unit_price_minor,
                                    discount_minor, line_total_minor, tax_minor)
    SELECT v_tenant, v_order, (h ->> 'product_id')::uuid, l.sku, h ->> 'name', l.size, l.quantity,
           (h ->> 'price_minor')::bigint, l.discount_minor, (h ->> 'price_minor')::bigint * l.quantity - l.discount_minor,
           (SELECT coalesce(sum((x ->> 'tax_minor')::bigint), 0) FROM jsonb_array_elements(v_tax) x
             WHERE (x ->> 'line_no')::integer = l.line_no)
      FROM rdk.parse_lines(p_lines, true) l
      JOIN jsonb_array_elements(v_held) h ON h ->> 'sku' = l.sku AND (h ->> 'size') IS NOT DISTINCT FROM l.size
     ORDER BY l.line_no;
    INSERT INTO public.order_taxes (tenant_id, order_id, position, name, rate_percent, tax_minor)
    SELECT v_tenant, v_order, rk.ord::integer, tr.name, tr.rate_percent,
           (SELECT coalesce(sum((x ->> 'tax_minor')::bigint), 0) FROM jsonb_array_elements(v_tax) x
             WHERE (x ->> 'rate_no')::integer = rk.ord)
      FROM unnest(v_rate_ids) WITH ORDINALITY AS rk(id, ord)
      JOIN public.tax_rates tr ON tr.id = rk.id;
    PERFORM rdk.reserve_held(v_tenant, v_order, now() + make_interval(mins => p_minutes));
    PERFORM rdk.pos_request_payment_link(v_order);
    PERFORM set_config('rdk.reason', coalesce(v_saved, ''), true);
    RETURN v_order;
END
$function$;
COMMENT ON FUNCTION rdk.pos_place_sale(jsonb,bigint,text,integer,text) IS 'Staff: a pending counter sale at catalog prices (discounts: ops/admin with a reason) plus the shop''s tax, stock held, link asked for; pairs of a release need the buyer''s e-mail and stay within its limit per buyer';
REVOKE ALL ON FUNCTION rdk.pos_place_sale(jsonb,bigint,text,integer,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.pos_place_sale(jsonb,bigint,text,integer,text) TO rdk_admin, rdk_ops, rdk_staff;

-- rdk.pos_place_sale(jsonb,bigint,text,integer)
CREATE OR REPLACE FUNCTION rdk.pos_place_sale(p_lines jsonb, p_order_discount_minor bigint, p_reason text, p_minutes integer)
 RETURNS uuid
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
    -- The call without a buyer (before issue 15): the same sale, refused for pairs of a release.
    SELECT rdk.pos_place_sale(p_lines, p_order_discount_minor, p_reason, p_minutes, NULL)
$function$;
COMMENT ON FUNCTION rdk.pos_place_sale(jsonb,bigint,text,integer) IS 'Staff: a pending counter sale at catalog prices (discounts: ops/admin with a reason) plus the shop''s tax, stock held, link asked for';
REVOKE ALL ON FUNCTION rdk.pos_place_sale(jsonb,bigint,text,integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.pos_place_sale(jsonb,bigint,text,integer) TO rdk_admin, rdk_ops, rdk_staff;

-- rdk.decide_payment_effect(text,bigint,text,text,bigint,text)
CREATE OR REPLACE FUNCTION rdk.decide_payment_effect(p_status text, p_total_minor bigint, p_currency text, p_signal text, p_amount_minor bigint, p_amount_currency text, OUT action text, OUT reason text)
 RETURNS record
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_waiting boolean := p_status IN ('pending', 'awaiting_payment');
    v_holds boolean := p_status IN ('paid', 'shipped', 'fulfilled', 'partially_refunded');
    v_known boolean := p_amount_minor IS NOT NULL AND p_amount_currency IS NOT NULL;
    v_same_currency boolean := upper(btrim(p_amount_currency)) IS NOT DISTINCT FROM upper(btrim(p_currency));
BEGIN
    CASE p_signal
    WHEN 'paid' THEN
        IF p_status IN ('canceled', 'refunded') THEN
            action := 'flag_for_review';
            reason := 'A payment arrived for an order that is already ' || p_status || '; refund it or restore the order.';
        ELSIF NOT v_waiting THEN
            action := 'ignore';
            reason := 'The order is already paid.';
        ELSIF NOT v_known THEN
            action := 'flag_for_review';
            reason := 'Stripe reported a payment without its amount or currency; check it in Stripe.';
        ELSIF NOT v_same_currency OR p_amount_minor <> p_total_minor THEN
            action := 'flag_for_review';
            reason := 'Stripe reported ' || rdk.format_minor(p_amount_minor, upper(p_amount_currency)) || ' but the order totals '
                      || rdk.format_minor(p_total_minor, p_currency) || '.';
        ELSE
            action := 'mark_paid';
            reason := 'Payment received.';
        END IF;
    WHEN 'awaiting_payment' THEN
        IF p_status = 'pending' THEN
            action := 'mark_awaiting_payment';
            reason := 'Checkout finished; waiting for the payment to clear.';
        ELSE
            action := 'ignore';
            reason := 'The order is past waiting for payment.';
        END IF;
    WHEN 'failed', 'expired' THEN
        IF v_waiting THEN
            action := 'cancel';
            reason := CASE p_signal WHEN 'failed' THEN 'The payment failed.' ELSE 'The checkout expired unpaid.' END;
        ELSE
            action := 'ignore';
            reason := 'Too late to cancel: the order is ' || replace(p_status, '_', ' ') || '.';
        END IF;
    WHEN 'refunded' THEN
        IF NOT v_holds AND p_status <> 'refunded' THEN
            action := 'flag_for_review';
            reason := 'A refund was reported for an order that was never paid.';
        ELSIF NOT v_known OR NOT v_same_currency THEN
            action := 'flag_for_review';
            reason := 'A refund arrived without its amount or in an unexpected currency.';
        ELSIF p_amount_minor < 0 OR p_amount_minor > p_total_minor THEN
            action := 'flag_for_review';
            reason := 'More was refunded (' || rdk.format_minor(p_amount_minor, upper(p_amount_currency)) || ') than the order''s total ('
                      || rdk.format_minor(p_total_minor, p_currency) || ').';
        ELSIF p_status = 'refunded' THEN
            action := 'ignore';
            reason := 'Already refunded in full.';
        ELSIF p_amount_minor = p_total_minor THEN
            action := 'refund';
            reason := 'Refunded in full.';
        ELSE
            action := 'partial_refund';
            reason := 'Refunded ' || rdk.format_minor(p_amount_minor, upper(p_amount_currency)) || ' of '
                      || rdk.format_minor(p_total_minor, p_currency) || '.';
        END IF;
    ELSE
        action := 'ignore';
        reason := 'Nothing to do for this event.';
    END CASE;
END
$function$;
REVOKE ALL ON FUNCTION rdk.decide_payment_effect(text,bigint,text,text,bigint,text) FROM PUBLIC;

-- rdk.apply_shop_payment_event(uuid,text,text,uuid,text,text,bigint,text,text,text,text,jsonb,jsonb)
CREATE OR REPLACE FUNCTION rdk.apply_shop_payment_event(p_tenant uuid, p_event_id text, p_type text, p_order uuid, p_payment_intent text, p_signal text, p_amount_minor bigint, p_currency text, p_checkout_session text, p_payment_link text, p_customer_email text, p_shipping_address jsonb, p_checkout jsonb, OUT outcome text, OUT order_id uuid)
 RETURNS record
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
-- The work of rdk.apply_payment_event for the shop its caller has already resolved
-- (rdk.require_service): rdk.apply_payment_events resolves it once for its whole list rather
-- than once per event. Not a definer and granted to no one: only the owner's functions reach it.
DECLARE
    v_order public.orders;
    v_decision record;
    v_saved text := current_setting('rdk.reason', true);
    v_exact boolean;
    v_offer jsonb;
    v_tax bigint := 0;
    v_problem text;
    v_due bigint;
BEGIN
    IF p_event_id IS NULL OR p_event_id !~ '^evt_[A-Za-z0-9_]{1,250}$' THEN
        RAISE EXCEPTION 'That is not a Stripe event id.' USING ERRCODE = '22023';
    END IF;
    IF p_signal IS NOT NULL AND p_signal NOT IN ('paid', 'awaiting_payment', 'failed', 'expired', 'refunded') THEN
        RAISE EXCEPTION 'Unknown payment signal %.', left(p_signal, 40) USING ERRCODE = '22023';
    END IF;
    -- First what the event means for its order, then the event's row with that outcome, then the
    -- effect: the row is written once rather than inserted as 'received' and updated at the end.
    -- It is still what makes the event count once: a second delivery (in this list, or in a
    -- transaction that commits first) finds its key taken and returns 'duplicate' before any
    -- effect. All it did before that was read and lock the order's row.

    -- Two statements rather than one with an OR, so each keeps a plan that uses its index
    -- (the order's key; the payment intent: orders_tenant_payment_intent_idx, migration 0023).
    -- A charge with the card's fingerprint (charge.succeeded) carries no payment signal but
    -- feeds a release's per-buyer limit by card (rdk.release_check_buyer).
    IF (p_signal IS NOT NULL OR p_checkout ? 'card_fingerprint') AND p_order IS NOT NULL THEN
        SELECT * INTO v_order FROM public.orders o WHERE o.id = p_order AND o.tenant_id = p_tenant FOR UPDATE;
    ELSIF (p_signal IS NOT NULL OR p_checkout ? 'card_fingerprint') AND nullif(p_payment_intent, '') IS NOT NULL THEN
        SELECT * INTO v_order FROM public.orders o
         WHERE o.tenant_id = p_tenant AND o.stripe_payment_intent_id = p_payment_intent
         ORDER BY o.created_at LIMIT 1
           FOR UPDATE;
    END IF;
    IF p_signal IS NULL AND v_order.release_id IS NOT NULL THEN
        order_id := v_order.id;
        outcome := 'applied';
    ELSIF p_signal IS NULL THEN
        outcome := 'ignored';
    ELSIF v_order.id IS NULL THEN
        outcome := 'unknown_order';
    ELSE
        order_id := v_order.id;
        v_due := v_order.total_minor - v_order.credit_minor;
        -- An online checkout of a shop that ships: the payment must cover the offered shipping
        -- the shopper chose and the tax Stripe computed (only where the shop lets it).
        IF p_signal = 'paid' AND v_order.shipping_offers IS NOT NULL THEN
            SELECT c.offer, c.tax_minor, c.problem INTO v_offer, v_tax, v_problem
              FROM rdk.shipping_charge_problem(v_order, coalesce(p_checkout, '{}'::jsonb)) c;
            v_due := v_due + coalesce((v_offer ->> 'amount_minor')::bigint, 0) + v_tax;
        END IF;
        SELECT * INTO v_decision
          FROM rdk.decide_payment_effect(v_order.status, v_due, btrim(v_order.currency), p_signal, p_amount_minor, p_currency);
        -- A wrong shipping or tax charge explains a wrong total better than the sum does.
        IF v_problem IS NOT NULL AND v_order.status IN ('pending', 'awaiting_payment')
           AND v_decision.action IN ('mark_paid', 'flag_for_review') THEN
            v_decision.action := 'flag_for_review';
            v_decision.reason := v_problem;
        END IF;
        -- Every other action of rdk.decide_payment_effect has an effect below.
        outcome := CASE v_decision.action WHEN 'flag_for_review' THEN 'flagged_for_review'
                                          WHEN 'ignore' THEN 'ignored'
                                          ELSE 'applied' END;
    END IF;

    INSERT INTO public.stripe_events (id, tenant_id, type, outcome, order_id)
    VALUES (p_event_id, p_tenant, left(coalesce(p_type, ''), 100), outcome, order_id)
    ON CONFLICT (id) DO NOTHING;
    IF NOT FOUND THEN
        outcome := 'duplicate';
        order_id := NULL;
        RETURN;
    END IF;

    IF p_signal IS NULL THEN
        IF order_id IS NOT NULL THEN
            PERFORM rdk.release_check_buyer(order_id, p_checkout);
        END IF;
    ELSIF order_id IS NOT NULL THEN
        PERFORM set_config('rdk.reason', left('stripe ' || coalesce(p_type, '') || ': ' || v_decision.reason, 200), true);
        CASE v_decision.action
        WHEN 'mark_paid' THEN
            v_exact := rdk.settle_reservations(v_order.id, true);
            UPDATE public.orders
               SET status = 'paid', paid_at = now(),
                   stripe_checkout_session_id = coalesce(stripe_checkout_session_id, nullif(p_checkout_session, '')),
                   stripe_payment_intent_id = coalesce(nullif(p_payment_intent, ''), stripe_payment_intent_id),
                   stripe_payment_link_id = coalesce(stripe_payment_link_id, nullif(p_payment_link, '')),
                   customer_email = coalesce(customer_email, left(nullif(btrim(p_customer_email), ''), 254)),
                   shipping_address = coalesce(shipping_address,
                                               CASE WHEN jsonb_typeof(p_shipping_address) = 'object' THEN p_shipping_address END),
                   customer_phone = coalesce(customer_phone, left(nullif(btrim(p_checkout ->> 'phone'), ''), 40)),
                   -- An online checkout that offered shipping: what Stripe charged, as checked
                   -- above. In the same statement, so the paid mail's snapshot has it.
                   shipping_minor = CASE WHEN v_order.shipping_offers IS NULL THEN shipping_minor
                                         ELSE coalesce((v_offer ->> 'amount_minor')::bigint, 0) END,
                   tax_minor = CASE WHEN v_order.shipping_offers IS NULL THEN tax_minor ELSE v_tax END,
                   total_minor = CASE WHEN v_order.shipping_offers IS NULL THEN total_minor
                                      ELSE v_due + v_order.credit_minor END,
                   shipping_method = coalesce(v_offer ->> 'label', shipping_method),
                   fulfillment = CASE WHEN v_offer IS NULL THEN fulfillment
                                      WHEN v_offer ->> 'kind' = 'pickup' THEN 'pickup' ELSE 'ship' END,
                   -- In the same statement too: one pass of the orders triggers per payment (ADR 0028).
                   needs_review = needs_review OR NOT v_exact,
                   review_reason = CASE WHEN v_exact THEN review_reason
                                        ELSE 'Paid, but the stock count was lower than what the order held; count the stock of its items.' END
             WHERE id = v_order.id;
            -- The drop's per-buyer limits by card and address (migration 0022).
            PERFORM rdk.release_check_buyer(v_order.id, p_checkout);
        WHEN 'mark_awaiting_payment' THEN
            UPDATE public.orders
               SET status = 'awaiting_payment',
                   stripe_payment_intent_id = coalesce(nullif(p_payment_intent, ''), stripe_payment_intent_id)
             WHERE id = v_order.id;
        WHEN 'cancel' THEN
            PERFORM rdk.settle_reservations(v_order.id, false);
            UPDATE public.orders SET status = 'canceled', canceled_at = now() WHERE id = v_order.id;
        WHEN 'refund', 'partial_refund' THEN
            UPDATE public.orders
               SET status = CASE v_decision.action WHEN 'refund' THEN 'refunded' ELSE 'partially_refunded' END,
                   refunded_minor = p_amount_minor
             WHERE id = v_order.id;
        WHEN 'flag_for_review' THEN
            UPDATE public.orders SET needs_review = true, review_reason = v_decision.reason WHERE id = v_order.id;
        WHEN 'ignore' THEN
            NULL;
        END CASE;   -- no ELSE: an action without an effect here fails the event (CASE_NOT_FOUND)
        PERFORM set_config('rdk.reason', coalesce(v_saved, ''), true);
    END IF;
END
$function$;
REVOKE ALL ON FUNCTION rdk.apply_shop_payment_event(uuid,text,text,uuid,text,text,bigint,text,text,text,text,jsonb,jsonb) FROM PUBLIC;

-- rdk.apply_payment_event(text,text,uuid,text,text,bigint,text,text,text,text,jsonb,jsonb)
CREATE OR REPLACE FUNCTION rdk.apply_payment_event(p_event_id text, p_type text, p_order uuid, p_payment_intent text, p_signal text, p_amount_minor bigint, p_currency text, p_checkout_session text, p_payment_link text, p_customer_email text, p_shipping_address jsonb, p_checkout jsonb, OUT outcome text, OUT order_id uuid)
 RETURNS record
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
BEGIN
    -- plpgsql, not sql: see rdk.is_service() (ADR 0028).
    SELECT a.outcome, a.order_id INTO outcome, order_id
      FROM rdk.apply_shop_payment_event(rdk.require_service(), p_event_id, p_type, p_order, p_payment_intent, p_signal,
                                        p_amount_minor, p_currency, p_checkout_session, p_payment_link, p_customer_email,
                                        p_shipping_address, p_checkout) a;
END
$function$;
COMMENT ON FUNCTION rdk.apply_payment_event(text,text,uuid,text,text,bigint,text,text,text,text,jsonb,jsonb) IS 'rdk-sync: record a Stripe event once and apply its effect on the order of the caller''s shop';
REVOKE ALL ON FUNCTION rdk.apply_payment_event(text,text,uuid,text,text,bigint,text,text,text,text,jsonb,jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.apply_payment_event(text,text,uuid,text,text,bigint,text,text,text,text,jsonb,jsonb) TO rdk_sync;

-- rdk.apply_payment_event(text,text,uuid,text,text,bigint,text,text,text,text,jsonb)
CREATE OR REPLACE FUNCTION rdk.apply_payment_event(p_event_id text, p_type text, p_order uuid, p_payment_intent text, p_signal text, p_amount_minor bigint, p_currency text, p_checkout_session text, p_payment_link text, p_customer_email text, p_shipping_address jsonb, OUT outcome text, OUT order_id uuid)
 RETURNS record
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
    -- The call of an rdk-sync from before migration 0021 (no shipping choice or tax), kept so
    -- a service still running the old release keeps applying payments during an upgrade.
    SELECT a.outcome, a.order_id
      FROM rdk.apply_payment_event(p_event_id, p_type, p_order, p_payment_intent, p_signal, p_amount_minor, p_currency,
                                   p_checkout_session, p_payment_link, p_customer_email, p_shipping_address, NULL) a
$function$;
COMMENT ON FUNCTION rdk.apply_payment_event(text,text,uuid,text,text,bigint,text,text,text,text,jsonb) IS 'rdk-sync before 0021: the same without the checkout''s shipping choice and tax';
REVOKE ALL ON FUNCTION rdk.apply_payment_event(text,text,uuid,text,text,bigint,text,text,text,text,jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.apply_payment_event(text,text,uuid,text,text,bigint,text,text,text,text,jsonb) TO rdk_sync;

-- rdk.lock_payment_rows(uuid,jsonb)
CREATE OR REPLACE FUNCTION rdk.lock_payment_rows(p_tenant uuid, p_events jsonb)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
-- Several lists of one shop's payments run side by side (two per rdk-sync, and more with more
-- processes; ADR 0035). Each event locks its order, the stock rows its reservations hold and,
-- for a pair of a release, the release's row (rdk.release_check_buyer); two lists taking those
-- in their events' order could each hold what the other waits for. So a list takes them all
-- first, in one order: releases, then orders, then stock rows, each sorted. An event whose
-- order isn't found here (a malformed id, an intent not yet known) locks its rows later, as
-- before; should that meet another list in a circle, PostgreSQL fails one event of the two
-- (40P01), which leaves nothing of itself, and Stripe delivers it again.
DECLARE
    v_keys uuid[];
    v_intents text[];
    v_orders uuid[];
    v_releases uuid[];
BEGIN
    -- By the order's key, or by the payment intent when the event names no order, as
    -- rdk.apply_shop_payment_event finds it (each query with its index).
    SELECT array_agg((e.item ->> 'order')::uuid) FILTER (WHERE e.item ->> 'order' ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'),
           array_agg(e.item ->> 'payment_intent') FILTER (WHERE e.item ->> 'order' IS NULL AND e.item ->> 'payment_intent' <> '')
      INTO v_keys, v_intents
      FROM jsonb_array_elements(p_events) e(item);
    SELECT array_agg(x.id ORDER BY x.id), array_agg(DISTINCT x.release_id) FILTER (WHERE x.release_id IS NOT NULL)
      INTO v_orders, v_releases
      FROM (SELECT o.id, o.release_id FROM public.orders o WHERE o.id = ANY (v_keys) AND o.tenant_id = p_tenant
            UNION
            SELECT o.id, o.release_id FROM public.orders o
             WHERE o.tenant_id = p_tenant AND o.stripe_payment_intent_id = ANY (v_intents)) x;
    IF v_orders IS NULL THEN
        RETURN;
    END IF;
    PERFORM 1 FROM public.releases r WHERE r.id = ANY (v_releases) ORDER BY r.id FOR NO KEY UPDATE;
    PERFORM 1 FROM public.orders o WHERE o.id = ANY (v_orders) ORDER BY o.id FOR UPDATE;
    PERFORM 1 FROM public.inventory i
     WHERE i.id IN (SELECT s.inventory_id FROM public.stock_reservations s WHERE s.order_id = ANY (v_orders))
     ORDER BY i.id FOR UPDATE;
END
$function$;
REVOKE ALL ON FUNCTION rdk.lock_payment_rows(uuid,jsonb) FROM PUBLIC;

-- rdk.apply_payment_events(jsonb)
CREATE OR REPLACE FUNCTION rdk.apply_payment_events(p_events jsonb)
 RETURNS TABLE(event_no integer, outcome text, order_id uuid, error_state text, error_message text)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
-- Webhooks that arrived together, applied in one transaction (ADR 0031): one commit, one hold
-- of the notification lock and of the dashboard's rows for the lot. Each event is the call of
-- rdk.apply_payment_event in its own subtransaction, so one that fails is answered with its
-- SQLSTATE and message (event_no: its place in the list, from 1) and the others still apply.
-- At most 32 events: more subtransactions than PostgreSQL keeps per backend (64) would slow
-- every other session's snapshots.
DECLARE
    v_tenant uuid := rdk.require_service();
    v_dashboard text;
    e record;
BEGIN
    IF jsonb_typeof(p_events) IS DISTINCT FROM 'array' OR jsonb_array_length(p_events) NOT BETWEEN 1 AND 32 THEN
        RAISE EXCEPTION 'Payment events come as a list of 1 to 32.' USING ERRCODE = '22023';
    END IF;
    -- Lists of one shop run side by side (ADR 0035): each takes its rows in one order first.
    PERFORM rdk.lock_payment_rows(v_tenant, p_events);
    -- The dashboard is written once for the list, at its end (ADR 0032); a list of one has
    -- nothing to share.
    IF jsonb_array_length(p_events) > 1 THEN
        v_dashboard := rdk.dash_batch_begin();
        PERFORM set_config('rdk.dash_batch', coalesce(v_dashboard, ''), true);
    END IF;
    -- Everything is read as text and cast inside the event's own block, so a malformed value
    -- fails that event, not the list.
    FOR e IN SELECT x.*, l.n::integer AS no
               FROM jsonb_array_elements(p_events) WITH ORDINALITY AS l(item, n),
                    jsonb_to_record(l.item) AS x(id text, type text, "order" text, payment_intent text, signal text,
                                                 amount_minor text, currency text, checkout_session text, payment_link text,
                                                 customer_email text, shipping_address jsonb, checkout jsonb)
              ORDER BY l.n
    LOOP
        event_no := e.no;
        outcome := NULL;
        order_id := NULL;
        error_state := NULL;
        error_message := NULL;
        BEGIN
            SELECT a.outcome, a.order_id INTO outcome, order_id
              FROM rdk.apply_shop_payment_event(v_tenant, e.id, e.type, e."order"::uuid, e.payment_intent, e.signal,
                                                e.amount_minor::bigint, e.currency, e.checkout_session, e.payment_link,
                                                e.customer_email, e.shipping_address, e.checkout) a;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS error_state = RETURNED_SQLSTATE, error_message = MESSAGE_TEXT;
        END;
        RETURN NEXT;
    END LOOP;
    PERFORM set_config('rdk.dash_batch', '', true);
    PERFORM rdk.dash_batch_end(v_dashboard);
END
$function$;
COMMENT ON FUNCTION rdk.apply_payment_events(jsonb) IS 'rdk-sync: record and apply Stripe events that arrived together, in one transaction, each on its own';
REVOKE ALL ON FUNCTION rdk.apply_payment_events(jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.apply_payment_events(jsonb) TO rdk_sync;
