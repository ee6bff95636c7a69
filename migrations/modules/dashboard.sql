-- Module dashboard: Dashboard aggregates kept by triggers, and their expected values for the repair check.
-- Re-runnable: applied whole, in one transaction, whenever this file's checksum changes.
-- This file is the one place to change these functions (ADR 0011); keep each GRANT next to its function.

-- rdk.dash_counts(text)
CREATE OR REPLACE FUNCTION rdk.dash_counts(p_status text)
 RETURNS boolean
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
BEGIN
    -- plpgsql, not sql: see rdk.is_service() (ADR 0028).
    RETURN p_status IN ('paid', 'shipped', 'fulfilled', 'partially_refunded', 'refunded');
END
$function$;
REVOKE ALL ON FUNCTION rdk.dash_counts(text) FROM PUBLIC;

-- rdk.dash_item_units(text,integer,integer)
CREATE OR REPLACE FUNCTION rdk.dash_item_units(p_status text, p_quantity integer, p_refunded integer)
 RETURNS integer
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
BEGIN
    -- plpgsql, not sql: see rdk.is_service() (ADR 0028).
    RETURN CASE WHEN p_status = 'refunded' THEN 0 ELSE p_quantity - p_refunded END;
END
$function$;
REVOKE ALL ON FUNCTION rdk.dash_item_units(text,integer,integer) FROM PUBLIC;

-- rdk.dash_item_revenue(text,integer,integer,bigint)
CREATE OR REPLACE FUNCTION rdk.dash_item_revenue(p_status text, p_quantity integer, p_refunded integer, p_line_total bigint)
 RETURNS bigint
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
BEGIN
    -- plpgsql, not sql: see rdk.is_service() (ADR 0028).
    RETURN CASE WHEN p_status = 'refunded' THEN 0::bigint
                ELSE p_line_total * (p_quantity - p_refunded) / p_quantity END;
END
$function$;
REVOKE ALL ON FUNCTION rdk.dash_item_revenue(text,integer,integer,bigint) FROM PUBLIC;

-- rdk.dash_apply_sales(rdk.dash_sales_delta[])
CREATE OR REPLACE FUNCTION rdk.dash_apply_sales(p_deltas rdk.dash_sales_delta[])
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
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
$function$;
REVOKE ALL ON FUNCTION rdk.dash_apply_sales(rdk.dash_sales_delta[]) FROM PUBLIC;

-- rdk.dash_apply_items(rdk.dash_item_delta[])
CREATE OR REPLACE FUNCTION rdk.dash_apply_items(p_deltas rdk.dash_item_delta[])
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
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
$function$;
REVOKE ALL ON FUNCTION rdk.dash_apply_items(rdk.dash_item_delta[]) FROM PUBLIC;

-- rdk.dash_batch_tables_ours()
CREATE OR REPLACE FUNCTION rdk.dash_batch_tables_ours()
 RETURNS boolean
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
BEGIN
    -- Both tables of a dashboard batch exist in this session and belong to the role running
    -- these functions (the schema's owner), not to the session's own role.
    RETURN (SELECT count(*) = 2
              FROM pg_catalog.pg_class c
             WHERE c.oid IN (to_regclass('pg_temp.rdk_dash_batch'), to_regclass('pg_temp.rdk_dash_deltas'))
               AND pg_catalog.pg_get_userbyid(c.relowner) = current_user);
END
$function$;
REVOKE ALL ON FUNCTION rdk.dash_batch_tables_ours() FROM PUBLIC;

-- rdk.dash_batch_begin()
-- Payments applied as one list (rdk.apply_payment_events) write the dashboard once for the
-- list rather than once per payment (ADR 0032): between rdk.dash_batch_begin() and
-- rdk.dash_batch_end() the orders trigger puts its deltas aside (rdk.dash_put_aside), and the
-- end applies them all in one pass. What is put aside lives in two temporary tables of the
-- session that only the schema's owner may read or write. The caller puts the batch's random
-- token (the answer; NULL: no batch) in the setting rdk.dash_batch, which must be set by the
-- caller: a function with SET clauses, like this one, takes its SET LOCALs back on return. A
-- batch is open only while its token is also a row of those tables: any role may set the
-- setting, but a session that sets it itself holds no such row, so its changes still reach the
-- dashboard at once, and nobody but these functions can add to or remove from a batch.
CREATE OR REPLACE FUNCTION rdk.dash_batch_begin()
 RETURNS text
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_token text := gen_random_uuid()::text;
BEGIN
    -- A database whose operator took the right to make temporary tables from this role: the
    -- payments keep writing the dashboard one by one.
    IF NOT has_database_privilege(current_database(), 'TEMPORARY') THEN
        RETURN NULL;
    END IF;
    -- No index and no ON COMMIT action: a batch's rows are deleted by its end (or vanish with
    -- its transaction), and truncating at every commit cost more than the batch saved.
    IF to_regclass('pg_temp.rdk_dash_batch') IS NULL THEN
        CREATE TEMPORARY TABLE rdk_dash_batch (token text NOT NULL);
    END IF;
    IF to_regclass('pg_temp.rdk_dash_deltas') IS NULL THEN
        CREATE TEMPORARY TABLE rdk_dash_deltas (sales rdk.dash_sales_delta[], items rdk.dash_item_delta[]);
    END IF;
    IF NOT rdk.dash_batch_tables_ours() THEN
        RAISE EXCEPTION 'This session''s dashboard batch tables belong to another role.' USING ERRCODE = '42501';
    END IF;
    INSERT INTO pg_temp.rdk_dash_batch (token) VALUES (v_token);
    RETURN v_token;
END
$function$;
REVOKE ALL ON FUNCTION rdk.dash_batch_begin() FROM PUBLIC;

-- rdk.dash_put_aside(rdk.dash_sales_delta[],rdk.dash_item_delta[])
CREATE OR REPLACE FUNCTION rdk.dash_put_aside(p_sales rdk.dash_sales_delta[], p_items rdk.dash_item_delta[])
 RETURNS boolean
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_token text := current_setting('rdk.dash_batch', true);
    v_batch regclass;
BEGIN
    -- True when a batch of rdk.dash_batch_begin() is open and took the deltas; false when the
    -- caller must apply them now. Per payment, so only the token's table is checked for its
    -- owner: when it is the owner's, rdk.dash_batch_begin() made or checked both in this session.
    IF coalesce(v_token, '') = '' THEN
        RETURN false;
    END IF;
    v_batch := to_regclass('pg_temp.rdk_dash_batch');
    IF v_batch IS NULL OR NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class c
                                       WHERE c.oid = v_batch AND pg_catalog.pg_get_userbyid(c.relowner) = current_user) THEN
        RETURN false;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_temp.rdk_dash_batch b WHERE b.token = v_token) THEN
        RETURN false;
    END IF;
    INSERT INTO pg_temp.rdk_dash_deltas (sales, items) VALUES (p_sales, p_items);
    RETURN true;
END
$function$;
REVOKE ALL ON FUNCTION rdk.dash_put_aside(rdk.dash_sales_delta[],rdk.dash_item_delta[]) FROM PUBLIC;

-- rdk.dash_batch_end(text)
CREATE OR REPLACE FUNCTION rdk.dash_batch_end(p_token text)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_sales rdk.dash_sales_delta[];
    v_items rdk.dash_item_delta[];
BEGIN
    -- Closes the batch rdk.dash_batch_begin() opened (the caller has cleared rdk.dash_batch)
    -- and applies what it put aside, in one pass per dashboard table (rdk.dash_apply_sales and
    -- rdk.dash_apply_items sum the deltas by row).
    IF p_token IS NULL THEN
        RETURN;
    END IF;
    DELETE FROM pg_temp.rdk_dash_batch b WHERE b.token = p_token;
    SELECT (SELECT array_agg(x) FROM pg_temp.rdk_dash_deltas d, unnest(d.sales) x),
           (SELECT array_agg(x) FROM pg_temp.rdk_dash_deltas d, unnest(d.items) x)
      INTO v_sales, v_items;
    DELETE FROM pg_temp.rdk_dash_deltas;
    PERFORM rdk.dash_apply_sales(v_sales);
    PERFORM rdk.dash_apply_items(v_items);
END
$function$;
REVOKE ALL ON FUNCTION rdk.dash_batch_end(text) FROM PUBLIC;

-- rdk.dash_orders_inserted()
CREATE OR REPLACE FUNCTION rdk.dash_orders_inserted()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
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
$function$;
REVOKE ALL ON FUNCTION rdk.dash_orders_inserted() FROM PUBLIC;

-- rdk.dash_orders_updated()
-- A row trigger whose WHEN clause lets through only the updates that move a counted order
-- (ADR 0028): every other UPDATE of orders (a checkout session attached, a review flag, a
-- tracking number) no longer pays for transition tables and an empty pass. Bulk changes of
-- counted orders are rare (one order at a time: payment, refund, shipping); inserts keep the
-- statement trigger, which bulk loads need.
CREATE OR REPLACE FUNCTION rdk.dash_orders_updated()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_old boolean := rdk.dash_counts(OLD.status);
    v_new boolean := rdk.dash_counts(NEW.status);
    v_sales rdk.dash_sales_delta[];
    v_items rdk.dash_item_delta[];
BEGIN
    WITH days AS (
        SELECT (coalesce(OLD.paid_at, OLD.created_at) AT TIME ZONE t.timezone)::date AS old_day,
               (coalesce(NEW.paid_at, NEW.created_at) AT TIME ZONE t.timezone)::date AS new_day
          FROM public.tenants t WHERE t.id = NEW.tenant_id
    ), lines AS (
        SELECT i.product_id, p.brand, coalesce(i.size, '') AS size, i.quantity, i.refunded_quantity, i.line_total_minor
          FROM public.order_items i JOIN public.products p ON p.id = i.product_id
         WHERE i.order_id = NEW.id
    ), units AS (
        SELECT coalesce(sum(i.quantity), 0)::integer AS units FROM public.order_items i WHERE i.order_id = NEW.id
    ), sales AS (
        SELECT ROW(OLD.tenant_id, d.old_day, OLD.channel, -1, -OLD.total_minor, -OLD.refunded_minor,
                   -(OLD.refunded_minor > 0)::integer, -u.units)::rdk.dash_sales_delta AS x
          FROM days d, units u WHERE v_old
        UNION ALL
        SELECT ROW(OLD.tenant_id, d.new_day, NEW.channel, 1, NEW.total_minor, NEW.refunded_minor,
                   (NEW.refunded_minor > 0)::integer, u.units)::rdk.dash_sales_delta
          FROM days d, units u WHERE v_new
    ), items AS (
        SELECT ROW(OLD.tenant_id, d.old_day, l.product_id, l.brand, l.size,
                   -rdk.dash_item_units(OLD.status, l.quantity, l.refunded_quantity),
                   -rdk.dash_item_revenue(OLD.status, l.quantity, l.refunded_quantity, l.line_total_minor))::rdk.dash_item_delta AS x
          FROM days d, lines l WHERE v_old
        UNION ALL
        SELECT ROW(OLD.tenant_id, d.new_day, l.product_id, l.brand, l.size,
                   rdk.dash_item_units(NEW.status, l.quantity, l.refunded_quantity),
                   rdk.dash_item_revenue(NEW.status, l.quantity, l.refunded_quantity, l.line_total_minor))::rdk.dash_item_delta
          FROM days d, lines l WHERE v_new
    )
    SELECT (SELECT array_agg(x) FROM sales), (SELECT array_agg(x) FROM items) INTO v_sales, v_items;
    -- Within a list of payments (rdk.dash_batch_begin) the list's end applies them together.
    IF NOT rdk.dash_put_aside(v_sales, v_items) THEN
        PERFORM rdk.dash_apply_sales(v_sales);
        PERFORM rdk.dash_apply_items(v_items);
    END IF;
    RETURN NULL;
END
$function$;
REVOKE ALL ON FUNCTION rdk.dash_orders_updated() FROM PUBLIC;

-- rdk.dash_items_inserted()
CREATE OR REPLACE FUNCTION rdk.dash_items_inserted()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
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
$function$;
REVOKE ALL ON FUNCTION rdk.dash_items_inserted() FROM PUBLIC;

-- rdk.dash_items_updated()
CREATE OR REPLACE FUNCTION rdk.dash_items_updated()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
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
$function$;
REVOKE ALL ON FUNCTION rdk.dash_items_updated() FROM PUBLIC;

-- rdk.dash_page_views_inserted()
CREATE OR REPLACE FUNCTION rdk.dash_page_views_inserted()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
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
$function$;
REVOKE ALL ON FUNCTION rdk.dash_page_views_inserted() FROM PUBLIC;

-- rdk.dash_expected_sales(uuid)
CREATE OR REPLACE FUNCTION rdk.dash_expected_sales(p_tenant uuid)
 RETURNS TABLE(day date, channel text, orders integer, gross_minor bigint, refunded_minor bigint, refunded_orders integer, units integer)
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
    SELECT (coalesce(o.paid_at, o.created_at) AT TIME ZONE t.timezone)::date, o.channel,
           count(*)::integer, sum(o.total_minor)::bigint, sum(o.refunded_minor)::bigint,
           count(*) FILTER (WHERE o.refunded_minor > 0)::integer,
           coalesce(sum((SELECT sum(i.quantity) FROM public.order_items i WHERE i.order_id = o.id)), 0)::integer
      FROM public.orders o JOIN public.tenants t ON t.id = o.tenant_id
     WHERE o.tenant_id = p_tenant AND rdk.dash_counts(o.status)
     GROUP BY 1, 2
$function$;
REVOKE ALL ON FUNCTION rdk.dash_expected_sales(uuid) FROM PUBLIC;

-- rdk.dash_expected_items(uuid)
CREATE OR REPLACE FUNCTION rdk.dash_expected_items(p_tenant uuid)
 RETURNS TABLE(kind text, day date, key text, units integer, revenue_minor bigint)
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
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
$function$;
REVOKE ALL ON FUNCTION rdk.dash_expected_items(uuid) FROM PUBLIC;

-- rdk.dash_expected_visits(uuid)
CREATE OR REPLACE FUNCTION rdk.dash_expected_visits(p_tenant uuid)
 RETURNS TABLE(day date, page_views bigint, visitors integer)
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
    SELECT (v.viewed_at AT TIME ZONE t.timezone)::date, count(*)::bigint, count(DISTINCT v.visitor_hash)::integer
      FROM public.page_views v JOIN public.tenants t ON t.id = v.tenant_id
     WHERE v.tenant_id = p_tenant
     GROUP BY 1
$function$;
REVOKE ALL ON FUNCTION rdk.dash_expected_visits(uuid) FROM PUBLIC;

-- Triggers that call the functions above.
CREATE OR REPLACE TRIGGER order_items_dash_insert AFTER INSERT ON public.order_items REFERENCING NEW TABLE AS new_items FOR EACH STATEMENT EXECUTE FUNCTION rdk.dash_items_inserted();
CREATE OR REPLACE TRIGGER order_items_dash_update AFTER UPDATE ON public.order_items REFERENCING OLD TABLE AS old_items NEW TABLE AS new_items FOR EACH STATEMENT EXECUTE FUNCTION rdk.dash_items_updated();
CREATE OR REPLACE TRIGGER orders_dash_insert AFTER INSERT ON public.orders REFERENCING NEW TABLE AS new_orders FOR EACH STATEMENT EXECUTE FUNCTION rdk.dash_orders_inserted();
CREATE OR REPLACE TRIGGER orders_dash_update AFTER UPDATE ON public.orders FOR EACH ROW WHEN (((rdk.dash_counts(old.status) OR rdk.dash_counts(new.status)) AND ((((((old.status IS DISTINCT FROM new.status) OR (old.paid_at IS DISTINCT FROM new.paid_at)) OR (old.created_at IS DISTINCT FROM new.created_at)) OR (old.channel IS DISTINCT FROM new.channel)) OR (old.total_minor IS DISTINCT FROM new.total_minor)) OR (old.refunded_minor IS DISTINCT FROM new.refunded_minor)))) EXECUTE FUNCTION rdk.dash_orders_updated();
CREATE OR REPLACE TRIGGER page_views_dash_insert AFTER INSERT ON public.page_views REFERENCING NEW TABLE AS new_views FOR EACH STATEMENT EXECUTE FUNCTION rdk.dash_page_views_inserted();
