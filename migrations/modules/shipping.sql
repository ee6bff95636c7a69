-- Module shipping: where and how a shop's online orders go out (migration 0021, ADR 0020).
-- Re-runnable: applied whole, in one transaction, whenever this file's checksum changes.
-- This file is the one place to change these functions (ADR 0011); keep each GRANT next to its function.

-- rdk.shop_settings_json(uuid)
CREATE OR REPLACE FUNCTION rdk.shop_settings_json(p_tenant uuid)
 RETURNS jsonb
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
    -- A shop's settings and options as one document (the audit's before and after). A shop
    -- that never saved any has the defaults: ships nowhere, no options, Stripe computes no tax.
    SELECT jsonb_build_object(
        'ship_countries', to_jsonb(coalesce(s.ship_countries, '{}'::text[])),
        'collect_phone', coalesce(s.collect_phone, false),
        'stripe_tax', coalesce(s.stripe_tax, false),
        'shop_address', coalesce(s.shop_address, ''),
        'contact_text', coalesce(s.contact_text, ''),
        'shipping_policy', coalesce(s.shipping_policy, ''),
        'returns_policy', coalesce(s.returns_policy, ''),
        'options', coalesce((SELECT jsonb_agg(jsonb_build_object('kind', o.kind, 'label', o.label, 'amount_minor', o.amount_minor,
                                                                 'free_above_minor', o.free_above_minor, 'active', o.active)
                                              ORDER BY o.position)
                               FROM public.shipping_options o WHERE o.tenant_id = p_tenant), '[]'::jsonb))
      FROM (SELECT p_tenant AS tenant_id) t
      LEFT JOIN public.shop_settings s ON s.tenant_id = t.tenant_id
$function$;
COMMENT ON FUNCTION rdk.shop_settings_json(uuid) IS 'A shop''s online settings and shipping options as one document; reads under the caller''s row-level security';
REVOKE ALL ON FUNCTION rdk.shop_settings_json(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.shop_settings_json(uuid) TO rdk_admin, rdk_ops, rdk_staff, rdk_sync;

-- rdk.stripe_collects_country(text)
CREATE OR REPLACE FUNCTION rdk.stripe_collects_country(p_country text)
 RETURNS boolean
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
    -- Stripe Checkout refuses these in shipping_address_collection[allowed_countries]
    -- (sanctioned or unsupported territories); a shop can't save them, so checkout never fails.
    SELECT p_country ~ '^[A-Z]{2}$'
       AND NOT p_country = ANY (ARRAY['AS', 'CU', 'CX', 'FM', 'IR', 'KP', 'MH', 'MP', 'NF', 'PW', 'SD', 'SY', 'UM', 'VI'])
$function$;
REVOKE ALL ON FUNCTION rdk.stripe_collects_country(text) FROM PUBLIC;

-- rdk.settings_text(jsonb,text,integer,boolean)
CREATE OR REPLACE FUNCTION rdk.settings_text(p_settings jsonb, p_key text, p_max integer, p_one_line boolean)
 RETURNS text
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_text text;
    v_name text := replace(p_key, '_', ' ');
BEGIN
    IF coalesce(jsonb_typeof(p_settings -> p_key), 'null') NOT IN ('string', 'null') THEN
        RAISE EXCEPTION 'The % must be text.', v_name USING ERRCODE = '22023';
    END IF;
    v_text := btrim(coalesce(p_settings ->> p_key, ''), E' \t\r\n');
    IF length(v_text) > p_max THEN
        RAISE EXCEPTION 'The % is % characters long; at most % fit.', v_name, length(v_text), p_max USING ERRCODE = '22023';
    END IF;
    -- Line breaks are allowed in the long texts; other control characters never.
    IF v_text ~ (CASE WHEN p_one_line THEN '[[:cntrl:]]' ELSE '[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]' END) THEN
        RAISE EXCEPTION 'The % contains control characters%.', v_name,
            CASE WHEN p_one_line THEN ' or line breaks' ELSE '' END USING ERRCODE = '22023';
    END IF;
    RETURN v_text;
END
$function$;
REVOKE ALL ON FUNCTION rdk.settings_text(jsonb,text,integer,boolean) FROM PUBLIC;

-- rdk.set_shop_settings(jsonb,jsonb)
CREATE OR REPLACE FUNCTION rdk.set_shop_settings(p_settings jsonb, p_options jsonb)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenant uuid := rdk.require_staff(ARRAY['admin'], 'Only an administrator can change where and how the shop ships.');
    v_before jsonb := rdk.shop_settings_json(v_tenant);
    v_after jsonb;
    v_countries text[] := '{}';
    v_country text;
    v_option jsonb;
    v_kind text;
    v_label text;
    v_labels text[] := '{}';
    v_amount numeric;
    v_threshold numeric;
    v_key text;
    v_n integer := 0;
    v_ships boolean := false;
BEGIN
    IF p_settings IS NULL OR jsonb_typeof(p_settings) <> 'object' THEN
        RAISE EXCEPTION 'The shop settings must be an object.' USING ERRCODE = '22023';
    END IF;
    IF p_options IS NULL OR jsonb_typeof(p_options) <> 'array' THEN
        RAISE EXCEPTION 'The shipping options must be a list.' USING ERRCODE = '22023';
    END IF;
    IF coalesce(jsonb_typeof(p_settings -> 'ship_countries'), 'array') <> 'array' THEN
        RAISE EXCEPTION 'The countries shipped to must be a list.' USING ERRCODE = '22023';
    END IF;
    FOR v_country IN SELECT upper(btrim(c)) FROM jsonb_array_elements_text(coalesce(p_settings -> 'ship_countries', '[]')) c LOOP
        IF v_country !~ '^[A-Z]{2}$' THEN
            RAISE EXCEPTION '"%" is not a country code; use two letters such as US or DE.', left(v_country, 20)
                USING ERRCODE = '22023';
        END IF;
        IF NOT rdk.stripe_collects_country(v_country) THEN
            RAISE EXCEPTION 'Stripe Checkout can''t collect addresses in %; leave it out.', v_country USING ERRCODE = '22023';
        END IF;
        IF NOT v_country = ANY (v_countries) THEN
            v_countries := v_countries || v_country;
        END IF;
    END LOOP;
    IF cardinality(v_countries) > 60 THEN
        RAISE EXCEPTION 'A shop can ship to at most 60 countries.' USING ERRCODE = '22023';
    END IF;
    FOR v_key IN SELECT k FROM (VALUES ('collect_phone'), ('stripe_tax')) v(k) LOOP
        IF coalesce(jsonb_typeof(p_settings -> v_key), 'boolean') <> 'boolean' THEN
            RAISE EXCEPTION 'Say yes or no for %.', replace(v_key, '_', ' ') USING ERRCODE = '22023';
        END IF;
    END LOOP;

    IF jsonb_array_length(p_options) > 5 THEN
        RAISE EXCEPTION 'Stripe Checkout offers at most 5 shipping options.' USING ERRCODE = '22023';
    END IF;
    FOR v_option IN SELECT value FROM jsonb_array_elements(p_options) LOOP
        v_n := v_n + 1;
        IF jsonb_typeof(v_option) <> 'object' OR jsonb_typeof(v_option -> 'label') IS DISTINCT FROM 'string'
           OR coalesce(jsonb_typeof(v_option -> 'active'), 'boolean') <> 'boolean' THEN
            RAISE EXCEPTION 'Shipping option % is malformed.', v_n USING ERRCODE = '22023';
        END IF;
        v_kind := v_option ->> 'kind';
        IF v_kind IS NULL OR v_kind NOT IN ('flat', 'free_above', 'pickup') THEN
            RAISE EXCEPTION 'Shipping option % must be a flat rate, free above an amount, or local pickup.', v_n
                USING ERRCODE = '22023';
        END IF;
        v_label := btrim(v_option ->> 'label');
        IF length(v_label) NOT BETWEEN 1 AND 60 OR v_label ~ '[[:cntrl:]]' THEN
            RAISE EXCEPTION 'Shipping option % needs a name of 1 to 60 characters.', v_n USING ERRCODE = '22023';
        END IF;
        IF lower(v_label) = ANY (v_labels) THEN
            RAISE EXCEPTION 'Two shipping options are named %.', v_label USING ERRCODE = '22023';
        END IF;
        v_labels := v_labels || lower(v_label);
        IF coalesce(jsonb_typeof(v_option -> 'amount_minor'), 'number') <> 'number'
           OR coalesce(jsonb_typeof(v_option -> 'free_above_minor'), 'null') NOT IN ('number', 'null') THEN
            RAISE EXCEPTION 'The amounts of % must be numbers.', v_label USING ERRCODE = '22023';
        END IF;
        v_amount := coalesce((v_option ->> 'amount_minor')::numeric, 0);
        v_threshold := (v_option ->> 'free_above_minor')::numeric;
        IF v_amount <> trunc(v_amount) OR v_amount NOT BETWEEN 0 AND 10000000 THEN
            RAISE EXCEPTION 'The price of % must be a whole amount from 0 to 100,000.00.', v_label USING ERRCODE = '22023';
        END IF;
        IF v_kind = 'pickup' AND v_amount <> 0 THEN
            RAISE EXCEPTION 'Local pickup (%) is free.', v_label USING ERRCODE = '22023';
        END IF;
        IF v_kind = 'free_above' AND (v_threshold IS NULL OR v_threshold <> trunc(v_threshold)
                                      OR v_threshold NOT BETWEEN 1 AND 100000000) THEN
            RAISE EXCEPTION '% needs the order amount above which it is free.', v_label USING ERRCODE = '22023';
        END IF;
        IF v_kind <> 'free_above' THEN
            v_threshold := NULL;
        END IF;
        IF v_kind <> 'pickup' AND coalesce((v_option ->> 'active')::boolean, true) THEN
            v_ships := true;
        END IF;
    END LOOP;
    IF v_ships AND cardinality(v_countries) = 0 THEN
        RAISE EXCEPTION 'Add the countries the shop ships to, or offer only local pickup.' USING ERRCODE = '22023';
    END IF;

    INSERT INTO public.shop_settings AS s (tenant_id, ship_countries, collect_phone, stripe_tax, shop_address, contact_text,
                                           shipping_policy, returns_policy)
    VALUES (v_tenant, v_countries, coalesce((p_settings ->> 'collect_phone')::boolean, false),
            coalesce((p_settings ->> 'stripe_tax')::boolean, false),
            rdk.settings_text(p_settings, 'shop_address', 300, false),
            rdk.settings_text(p_settings, 'contact_text', 2000, false),
            rdk.settings_text(p_settings, 'shipping_policy', 8000, false),
            rdk.settings_text(p_settings, 'returns_policy', 8000, false))
    ON CONFLICT (tenant_id) DO UPDATE
       SET ship_countries = EXCLUDED.ship_countries, collect_phone = EXCLUDED.collect_phone,
           stripe_tax = EXCLUDED.stripe_tax, shop_address = EXCLUDED.shop_address, contact_text = EXCLUDED.contact_text,
           shipping_policy = EXCLUDED.shipping_policy, returns_policy = EXCLUDED.returns_policy,
           updated_by = session_user, updated_at = now();
    DELETE FROM public.shipping_options o WHERE o.tenant_id = v_tenant;
    INSERT INTO public.shipping_options (tenant_id, position, kind, label, amount_minor, free_above_minor, active)
    SELECT v_tenant, e.ord::integer, e.value ->> 'kind', btrim(e.value ->> 'label'),
           coalesce((e.value ->> 'amount_minor')::bigint, 0),
           CASE WHEN e.value ->> 'kind' = 'free_above' THEN (e.value ->> 'free_above_minor')::bigint END,
           coalesce((e.value ->> 'active')::boolean, true)
      FROM jsonb_array_elements(p_options) WITH ORDINALITY AS e(value, ord);
    v_after := rdk.shop_settings_json(v_tenant);
    IF v_after IS DISTINCT FROM v_before THEN
        PERFORM rdk.audit_write(v_tenant, 'update', 'shop_settings', v_tenant::text, v_before, v_after);
        -- rdk-sync keeps the policy and contact pages until this notice (sync/catalogchanges).
        PERFORM pg_notify(rdk.tenant_channel(v_tenant, 'catalog'), json_build_object('entity', 'shop')::text);
    END IF;
END
$function$;
COMMENT ON FUNCTION rdk.set_shop_settings(jsonb,jsonb) IS 'Admin: where the shop ships, its shipping options (at most 5), Stripe tax, phone, address and policy texts; audited';
REVOKE ALL ON FUNCTION rdk.set_shop_settings(jsonb,jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.set_shop_settings(jsonb,jsonb) TO rdk_admin, rdk_ops, rdk_staff;

-- rdk.shipping_offers_for(uuid,bigint)
CREATE OR REPLACE FUNCTION rdk.shipping_offers_for(p_tenant uuid, p_subtotal bigint)
 RETURNS jsonb
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
    -- The shop's active options priced for an order of p_subtotal: "free above" costs nothing
    -- from its threshold on. "rate" is filled in when Stripe has named the option.
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'option', o.id, 'kind', o.kind, 'label', o.label,
               'amount_minor', CASE WHEN o.kind = 'free_above' AND p_subtotal >= o.free_above_minor THEN 0 ELSE o.amount_minor END)
             ORDER BY o.position), '[]'::jsonb)
      FROM public.shipping_options o
     WHERE o.tenant_id = p_tenant AND o.active
$function$;
REVOKE ALL ON FUNCTION rdk.shipping_offers_for(uuid,bigint) FROM PUBLIC;

-- rdk.shipping_charge_problem(public.orders,jsonb)
CREATE OR REPLACE FUNCTION rdk.shipping_charge_problem(p_order public.orders, p_checkout jsonb, OUT offer jsonb, OUT tax_minor bigint, OUT problem text)
 RETURNS record
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_rate text := nullif(p_checkout ->> 'shipping_rate', '');
    v_shipping bigint;
    v_label text := rdk.order_label(p_order.order_number);
BEGIN
    -- What Stripe says the shopper chose and was charged, against what the order was offered.
    -- Stripe's amounts are trusted only where the shop let Stripe decide (its tax); shipping
    -- must be exactly the offer's price.
    tax_minor := 0;
    IF jsonb_typeof(p_checkout -> 'amount_shipping') = 'number' THEN
        v_shipping := (p_checkout ->> 'amount_shipping')::numeric;
    END IF;
    IF jsonb_typeof(p_checkout -> 'amount_tax') = 'number' THEN
        tax_minor := greatest((p_checkout ->> 'amount_tax')::numeric, 0);
    END IF;
    IF jsonb_array_length(p_order.shipping_offers) > 0 THEN
        SELECT e INTO offer FROM jsonb_array_elements(p_order.shipping_offers) e WHERE e ->> 'rate' = v_rate;
        IF offer IS NULL THEN
            problem := 'Stripe reported a shipping choice ' || v_label || ' was not offered; check the payment in Stripe.';
        ELSIF coalesce(v_shipping, -1) <> (offer ->> 'amount_minor')::bigint THEN
            problem := 'Stripe charged ' || rdk.format_minor(coalesce(v_shipping, 0), p_order.currency) || ' for '
                       || (offer ->> 'label') || ', which costs ' || rdk.format_minor((offer ->> 'amount_minor')::bigint, p_order.currency)
                       || ' for ' || v_label || '.';
        END IF;
    ELSIF coalesce(v_shipping, 0) <> 0 THEN
        problem := 'Stripe charged shipping for ' || v_label || ', which was offered none.';
    END IF;
    IF NOT p_order.stripe_tax AND tax_minor <> 0 THEN
        problem := coalesce(problem, 'Stripe added ' || rdk.format_minor(tax_minor, p_order.currency) || ' of tax to ' || v_label
                                     || ', but the shop does not let Stripe compute tax.');
    END IF;
END
$function$;
REVOKE ALL ON FUNCTION rdk.shipping_charge_problem(public.orders,jsonb) FROM PUBLIC;

-- rdk.order_ship_to(uuid)
CREATE OR REPLACE FUNCTION rdk.order_ship_to(p_order uuid)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_role text := rdk.current_staff_role();
    v_tenant uuid := rdk.require_staff(ARRAY['staff', 'ops', 'admin'], 'Sign in with a staff account of this shop first.');
    v_order public.orders;
BEGIN
    SELECT * INTO v_order FROM public.orders o WHERE o.id = p_order AND o.tenant_id = v_tenant;
    IF v_order.id IS NULL THEN
        RAISE EXCEPTION 'That order is not one of this shop''s.' USING ERRCODE = 'P0002';
    END IF;
    -- A cashier packs what waits to go out; the addresses of orders already gone are for
    -- managers (0010 keeps them from the plain staff role).
    IF v_role = 'staff' AND v_order.status <> 'paid' THEN
        RAISE EXCEPTION 'The address of % is shown to staff only while it waits to go out; ask a manager.',
            rdk.order_label(v_order.order_number) USING ERRCODE = '42501';
    END IF;
    RETURN jsonb_build_object('address', coalesce(v_order.shipping_address, '{}'::jsonb),
                              'phone', v_order.customer_phone,
                              'method', v_order.shipping_method,
                              'fulfillment', v_order.fulfillment);
END
$function$;
COMMENT ON FUNCTION rdk.order_ship_to(uuid) IS 'Staff: where an order goes (address, phone, method); cashiers only while it waits to go out';
REVOKE ALL ON FUNCTION rdk.order_ship_to(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.order_ship_to(uuid) TO rdk_admin, rdk_ops, rdk_staff;

-- rdk.mark_ready_for_pickup(uuid)
CREATE OR REPLACE FUNCTION rdk.mark_ready_for_pickup(p_order uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenant uuid := rdk.require_staff(ARRAY['staff', 'ops', 'admin'], 'Sign in with a staff account of this shop first.');
    v_order public.orders := rdk.lock_order(v_tenant, p_order);
    v_label text := rdk.order_label(v_order.order_number);
BEGIN
    IF v_order.fulfillment IS DISTINCT FROM 'pickup' THEN
        RAISE EXCEPTION '% is not for local pickup.', v_label USING ERRCODE = 'P0001';
    END IF;
    IF v_order.status <> 'paid' THEN
        RAISE EXCEPTION '%', rdk.order_state_refusal(v_label, v_order.status, 'fulfil') USING ERRCODE = 'P0001';
    END IF;
    IF v_order.ready_for_pickup_at IS NOT NULL THEN
        RAISE EXCEPTION '% is already waiting to be picked up.', v_label USING ERRCODE = 'P0001';
    END IF;
    -- The mail trigger (module mail.sql) tells the customer in the same transaction.
    UPDATE public.orders SET ready_for_pickup_at = now() WHERE id = p_order;
    PERFORM rdk.audit_write(v_tenant, 'update', 'orders', p_order::text, jsonb_build_object('ready_for_pickup_at', NULL),
                            jsonb_build_object('ready_for_pickup_at', now()));
END
$function$;
COMMENT ON FUNCTION rdk.mark_ready_for_pickup(uuid) IS 'Staff: a paid pickup order is ready at the counter (the customer is mailed); audited';
REVOKE ALL ON FUNCTION rdk.mark_ready_for_pickup(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.mark_ready_for_pickup(uuid) TO rdk_admin, rdk_ops, rdk_staff;
