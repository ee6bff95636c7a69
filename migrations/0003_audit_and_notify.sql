-- Audit trail and change notifications, both by triggers so no client can skip them.
--
-- Audit rows: who (session_user and their profile), what (entity, id, action), the changed
-- columns before and after, and why (the rdk.reason setting of the transaction, e.g.
-- 'received', 'damaged', 'count_correction', 'sold'). audit_log is append-only for every
-- role, the owner included. Orders are audited for status and refund changes only, never
-- with customer e-mail, shipping address or any other personal data.
--
-- Notifications: 'rdk_catalog' for products, inventory and product images (the storefront
-- invalidates exactly the pages of that product), 'rdk_orders' for new orders and status
-- changes (the POS screen flips to PAID live). Payloads are small JSON objects.

-- ---------------------------------------------------------------------------------------
-- 1. Audit helpers
-- ---------------------------------------------------------------------------------------

-- The keys of p_a whose values differ in p_b, minus p_exclude (p_a restricted to the change).
CREATE FUNCTION rdk.jsonb_changed(p_a jsonb, p_b jsonb, p_exclude text[]) RETURNS jsonb
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
    SELECT coalesce(jsonb_object_agg(a.key, a.value), '{}'::jsonb)
      FROM jsonb_each(p_a) AS a
     WHERE NOT (a.key = ANY (coalesce(p_exclude, '{}')))
       AND (p_b -> a.key) IS DISTINCT FROM a.value
$$;

CREATE FUNCTION rdk.audit_write(p_tenant uuid, p_action text, p_entity text, p_entity_id text,
                                p_before jsonb, p_after jsonb) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
BEGIN
    INSERT INTO public.audit_log (tenant_id, actor, actor_profile_id, action, entity, entity_id, before, after, reason, at)
    VALUES (p_tenant, session_user,
            (SELECT p.id FROM public.profiles p WHERE p.db_role = session_user),
            p_action, p_entity, p_entity_id, p_before, p_after,
            left(nullif(btrim(current_setting('rdk.reason', true)), ''), 200),
            now());
END
$$;

-- ---------------------------------------------------------------------------------------
-- 2. Audit triggers (SECURITY DEFINER: they insert into audit_log, which no app role may)
-- ---------------------------------------------------------------------------------------
CREATE FUNCTION rdk.audit_products() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
DECLARE
    ignored constant text[] := ARRAY['search_text', 'updated_at', 'version', 'created_at'];
    v_before jsonb;
    v_after jsonb;
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM rdk.audit_write(NEW.tenant_id, 'insert', 'product', NEW.id::text, NULL,
                                rdk.jsonb_changed(to_jsonb(NEW), '{}'::jsonb, ignored));
        RETURN NULL;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM rdk.audit_write(OLD.tenant_id, 'delete', 'product', OLD.id::text,
                                rdk.jsonb_changed(to_jsonb(OLD), '{}'::jsonb, ignored), NULL);
        RETURN NULL;
    END IF;
    v_before := rdk.jsonb_changed(to_jsonb(OLD), to_jsonb(NEW), ignored);
    IF v_before = '{}'::jsonb THEN
        RETURN NULL;  -- nothing that matters changed
    END IF;
    v_after := rdk.jsonb_changed(to_jsonb(NEW), to_jsonb(OLD), ignored);
    PERFORM rdk.audit_write(NEW.tenant_id, 'update', 'product', NEW.id::text, v_before, v_after);
    RETURN NULL;
END
$$;
CREATE TRIGGER products_audit AFTER INSERT OR UPDATE OR DELETE ON public.products
    FOR EACH ROW EXECUTE FUNCTION rdk.audit_products();

CREATE FUNCTION rdk.audit_inventory() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM rdk.audit_write(NEW.tenant_id, 'insert', 'inventory', NEW.id::text, NULL,
                                jsonb_build_object('product_id', NEW.product_id, 'size', NEW.size,
                                                   'quantity', NEW.quantity, 'reserved', NEW.reserved));
        RETURN NULL;
    END IF;
    IF OLD.quantity IS NOT DISTINCT FROM NEW.quantity AND OLD.reserved IS NOT DISTINCT FROM NEW.reserved THEN
        RETURN NULL;
    END IF;
    PERFORM rdk.audit_write(NEW.tenant_id, 'update', 'inventory', NEW.id::text,
                            jsonb_build_object('quantity', OLD.quantity, 'reserved', OLD.reserved),
                            jsonb_build_object('quantity', NEW.quantity, 'reserved', NEW.reserved,
                                               'product_id', NEW.product_id, 'size', NEW.size));
    RETURN NULL;
END
$$;
CREATE TRIGGER inventory_audit AFTER INSERT OR UPDATE OF quantity, reserved ON public.inventory
    FOR EACH ROW EXECUTE FUNCTION rdk.audit_inventory();

CREATE FUNCTION rdk.audit_profiles() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
DECLARE
    watched constant text[] := ARRAY['role', 'active', 'twofa_enabled'];
    v_old jsonb;
    v_new jsonb;
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM rdk.audit_write(NEW.tenant_id, 'insert', 'profile', NEW.id::text, NULL,
                                jsonb_build_object('db_role', NEW.db_role, 'display_name', NEW.display_name,
                                                   'role', NEW.role, 'active', NEW.active,
                                                   'twofa_enabled', NEW.twofa_enabled));
        RETURN NULL;
    END IF;
    SELECT jsonb_object_agg(key, value) INTO v_old FROM jsonb_each(to_jsonb(OLD)) WHERE key = ANY (watched);
    SELECT jsonb_object_agg(key, value) INTO v_new FROM jsonb_each(to_jsonb(NEW)) WHERE key = ANY (watched);
    IF v_old = v_new THEN
        RETURN NULL;
    END IF;
    PERFORM rdk.audit_write(NEW.tenant_id, 'update', 'profile', NEW.id::text,
                            rdk.jsonb_changed(v_old, v_new, NULL) || jsonb_build_object('db_role', OLD.db_role),
                            rdk.jsonb_changed(v_new, v_old, NULL) || jsonb_build_object('db_role', NEW.db_role));
    RETURN NULL;
END
$$;
CREATE TRIGGER profiles_audit AFTER INSERT OR UPDATE ON public.profiles
    FOR EACH ROW EXECUTE FUNCTION rdk.audit_profiles();

-- Status and refund changes only. The row's personal data (customer_email,
-- shipping_address, ...) never reaches the audit log.
CREATE FUNCTION rdk.audit_orders() RETURNS trigger
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
    IF v_after = '{}'::jsonb THEN
        RETURN NULL;
    END IF;
    PERFORM rdk.audit_write(NEW.tenant_id,
                            CASE WHEN v_before ? 'status' THEN 'status' ELSE 'update' END,
                            'order', NEW.id::text, v_before,
                            v_after || jsonb_build_object('order_number', NEW.order_number, 'channel', NEW.channel));
    RETURN NULL;
END
$$;
CREATE TRIGGER orders_audit AFTER UPDATE OF status, refunded_minor ON public.orders
    FOR EACH ROW EXECUTE FUNCTION rdk.audit_orders();

CREATE FUNCTION rdk.audit_tenants() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
DECLARE
    ignored constant text[] := ARRAY['updated_at', 'created_at'];
    v_before jsonb := rdk.jsonb_changed(to_jsonb(OLD), to_jsonb(NEW), ignored);
BEGIN
    IF v_before = '{}'::jsonb THEN
        RETURN NULL;
    END IF;
    PERFORM rdk.audit_write(NEW.id, 'update', 'tenant', NEW.id::text, v_before,
                            rdk.jsonb_changed(to_jsonb(NEW), to_jsonb(OLD), ignored));
    RETURN NULL;
END
$$;
CREATE TRIGGER tenants_audit AFTER UPDATE ON public.tenants
    FOR EACH ROW EXECUTE FUNCTION rdk.audit_tenants();

-- ---------------------------------------------------------------------------------------
-- 3. audit_log is append-only, for everyone
-- ---------------------------------------------------------------------------------------
CREATE FUNCTION rdk.audit_log_immutable() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP USING ERRCODE = '42501';
END
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON public.audit_log
    FOR EACH ROW EXECUTE FUNCTION rdk.audit_log_immutable();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON public.audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION rdk.audit_log_immutable();

REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON public.audit_log
    FROM PUBLIC, rdk_staff, rdk_ops, rdk_admin, rdk_sync;
-- The owner keeps INSERT (the SECURITY DEFINER triggers above write as the owner) and
-- gives up the rest of its implicit rights on the table.
DO $$
BEGIN
    EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON public.audit_log FROM %I', current_user);
END $$;

-- ---------------------------------------------------------------------------------------
-- 4. Notifications
-- ---------------------------------------------------------------------------------------
CREATE FUNCTION rdk.notify_catalog() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER  -- reads products.sku, which the service may not see
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
DECLARE
    v_row record;
    v_entity text;
    v_product uuid;
    v_sku text;
BEGIN
    IF TG_OP = 'DELETE' THEN
        v_row := OLD;
    ELSE
        v_row := NEW;
    END IF;
    IF TG_TABLE_NAME = 'products' THEN
        v_entity := 'product';
        v_product := v_row.id;
        v_sku := v_row.sku;
    ELSE
        v_entity := CASE TG_TABLE_NAME WHEN 'inventory' THEN 'inventory' ELSE 'image' END;
        v_product := v_row.product_id;
        SELECT p.sku INTO v_sku FROM public.products p WHERE p.id = v_row.product_id;
    END IF;
    PERFORM pg_notify('rdk_catalog', json_build_object('tenant', v_row.tenant_id, 'entity', v_entity,
                                                       'id', v_product, 'sku', v_sku)::text);
    RETURN NULL;
END
$$;
CREATE TRIGGER products_notify AFTER INSERT OR UPDATE OR DELETE ON public.products
    FOR EACH ROW EXECUTE FUNCTION rdk.notify_catalog();
CREATE TRIGGER inventory_notify AFTER INSERT OR UPDATE OR DELETE ON public.inventory
    FOR EACH ROW EXECUTE FUNCTION rdk.notify_catalog();
CREATE TRIGGER product_images_notify AFTER INSERT OR UPDATE OR DELETE ON public.product_images
    FOR EACH ROW EXECUTE FUNCTION rdk.notify_catalog();

CREATE FUNCTION rdk.notify_orders() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.status IS NOT DISTINCT FROM NEW.status THEN
        RETURN NULL;
    END IF;
    PERFORM pg_notify('rdk_orders', json_build_object('tenant', NEW.tenant_id, 'order_id', NEW.id,
                                                      'status', NEW.status, 'channel', NEW.channel)::text);
    RETURN NULL;
END
$$;
CREATE TRIGGER orders_notify AFTER INSERT OR UPDATE OF status ON public.orders
    FOR EACH ROW EXECUTE FUNCTION rdk.notify_orders();

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA rdk FROM PUBLIC;
