-- Module audit: The append-only audit log and the triggers that write it.
-- Re-runnable: applied whole, in one transaction, whenever this file's checksum changes.
-- This file is the one place to change these functions (ADR 0011); keep each GRANT next to its function.

-- rdk.jsonb_changed(jsonb,jsonb,text[])
CREATE OR REPLACE FUNCTION rdk.jsonb_changed(p_a jsonb, p_b jsonb, p_exclude text[])
 RETURNS jsonb
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
    SELECT coalesce(jsonb_object_agg(a.key, a.value), '{}'::jsonb)
      FROM jsonb_each(p_a) AS a
     WHERE NOT (a.key = ANY (coalesce(p_exclude, '{}')))
       AND (p_b -> a.key) IS DISTINCT FROM a.value
$function$;
REVOKE ALL ON FUNCTION rdk.jsonb_changed(jsonb,jsonb,text[]) FROM PUBLIC;

-- rdk.audit_write(uuid,text,text,text,jsonb,jsonb)
CREATE OR REPLACE FUNCTION rdk.audit_write(p_tenant uuid, p_action text, p_entity text, p_entity_id text, p_before jsonb, p_after jsonb)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
BEGIN
    INSERT INTO public.audit_log (tenant_id, actor, actor_profile_id, action, entity, entity_id, before, after, reason, at)
    VALUES (p_tenant, session_user,
            (SELECT p.id FROM public.profiles p WHERE p.db_role = session_user),
            p_action, p_entity, p_entity_id, p_before, p_after,
            left(nullif(btrim(current_setting('rdk.reason', true)), ''), 200),
            now());
END
$function$;
REVOKE ALL ON FUNCTION rdk.audit_write(uuid,text,text,text,jsonb,jsonb) FROM PUBLIC;

-- rdk.audit_products()
CREATE OR REPLACE FUNCTION rdk.audit_products()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
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
$function$;
REVOKE ALL ON FUNCTION rdk.audit_products() FROM PUBLIC;

-- rdk.audit_inventory()
CREATE OR REPLACE FUNCTION rdk.audit_inventory()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM rdk.audit_write(NEW.tenant_id, 'insert', 'inventory', NEW.id::text, NULL,
                                jsonb_build_object('product_id', NEW.product_id, 'size', NEW.size,
                                                   'quantity', NEW.quantity, 'reserved', NEW.reserved)
                                  || CASE WHEN NEW.gtin IS NOT NULL THEN jsonb_build_object('gtin', NEW.gtin) ELSE '{}' END);
        RETURN NULL;
    END IF;
    IF OLD.quantity IS NOT DISTINCT FROM NEW.quantity AND OLD.reserved IS NOT DISTINCT FROM NEW.reserved
       AND OLD.gtin IS NOT DISTINCT FROM NEW.gtin THEN
        RETURN NULL;
    END IF;
    -- A relabelled box is audited with its old and new barcode (who moved which code where).
    PERFORM rdk.audit_write(NEW.tenant_id, 'update', 'inventory', NEW.id::text,
                            jsonb_build_object('quantity', OLD.quantity, 'reserved', OLD.reserved)
                              || CASE WHEN OLD.gtin IS DISTINCT FROM NEW.gtin THEN jsonb_build_object('gtin', OLD.gtin) ELSE '{}' END,
                            jsonb_build_object('quantity', NEW.quantity, 'reserved', NEW.reserved,
                                               'product_id', NEW.product_id, 'size', NEW.size)
                              || CASE WHEN OLD.gtin IS DISTINCT FROM NEW.gtin THEN jsonb_build_object('gtin', NEW.gtin) ELSE '{}' END);
    RETURN NULL;
END
$function$;
REVOKE ALL ON FUNCTION rdk.audit_inventory() FROM PUBLIC;

-- rdk.audit_profiles()
CREATE OR REPLACE FUNCTION rdk.audit_profiles()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
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
$function$;
REVOKE ALL ON FUNCTION rdk.audit_profiles() FROM PUBLIC;

-- rdk.audit_orders()
CREATE OR REPLACE FUNCTION rdk.audit_orders()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
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
$function$;
REVOKE ALL ON FUNCTION rdk.audit_orders() FROM PUBLIC;

-- rdk.audit_tenants()
CREATE OR REPLACE FUNCTION rdk.audit_tenants()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
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
$function$;
REVOKE ALL ON FUNCTION rdk.audit_tenants() FROM PUBLIC;

-- rdk.audit_log_immutable()
CREATE OR REPLACE FUNCTION rdk.audit_log_immutable()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP USING ERRCODE = '42501';
END
$function$;
REVOKE ALL ON FUNCTION rdk.audit_log_immutable() FROM PUBLIC;

-- Triggers that call the functions above.
CREATE OR REPLACE TRIGGER audit_log_no_change BEFORE DELETE OR UPDATE ON public.audit_log FOR EACH ROW EXECUTE FUNCTION rdk.audit_log_immutable();
CREATE OR REPLACE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON public.audit_log FOR EACH STATEMENT EXECUTE FUNCTION rdk.audit_log_immutable();
CREATE OR REPLACE TRIGGER inventory_audit AFTER INSERT OR UPDATE OF quantity, reserved, gtin ON public.inventory FOR EACH ROW EXECUTE FUNCTION rdk.audit_inventory();
CREATE OR REPLACE TRIGGER orders_audit AFTER UPDATE OF status, refunded_minor, needs_review, review_reason, carrier, tracking_number ON public.orders FOR EACH ROW EXECUTE FUNCTION rdk.audit_orders();
CREATE OR REPLACE TRIGGER products_audit AFTER INSERT OR DELETE OR UPDATE ON public.products FOR EACH ROW EXECUTE FUNCTION rdk.audit_products();
CREATE OR REPLACE TRIGGER profiles_audit AFTER INSERT OR UPDATE ON public.profiles FOR EACH ROW EXECUTE FUNCTION rdk.audit_profiles();
CREATE OR REPLACE TRIGGER tenants_audit AFTER UPDATE ON public.tenants FOR EACH ROW EXECUTE FUNCTION rdk.audit_tenants();
