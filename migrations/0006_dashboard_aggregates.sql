-- Dashboard aggregates, kept current by triggers so a dashboard never scans raw orders or
-- page views: per shop day (the tenant's time zone, so DST days have 23 or 25 hours) and
-- channel for sales; per shop day and product, brand and size for items; per shop day for
-- visitors.
--
-- What counts (the one definition; rdk.dash_expected_* below compute it from raw rows and
-- `rdk-admin aggregates rebuild` compares the two):
--   * An order counts once it was paid: status paid, shipped, fulfilled, partially_refunded or
--     refunded. Pending, awaiting_payment and canceled orders never count.
--   * Its day is the shop-local date of paid_at (created_at when paid_at is missing).
--   * Refunds belong to the day of the sale (orders carry no refund time): net revenue of a
--     day = gross - refunded, and it changes when a sale of that day is refunded later.
--   * Items of a counted order add net units (quantity - refunded_quantity) and net revenue
--     (line_total * net units / quantity); a fully refunded order adds none.
--   * Visitors: the storefront's visitor hash changes every day (daily salt), so a visitor
--     is counted once per shop day; visitors over a period are the sum of the daily counts.
--
-- Write contention: every paid order of a day updates the same day rows (its channel, its
-- brand, its size, its product). Every counter row carries a `slot` (backend pid mod 8) so
-- concurrent webhooks and page views mostly hit different rows; readers sum the slots. Triggers are statement-level with transition tables, so a bulk
-- insert of a million rows costs a handful of set-based upserts, not a million row triggers.
--
-- Not followed by triggers (run `rdk-admin aggregates rebuild` after them): DELETE/TRUNCATE
-- of orders, items or page views (no app role may), a change of tenants.timezone, a renamed
-- brand (brand rows keep the brand at the time of sale).

-- ---------------------------------------------------------------------------------------
-- 1. Tables
-- ---------------------------------------------------------------------------------------
CREATE TABLE sales_daily (
    tenant_id       uuid NOT NULL REFERENCES tenants(id),
    day             date NOT NULL,
    channel         text NOT NULL CONSTRAINT sales_daily_channel_valid CHECK (channel IN ('online', 'pos')),
    slot            smallint NOT NULL DEFAULT 0,
    orders          integer NOT NULL DEFAULT 0,
    gross_minor     bigint NOT NULL DEFAULT 0,
    refunded_minor  bigint NOT NULL DEFAULT 0,
    refunded_orders integer NOT NULL DEFAULT 0,
    units           integer NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, day, channel, slot)
);
COMMENT ON TABLE sales_daily IS 'Paid orders per shop day and channel (sum the slots); maintained by triggers';

CREATE TABLE product_sales_daily (
    tenant_id     uuid NOT NULL REFERENCES tenants(id),
    day           date NOT NULL,
    product_id    uuid NOT NULL,
    units         integer NOT NULL DEFAULT 0,
    revenue_minor bigint NOT NULL DEFAULT 0,
    slot          smallint NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, day, product_id, slot)
);
-- The same per calendar month of the shop: a 12-month top list reads ~12 x products rows
-- instead of ~365 x products (full months from here, the partial edges from the daily table).
CREATE TABLE product_sales_monthly (
    tenant_id     uuid NOT NULL REFERENCES tenants(id),
    month         date NOT NULL CONSTRAINT product_sales_monthly_first_day CHECK (extract(day FROM month) = 1),
    product_id    uuid NOT NULL,
    units         integer NOT NULL DEFAULT 0,
    revenue_minor bigint NOT NULL DEFAULT 0,
    slot          smallint NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, month, product_id, slot)
);
CREATE TABLE brand_sales_daily (
    tenant_id     uuid NOT NULL REFERENCES tenants(id),
    day           date NOT NULL,
    brand         text NOT NULL,
    units         integer NOT NULL DEFAULT 0,
    revenue_minor bigint NOT NULL DEFAULT 0,
    slot          smallint NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, day, brand, slot)
);
CREATE TABLE size_sales_daily (
    tenant_id     uuid NOT NULL REFERENCES tenants(id),
    day           date NOT NULL,
    size          text NOT NULL,  -- '' for flat-stock products
    units         integer NOT NULL DEFAULT 0,
    revenue_minor bigint NOT NULL DEFAULT 0,
    slot          smallint NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, day, size, slot)
);

CREATE TABLE visits_daily (
    tenant_id  uuid NOT NULL REFERENCES tenants(id),
    day        date NOT NULL,
    slot       smallint NOT NULL DEFAULT 0,
    page_views bigint NOT NULL DEFAULT 0,
    visitors   integer NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, day, slot)
);
COMMENT ON TABLE visits_daily IS 'Page views and unique visitors per shop day (sum the slots); maintained by triggers';

-- Which visitor was already counted on a day: what makes "unique" incremental and safe under
-- concurrency (the primary key decides). No app role can read it.
CREATE TABLE visitor_days (
    tenant_id    uuid NOT NULL REFERENCES tenants(id),
    day          date NOT NULL,
    visitor_hash bytea NOT NULL,
    PRIMARY KEY (tenant_id, day, visitor_hash)
);

-- ---------------------------------------------------------------------------------------
-- 2. The rules, once
-- ---------------------------------------------------------------------------------------
CREATE FUNCTION rdk.dash_counts(p_status text) RETURNS boolean
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$ SELECT p_status IN ('paid', 'shipped', 'fulfilled', 'partially_refunded', 'refunded') $$;

CREATE FUNCTION rdk.dash_item_units(p_status text, p_quantity integer, p_refunded integer) RETURNS integer
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$ SELECT CASE WHEN p_status = 'refunded' THEN 0 ELSE p_quantity - p_refunded END $$;

CREATE FUNCTION rdk.dash_item_revenue(p_status text, p_quantity integer, p_refunded integer, p_line_total bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$ SELECT CASE WHEN p_status = 'refunded' THEN 0::bigint
                  ELSE p_line_total * (p_quantity - p_refunded) / p_quantity END $$;

CREATE TYPE rdk.dash_sales_delta AS (
    tenant_id uuid, day date, channel text, orders integer, gross bigint, refunded bigint,
    refunded_orders integer, units integer);
CREATE TYPE rdk.dash_item_delta AS (
    tenant_id uuid, day date, product_id uuid, brand text, size text, units integer, revenue bigint);

-- Adds deltas; rows are upserted in key order so concurrent writers can't deadlock.
CREATE FUNCTION rdk.dash_apply_sales(p_deltas rdk.dash_sales_delta[]) RETURNS void
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
    -- One small notification per shop and statement: which days changed.
    FOR r IN SELECT d.tenant_id, min(d.day) AS first_day, max(d.day) AS last_day
               FROM unnest(p_deltas) d GROUP BY d.tenant_id LOOP
        PERFORM pg_notify('rdk_dashboard', json_build_object('tenant', r.tenant_id, 'what', 'sales',
                                                             'from', r.first_day, 'to', r.last_day)::text);
    END LOOP;
END
$$;

CREATE FUNCTION rdk.dash_apply_items(p_deltas rdk.dash_item_delta[]) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
BEGIN
    IF p_deltas IS NULL OR cardinality(p_deltas) = 0 THEN
        RETURN;
    END IF;
    INSERT INTO public.product_sales_daily AS s (tenant_id, day, product_id, slot, units, revenue_minor)
    SELECT d.tenant_id, d.day, d.product_id, (pg_backend_pid() % 8)::smallint, sum(d.units), sum(d.revenue)
      FROM unnest(p_deltas) d GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (tenant_id, day, product_id, slot) DO UPDATE
       SET units = s.units + EXCLUDED.units, revenue_minor = s.revenue_minor + EXCLUDED.revenue_minor;
    INSERT INTO public.product_sales_monthly AS s (tenant_id, month, product_id, slot, units, revenue_minor)
    SELECT d.tenant_id, date_trunc('month', d.day)::date, d.product_id, (pg_backend_pid() % 8)::smallint, sum(d.units), sum(d.revenue)
      FROM unnest(p_deltas) d GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (tenant_id, month, product_id, slot) DO UPDATE
       SET units = s.units + EXCLUDED.units, revenue_minor = s.revenue_minor + EXCLUDED.revenue_minor;
    INSERT INTO public.brand_sales_daily AS s (tenant_id, day, brand, slot, units, revenue_minor)
    SELECT d.tenant_id, d.day, d.brand, (pg_backend_pid() % 8)::smallint, sum(d.units), sum(d.revenue)
      FROM unnest(p_deltas) d GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (tenant_id, day, brand, slot) DO UPDATE
       SET units = s.units + EXCLUDED.units, revenue_minor = s.revenue_minor + EXCLUDED.revenue_minor;
    INSERT INTO public.size_sales_daily AS s (tenant_id, day, size, slot, units, revenue_minor)
    SELECT d.tenant_id, d.day, d.size, (pg_backend_pid() % 8)::smallint, sum(d.units), sum(d.revenue)
      FROM unnest(p_deltas) d GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (tenant_id, day, size, slot) DO UPDATE
       SET units = s.units + EXCLUDED.units, revenue_minor = s.revenue_minor + EXCLUDED.revenue_minor;
END
$$;

-- ---------------------------------------------------------------------------------------
-- 3. Triggers (SECURITY DEFINER: they write tables no app role may write)
-- ---------------------------------------------------------------------------------------

-- New orders that are already paid (imports, the demo seeder, counter sales recorded paid).
-- Their units arrive with their items (items can't exist before their order), so none here.
CREATE FUNCTION rdk.dash_orders_inserted() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
DECLARE
    v_sales rdk.dash_sales_delta[];
BEGIN
    SELECT array_agg(ROW(n.tenant_id, (coalesce(n.paid_at, n.created_at) AT TIME ZONE t.timezone)::date, n.channel,
                         1, n.total_minor, n.refunded_minor, (n.refunded_minor > 0)::integer, 0)::rdk.dash_sales_delta)
      INTO v_sales
      FROM new_orders n JOIN public.tenants t ON t.id = n.tenant_id
     WHERE rdk.dash_counts(n.status);
    PERFORM rdk.dash_apply_sales(v_sales);
    RETURN NULL;
END
$$;
CREATE TRIGGER orders_dash_insert AFTER INSERT ON public.orders
    REFERENCING NEW TABLE AS new_orders FOR EACH STATEMENT EXECUTE FUNCTION rdk.dash_orders_inserted();

-- Paid, refunded (fully or partly), canceled, re-dated: take the old contribution out and
-- put the new one in, for the order and for each of its items.
CREATE FUNCTION rdk.dash_orders_updated() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
DECLARE
    v_sales rdk.dash_sales_delta[];
    v_items rdk.dash_item_delta[];
BEGIN
    WITH changed AS (
        SELECT o.tenant_id, o.id,
               rdk.dash_counts(o.status) AS old_counts, rdk.dash_counts(n.status) AS new_counts,
               o.status AS old_status, n.status AS new_status,
               (coalesce(o.paid_at, o.created_at) AT TIME ZONE t.timezone)::date AS old_day,
               (coalesce(n.paid_at, n.created_at) AT TIME ZONE t.timezone)::date AS new_day,
               o.channel AS old_channel, n.channel AS new_channel,
               o.total_minor AS old_total, n.total_minor AS new_total,
               o.refunded_minor AS old_refunded, n.refunded_minor AS new_refunded
          FROM old_orders o
          JOIN new_orders n ON n.id = o.id
          JOIN public.tenants t ON t.id = n.tenant_id
         WHERE (rdk.dash_counts(o.status) OR rdk.dash_counts(n.status))
           AND (o.status, o.paid_at, o.created_at, o.channel, o.total_minor, o.refunded_minor)
               IS DISTINCT FROM (n.status, n.paid_at, n.created_at, n.channel, n.total_minor, n.refunded_minor)
    ), units AS (
        SELECT c.id, coalesce(sum(i.quantity), 0)::integer AS units
          FROM changed c LEFT JOIN public.order_items i ON i.order_id = c.id GROUP BY c.id
    ), sales AS (
        SELECT ROW(c.tenant_id, c.old_day, c.old_channel, -1, -c.old_total, -c.old_refunded,
                   -(c.old_refunded > 0)::integer, -u.units)::rdk.dash_sales_delta AS d
          FROM changed c JOIN units u ON u.id = c.id WHERE c.old_counts
        UNION ALL
        SELECT ROW(c.tenant_id, c.new_day, c.new_channel, 1, c.new_total, c.new_refunded,
                   (c.new_refunded > 0)::integer, u.units)::rdk.dash_sales_delta
          FROM changed c JOIN units u ON u.id = c.id WHERE c.new_counts
    ), items AS (
        SELECT ROW(c.tenant_id, c.old_day, i.product_id, p.brand, coalesce(i.size, ''),
                   -rdk.dash_item_units(c.old_status, i.quantity, i.refunded_quantity),
                   -rdk.dash_item_revenue(c.old_status, i.quantity, i.refunded_quantity, i.line_total_minor))::rdk.dash_item_delta AS d
          FROM changed c JOIN public.order_items i ON i.order_id = c.id JOIN public.products p ON p.id = i.product_id
         WHERE c.old_counts
        UNION ALL
        SELECT ROW(c.tenant_id, c.new_day, i.product_id, p.brand, coalesce(i.size, ''),
                   rdk.dash_item_units(c.new_status, i.quantity, i.refunded_quantity),
                   rdk.dash_item_revenue(c.new_status, i.quantity, i.refunded_quantity, i.line_total_minor))::rdk.dash_item_delta
          FROM changed c JOIN public.order_items i ON i.order_id = c.id JOIN public.products p ON p.id = i.product_id
         WHERE c.new_counts
    )
    SELECT (SELECT array_agg(d) FROM sales), (SELECT array_agg(d) FROM items) INTO v_sales, v_items;
    PERFORM rdk.dash_apply_sales(v_sales);
    PERFORM rdk.dash_apply_items(v_items);
    RETURN NULL;
END
$$;
CREATE TRIGGER orders_dash_update AFTER UPDATE ON public.orders
    REFERENCING OLD TABLE AS old_orders NEW TABLE AS new_orders FOR EACH STATEMENT EXECUTE FUNCTION rdk.dash_orders_updated();

-- Items usually arrive while their order is pending (they count once it is paid); items added
-- to an order that already counts (imports, the seeders) count at once.
CREATE FUNCTION rdk.dash_items_inserted() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
DECLARE
    v_sales rdk.dash_sales_delta[];
    v_items rdk.dash_item_delta[];
BEGIN
    WITH counted AS (
        SELECT i.*, o.status, o.channel, (coalesce(o.paid_at, o.created_at) AT TIME ZONE t.timezone)::date AS day
          FROM new_items i
          JOIN public.orders o ON o.id = i.order_id
          JOIN public.tenants t ON t.id = o.tenant_id
         WHERE rdk.dash_counts(o.status)
    )
    SELECT (SELECT array_agg(ROW(c.tenant_id, c.day, c.channel, 0, 0, 0, 0, c.quantity)::rdk.dash_sales_delta) FROM counted c),
           (SELECT array_agg(ROW(c.tenant_id, c.day, c.product_id, p.brand, coalesce(c.size, ''),
                                 rdk.dash_item_units(c.status, c.quantity, c.refunded_quantity),
                                 rdk.dash_item_revenue(c.status, c.quantity, c.refunded_quantity, c.line_total_minor))::rdk.dash_item_delta)
              FROM counted c JOIN public.products p ON p.id = c.product_id)
      INTO v_sales, v_items;
    PERFORM rdk.dash_apply_sales(v_sales);
    PERFORM rdk.dash_apply_items(v_items);
    RETURN NULL;
END
$$;
CREATE TRIGGER order_items_dash_insert AFTER INSERT ON public.order_items
    REFERENCING NEW TABLE AS new_items FOR EACH STATEMENT EXECUTE FUNCTION rdk.dash_items_inserted();

-- Item refunds (refunded_quantity) and corrections, which only the owner can make today.
CREATE FUNCTION rdk.dash_items_updated() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
DECLARE
    v_sales rdk.dash_sales_delta[];
    v_items rdk.dash_item_delta[];
BEGIN
    WITH pairs AS (
        SELECT oi.tenant_id, o.status, o.channel, (coalesce(o.paid_at, o.created_at) AT TIME ZONE t.timezone)::date AS day,
               oi.product_id AS old_product, ni.product_id AS new_product, coalesce(oi.size, '') AS old_size,
               coalesce(ni.size, '') AS new_size, oi.quantity AS old_qty, ni.quantity AS new_qty,
               oi.refunded_quantity AS old_ref, ni.refunded_quantity AS new_ref,
               oi.line_total_minor AS old_total, ni.line_total_minor AS new_total
          FROM old_items oi
          JOIN new_items ni ON ni.id = oi.id
          JOIN public.orders o ON o.id = ni.order_id
          JOIN public.tenants t ON t.id = o.tenant_id
         WHERE rdk.dash_counts(o.status)
           AND (oi.product_id, oi.size, oi.quantity, oi.refunded_quantity, oi.line_total_minor)
               IS DISTINCT FROM (ni.product_id, ni.size, ni.quantity, ni.refunded_quantity, ni.line_total_minor)
    ), items AS (
        SELECT ROW(x.tenant_id, x.day, x.old_product, p.brand, x.old_size, -rdk.dash_item_units(x.status, x.old_qty, x.old_ref),
                   -rdk.dash_item_revenue(x.status, x.old_qty, x.old_ref, x.old_total))::rdk.dash_item_delta AS d
          FROM pairs x JOIN public.products p ON p.id = x.old_product
        UNION ALL
        SELECT ROW(x.tenant_id, x.day, x.new_product, p.brand, x.new_size, rdk.dash_item_units(x.status, x.new_qty, x.new_ref),
                   rdk.dash_item_revenue(x.status, x.new_qty, x.new_ref, x.new_total))::rdk.dash_item_delta
          FROM pairs x JOIN public.products p ON p.id = x.new_product
    )
    SELECT (SELECT array_agg(ROW(x.tenant_id, x.day, x.channel, 0, 0, 0, 0, x.new_qty - x.old_qty)::rdk.dash_sales_delta) FROM pairs x),
           (SELECT array_agg(d) FROM items)
      INTO v_sales, v_items;
    PERFORM rdk.dash_apply_sales(v_sales);
    PERFORM rdk.dash_apply_items(v_items);
    RETURN NULL;
END
$$;
CREATE TRIGGER order_items_dash_update AFTER UPDATE ON public.order_items
    REFERENCING OLD TABLE AS old_items NEW TABLE AS new_items FOR EACH STATEMENT EXECUTE FUNCTION rdk.dash_items_updated();

CREATE FUNCTION rdk.dash_page_views_inserted() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
BEGIN
    WITH v AS (
        SELECT n.tenant_id, (n.viewed_at AT TIME ZONE t.timezone)::date AS day, n.visitor_hash
          FROM new_views n JOIN public.tenants t ON t.id = n.tenant_id
    ), first_seen AS (
        INSERT INTO public.visitor_days (tenant_id, day, visitor_hash)
        SELECT DISTINCT v.tenant_id, v.day, v.visitor_hash FROM v ORDER BY 1, 2, 3
        ON CONFLICT DO NOTHING
        RETURNING tenant_id, day
    ), per_day AS (
        SELECT v.tenant_id, v.day, count(*) AS views, 0 AS visitors FROM v GROUP BY 1, 2
        UNION ALL
        SELECT f.tenant_id, f.day, 0, count(*) FROM first_seen f GROUP BY 1, 2
    )
    INSERT INTO public.visits_daily AS s (tenant_id, day, slot, page_views, visitors)
    SELECT p.tenant_id, p.day, (pg_backend_pid() % 8)::smallint, sum(p.views), sum(p.visitors)
      FROM per_day p GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (tenant_id, day, slot) DO UPDATE
       SET page_views = s.page_views + EXCLUDED.page_views, visitors = s.visitors + EXCLUDED.visitors;
    RETURN NULL;
END
$$;
CREATE TRIGGER page_views_dash_insert AFTER INSERT ON public.page_views
    REFERENCING NEW TABLE AS new_views FOR EACH STATEMENT EXECUTE FUNCTION rdk.dash_page_views_inserted();

-- ---------------------------------------------------------------------------------------
-- 4. The same figures straight from raw rows (rebuild and checks; scans: owner only)
-- ---------------------------------------------------------------------------------------
CREATE FUNCTION rdk.dash_expected_sales(p_tenant uuid)
RETURNS TABLE (day date, channel text, orders integer, gross_minor bigint, refunded_minor bigint,
               refunded_orders integer, units integer)
LANGUAGE sql STABLE
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
    SELECT (coalesce(o.paid_at, o.created_at) AT TIME ZONE t.timezone)::date, o.channel,
           count(*)::integer, sum(o.total_minor)::bigint, sum(o.refunded_minor)::bigint,
           count(*) FILTER (WHERE o.refunded_minor > 0)::integer,
           coalesce(sum((SELECT sum(i.quantity) FROM public.order_items i WHERE i.order_id = o.id)), 0)::integer
      FROM public.orders o JOIN public.tenants t ON t.id = o.tenant_id
     WHERE o.tenant_id = p_tenant AND rdk.dash_counts(o.status)
     GROUP BY 1, 2
$$;

-- kind: product | product_month (day = first of the month) | brand | size; key: the product
-- id, brand or size ('' = no size).
CREATE FUNCTION rdk.dash_expected_items(p_tenant uuid)
RETURNS TABLE (kind text, day date, key text, units integer, revenue_minor bigint)
LANGUAGE sql STABLE
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
    WITH x AS (
        SELECT (coalesce(o.paid_at, o.created_at) AT TIME ZONE t.timezone)::date AS day, i.product_id, p.brand,
               coalesce(i.size, '') AS size,
               rdk.dash_item_units(o.status, i.quantity, i.refunded_quantity) AS units,
               rdk.dash_item_revenue(o.status, i.quantity, i.refunded_quantity, i.line_total_minor) AS revenue
          FROM public.order_items i
          JOIN public.orders o ON o.id = i.order_id
          JOIN public.tenants t ON t.id = o.tenant_id
          JOIN public.products p ON p.id = i.product_id
         WHERE o.tenant_id = p_tenant AND rdk.dash_counts(o.status)
    )
    SELECT 'product', day, product_id::text, sum(units)::integer, sum(revenue)::bigint FROM x GROUP BY day, product_id
    UNION ALL
    SELECT 'product_month', date_trunc('month', day)::date, product_id::text, sum(units)::integer, sum(revenue)::bigint
      FROM x GROUP BY 2, product_id
    UNION ALL
    SELECT 'brand', day, brand, sum(units)::integer, sum(revenue)::bigint FROM x GROUP BY day, brand
    UNION ALL
    SELECT 'size', day, size, sum(units)::integer, sum(revenue)::bigint FROM x GROUP BY day, size
$$;

CREATE FUNCTION rdk.dash_expected_visits(p_tenant uuid)
RETURNS TABLE (day date, page_views bigint, visitors integer)
LANGUAGE sql STABLE
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
    SELECT (v.viewed_at AT TIME ZONE t.timezone)::date, count(*)::bigint, count(DISTINCT v.visitor_hash)::integer
      FROM public.page_views v JOIN public.tenants t ON t.id = v.tenant_id
     WHERE v.tenant_id = p_tenant
     GROUP BY 1
$$;

-- ---------------------------------------------------------------------------------------
-- 5. Privileges and row-level security: staff, ops and admins of the shop read; only the
--    triggers (as the owner) write.
-- ---------------------------------------------------------------------------------------
REVOKE ALL ON FUNCTION rdk.dash_counts(text), rdk.dash_item_units(text, integer, integer),
                       rdk.dash_item_revenue(text, integer, integer, bigint),
                       rdk.dash_apply_sales(rdk.dash_sales_delta[]), rdk.dash_apply_items(rdk.dash_item_delta[]),
                       rdk.dash_orders_inserted(), rdk.dash_orders_updated(), rdk.dash_items_inserted(),
                       rdk.dash_items_updated(), rdk.dash_page_views_inserted(),
                       rdk.dash_expected_sales(uuid), rdk.dash_expected_items(uuid), rdk.dash_expected_visits(uuid)
    FROM PUBLIC;

ALTER TABLE sales_daily ENABLE ROW LEVEL SECURITY;
ALTER TABLE product_sales_daily ENABLE ROW LEVEL SECURITY;
ALTER TABLE product_sales_monthly ENABLE ROW LEVEL SECURITY;
ALTER TABLE brand_sales_daily ENABLE ROW LEVEL SECURITY;
ALTER TABLE size_sales_daily ENABLE ROW LEVEL SECURITY;
ALTER TABLE visits_daily ENABLE ROW LEVEL SECURITY;
ALTER TABLE visitor_days ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON sales_daily, product_sales_daily, product_sales_monthly, brand_sales_daily, size_sales_daily, visits_daily, visitor_days FROM PUBLIC;

GRANT SELECT ON sales_daily, product_sales_daily, product_sales_monthly, brand_sales_daily, size_sales_daily, visits_daily
    TO rdk_staff, rdk_ops, rdk_admin;
CREATE POLICY sales_daily_select ON sales_daily FOR SELECT TO rdk_staff, rdk_ops, rdk_admin
    USING (tenant_id = (SELECT rdk.current_tenant()));
CREATE POLICY product_sales_daily_select ON product_sales_daily FOR SELECT TO rdk_staff, rdk_ops, rdk_admin
    USING (tenant_id = (SELECT rdk.current_tenant()));
CREATE POLICY product_sales_monthly_select ON product_sales_monthly FOR SELECT TO rdk_staff, rdk_ops, rdk_admin
    USING (tenant_id = (SELECT rdk.current_tenant()));
CREATE POLICY brand_sales_daily_select ON brand_sales_daily FOR SELECT TO rdk_staff, rdk_ops, rdk_admin
    USING (tenant_id = (SELECT rdk.current_tenant()));
CREATE POLICY size_sales_daily_select ON size_sales_daily FOR SELECT TO rdk_staff, rdk_ops, rdk_admin
    USING (tenant_id = (SELECT rdk.current_tenant()));
CREATE POLICY visits_daily_select ON visits_daily FOR SELECT TO rdk_staff, rdk_ops, rdk_admin
    USING (tenant_id = (SELECT rdk.current_tenant()));
