-- Private change notifications (issue 11, class 6).
--
-- LISTEN and pg_notify need no privilege in PostgreSQL: any login may listen on, and send on,
-- any channel name and sees every payload. Until now the triggers of 0003, 0006 and 0010 sent
-- every shop's changes on four well-known channels (rdk_catalog, rdk_orders,
-- rdk_stripe_requests, rdk_dashboard) with the tenant id, SKUs, order statuses and kinds of
-- Stripe work in the payload, so every login could watch every shop and forge notices.
--
-- From here on:
--   * every shop has a secret random key (tenants.notify_key) that only its own logins can
--     read (row-level security on tenants; no role may UPDATE the column);
--   * each kind of change goes out on a channel of that shop alone, rdk_<kind>_<key>, which
--     rdk.notify_channel(kind) names for the caller's shop;
--   * payloads carry only what a listener needs to know what to re-read (an order id, a
--     product id, a day range), never a status, a SKU or a tenant id;
--   * the old global channels are silent: nothing sends on them any more.
-- A notice is a wake-up, not a fact: clients re-read through row-level security. A login of the
-- shop itself can still send a forged notice on its own channel; the clients make that
-- harmless (docs/SECURITY.md, "Change notifications").

-- ---------------------------------------------------------------------------------------
-- 1. The key. Filled for existing shops as the column is added (the default runs per row).
--    Readable through the table's SELECT grant, which RLS limits to the caller's own shop;
--    the only UPDATE grant on tenants stays (name, currency, timezone) for rdk_admin.
-- ---------------------------------------------------------------------------------------
ALTER TABLE public.tenants
    ADD COLUMN notify_key text NOT NULL DEFAULT encode(public.gen_random_bytes(16), 'hex')
        CONSTRAINT tenants_notify_key_format CHECK (notify_key ~ '^[0-9a-f]{32}$');
COMMENT ON COLUMN public.tenants.notify_key IS
    'Secret part of the shop''s notification channel names (rdk.notify_channel); own shop only';

-- ---------------------------------------------------------------------------------------
-- 2. Channel names
-- ---------------------------------------------------------------------------------------
-- Any shop's channel: for the triggers below (owner only, no grant).
CREATE FUNCTION rdk.tenant_channel(p_tenant uuid, p_kind text) RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
    SELECT 'rdk_' || p_kind || '_' || t.notify_key FROM public.tenants t WHERE t.id = p_tenant
$$;

-- The caller's shop's channel, NULL when the caller has no shop. Asks rdk.current_tenant(), so
-- a login hears its own shop and no other.
CREATE FUNCTION rdk.notify_channel(p_kind text) RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
BEGIN
    IF p_kind IS NULL OR p_kind NOT IN ('catalog', 'orders', 'stripe_requests', 'dashboard') THEN
        RAISE EXCEPTION 'No notification channel of kind "%".', p_kind USING ERRCODE = '22023';
    END IF;
    RETURN rdk.tenant_channel((SELECT rdk.current_tenant()), p_kind);
END
$$;
COMMENT ON FUNCTION rdk.notify_channel(text) IS
    'Name of the caller''s shop''s channel for catalog | orders | stripe_requests | dashboard changes, or NULL';

-- ---------------------------------------------------------------------------------------
-- 3. The senders, on the shop's channels with minimal payloads. All SECURITY DEFINER now:
--    the key is read as the owner, whoever made the change.
-- ---------------------------------------------------------------------------------------
-- Products, inventory and images: which product to re-read.
CREATE OR REPLACE FUNCTION rdk.notify_catalog() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
DECLARE
    v_row record;
    v_entity text;
    v_product uuid;
BEGIN
    IF TG_OP = 'DELETE' THEN
        v_row := OLD;
    ELSE
        v_row := NEW;
    END IF;
    IF TG_TABLE_NAME = 'products' THEN
        v_entity := 'product';
        v_product := v_row.id;
    ELSE
        v_entity := CASE TG_TABLE_NAME WHEN 'inventory' THEN 'inventory' ELSE 'image' END;
        v_product := v_row.product_id;
    END IF;
    PERFORM pg_notify(rdk.tenant_channel(v_row.tenant_id, 'catalog'),
                      json_build_object('entity', v_entity, 'id', v_product)::text);
    RETURN NULL;
END
$$;

-- New orders and status changes: which order to re-read (not its status).
CREATE OR REPLACE FUNCTION rdk.notify_orders() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.status IS NOT DISTINCT FROM NEW.status THEN
        RETURN NULL;
    END IF;
    PERFORM pg_notify(rdk.tenant_channel(NEW.tenant_id, 'orders'), json_build_object('order_id', NEW.id)::text);
    RETURN NULL;
END
$$;

-- Stripe work queued or moved: which order's payment work to re-read (rdk-sync claims).
CREATE OR REPLACE FUNCTION rdk.notify_stripe_requests() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.state IS NOT DISTINCT FROM NEW.state THEN
        RETURN NULL;
    END IF;
    PERFORM pg_notify(rdk.tenant_channel(NEW.tenant_id, 'stripe_requests'),
                      json_build_object('order_id', NEW.order_id)::text);
    RETURN NULL;
END
$$;

-- The dashboard aggregates (0006): the same upsert, then the changed day range per shop on
-- that shop's channel. Called only from the owner's triggers and maintenance.
CREATE OR REPLACE FUNCTION rdk.dash_apply_sales(p_deltas rdk.dash_sales_delta[]) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
DECLARE
    r record;
BEGIN
    IF p_deltas IS NULL OR cardinality(p_deltas) = 0 THEN
        RETURN;
    END IF;
    INSERT INTO public.sales_daily AS s (tenant_id, day, channel, slot, orders, gross_minor, refunded_minor, refunded_orders, units)
    SELECT d.tenant_id, d.day, d.channel, (pg_backend_pid() % 8)::smallint,
           sum(d.orders), sum(d.gross), sum(d.refunded), sum(d.refunded_orders), sum(d.units)
      FROM unnest(p_deltas) d
     GROUP BY d.tenant_id, d.day, d.channel
    HAVING sum(d.orders) <> 0 OR sum(d.gross) <> 0 OR sum(d.refunded) <> 0 OR sum(d.refunded_orders) <> 0 OR sum(d.units) <> 0
     ORDER BY d.tenant_id, d.day, d.channel
    ON CONFLICT (tenant_id, day, channel, slot) DO UPDATE
       SET orders = s.orders + EXCLUDED.orders, gross_minor = s.gross_minor + EXCLUDED.gross_minor,
           refunded_minor = s.refunded_minor + EXCLUDED.refunded_minor,
           refunded_orders = s.refunded_orders + EXCLUDED.refunded_orders, units = s.units + EXCLUDED.units;
    FOR r IN SELECT d.tenant_id, min(d.day) AS first_day, max(d.day) AS last_day
               FROM unnest(p_deltas) d GROUP BY d.tenant_id LOOP
        PERFORM pg_notify(rdk.tenant_channel(r.tenant_id, 'dashboard'),
                          json_build_object('what', 'sales', 'from', r.first_day, 'to', r.last_day)::text);
    END LOOP;
END
$$;

-- ---------------------------------------------------------------------------------------
-- 4. Privileges
-- ---------------------------------------------------------------------------------------
REVOKE ALL ON FUNCTION rdk.tenant_channel(uuid, text), rdk.notify_channel(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.notify_channel(text) TO rdk_staff, rdk_ops, rdk_admin, rdk_sync;
