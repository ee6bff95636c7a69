-- Module notify: Change notices on private per-shop channels (ADR 0010): wake-ups only.
-- Re-runnable: applied whole, in one transaction, whenever this file's checksum changes.
-- This file is the one place to change these functions (ADR 0011); keep each GRANT next to its function.

-- rdk.notify_catalog()
CREATE OR REPLACE FUNCTION rdk.notify_catalog()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
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
$function$;
REVOKE ALL ON FUNCTION rdk.notify_catalog() FROM PUBLIC;

-- rdk.notify_orders()
CREATE OR REPLACE FUNCTION rdk.notify_orders()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.status IS NOT DISTINCT FROM NEW.status THEN
        RETURN NULL;
    END IF;
    PERFORM pg_notify(rdk.tenant_channel(NEW.tenant_id, 'orders'), json_build_object('order_id', NEW.id)::text);
    RETURN NULL;
END
$function$;
REVOKE ALL ON FUNCTION rdk.notify_orders() FROM PUBLIC;

-- rdk.notify_stripe_requests()
CREATE OR REPLACE FUNCTION rdk.notify_stripe_requests()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.state IS NOT DISTINCT FROM NEW.state THEN
        RETURN NULL;
    END IF;
    PERFORM pg_notify(rdk.tenant_channel(NEW.tenant_id, 'stripe_requests'),
                      json_build_object('order_id', NEW.order_id)::text);
    RETURN NULL;
END
$function$;
REVOKE ALL ON FUNCTION rdk.notify_stripe_requests() FROM PUBLIC;

-- rdk.tenant_channel(uuid,text)
CREATE OR REPLACE FUNCTION rdk.tenant_channel(p_tenant uuid, p_kind text)
 RETURNS text
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
BEGIN
    -- plpgsql, not sql: see rdk.is_service() (ADR 0028).
    RETURN (SELECT 'rdk_' || p_kind || '_' || t.notify_key FROM public.tenants t WHERE t.id = p_tenant);
END
$function$;
REVOKE ALL ON FUNCTION rdk.tenant_channel(uuid,text) FROM PUBLIC;

-- rdk.notify_channel(text)
CREATE OR REPLACE FUNCTION rdk.notify_channel(p_kind text)
 RETURNS text
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
BEGIN
    IF p_kind IS NULL OR p_kind NOT IN ('catalog', 'orders', 'stripe_requests', 'dashboard', 'mail') THEN
        RAISE EXCEPTION 'No notification channel of kind "%".', p_kind USING ERRCODE = '22023';
    END IF;
    RETURN rdk.tenant_channel((SELECT rdk.current_tenant()), p_kind);
END
$function$;
COMMENT ON FUNCTION rdk.notify_channel(text) IS 'Name of the caller''s shop''s channel for catalog | orders | stripe_requests | dashboard | mail changes, or NULL';
REVOKE ALL ON FUNCTION rdk.notify_channel(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.notify_channel(text) TO rdk_admin, rdk_ops, rdk_staff, rdk_sync;

-- Triggers that call the functions above.
CREATE OR REPLACE TRIGGER inventory_notify AFTER INSERT OR DELETE OR UPDATE ON public.inventory FOR EACH ROW EXECUTE FUNCTION rdk.notify_catalog();
CREATE OR REPLACE TRIGGER orders_notify AFTER INSERT OR UPDATE OF status ON public.orders FOR EACH ROW EXECUTE FUNCTION rdk.notify_orders();
CREATE OR REPLACE TRIGGER product_images_notify AFTER INSERT OR DELETE OR UPDATE ON public.product_images FOR EACH ROW EXECUTE FUNCTION rdk.notify_catalog();
CREATE OR REPLACE TRIGGER products_notify AFTER INSERT OR DELETE OR UPDATE ON public.products FOR EACH ROW EXECUTE FUNCTION rdk.notify_catalog();
CREATE OR REPLACE TRIGGER stripe_requests_notify AFTER INSERT OR UPDATE OF state ON public.stripe_requests FOR EACH ROW EXECUTE FUNCTION rdk.notify_stripe_requests();
