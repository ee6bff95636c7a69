-- Module session: Who is calling: the login -> shop/profile/role lookups every policy and function uses, and small shared triggers.
-- Re-runnable: applied whole, in one transaction, whenever this file's checksum changes.
-- This file is the one place to change these functions (ADR 0011); keep each GRANT next to its function.

-- rdk.touch_updated_at()
CREATE OR REPLACE FUNCTION rdk.touch_updated_at()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END $function$;
REVOKE ALL ON FUNCTION rdk.touch_updated_at() FROM PUBLIC;

-- rdk.caller_is_owner()
CREATE OR REPLACE FUNCTION rdk.caller_is_owner()
 RETURNS boolean
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
    SELECT pg_has_role(session_user, n.nspowner, 'MEMBER') FROM pg_namespace n WHERE n.nspname = 'rdk'
$function$;
REVOKE ALL ON FUNCTION rdk.caller_is_owner() FROM PUBLIC;

-- rdk.is_service()
CREATE OR REPLACE FUNCTION rdk.is_service()
 RETURNS boolean
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
BEGIN
    -- plpgsql, not sql: a sql function that can't be inlined (this one is a definer with a
    -- pinned search_path) is parsed and planned again in every transaction that calls it,
    -- about 70 µs here; plpgsql keeps its plan for the session (ADR 0028).
    RETURN pg_has_role(session_user, 'rdk_sync', 'MEMBER')
           AND NOT coalesce((SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = session_user), false);
END
$function$;
COMMENT ON FUNCTION rdk.is_service() IS 'True when the session user is a service login (member of rdk_sync)';
REVOKE ALL ON FUNCTION rdk.is_service() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.is_service() TO rdk_admin, rdk_ops, rdk_staff, rdk_sync;

-- rdk.session_profile()
CREATE OR REPLACE FUNCTION rdk.session_profile()
 RETURNS SETOF public.profiles
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
    SELECT p.* FROM public.profiles p
     WHERE p.db_role = session_user AND p.active AND NOT rdk.is_service()
$function$;
REVOKE ALL ON FUNCTION rdk.session_profile() FROM PUBLIC;

-- rdk.current_tenant()
CREATE OR REPLACE FUNCTION rdk.current_tenant()
 RETURNS uuid
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
BEGIN
    IF rdk.is_service() THEN
        RETURN (SELECT s.tenant_id FROM rdk.service_logins s WHERE s.login = session_user);
    END IF;
    RETURN (SELECT p.tenant_id FROM rdk.session_profile() p);
END
$function$;
COMMENT ON FUNCTION rdk.current_tenant() IS 'Tenant of the caller: the bound shop for service logins, the active profile''s tenant for staff, else NULL';
REVOKE ALL ON FUNCTION rdk.current_tenant() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.current_tenant() TO rdk_admin, rdk_ops, rdk_staff, rdk_sync;

-- rdk.current_staff_role()
CREATE OR REPLACE FUNCTION rdk.current_staff_role()
 RETURNS text
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
    SELECT p.role FROM rdk.session_profile() p
$function$;
COMMENT ON FUNCTION rdk.current_staff_role() IS 'staff | ops | admin from the caller''s active profile, else NULL';
REVOKE ALL ON FUNCTION rdk.current_staff_role() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.current_staff_role() TO rdk_admin, rdk_ops, rdk_staff, rdk_sync;

-- rdk.current_profile_id()
CREATE OR REPLACE FUNCTION rdk.current_profile_id()
 RETURNS uuid
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
    SELECT p.id FROM rdk.session_profile() p
$function$;
REVOKE ALL ON FUNCTION rdk.current_profile_id() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.current_profile_id() TO rdk_admin, rdk_ops, rdk_staff, rdk_sync;

-- rdk.session_backend_start()
CREATE OR REPLACE FUNCTION rdk.session_backend_start()
 RETURNS timestamp with time zone
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
    SELECT a.backend_start FROM pg_stat_get_activity(pg_backend_pid()) a
$function$;
REVOKE ALL ON FUNCTION rdk.session_backend_start() FROM PUBLIC;

-- rdk.session_2fa_verified()
CREATE OR REPLACE FUNCTION rdk.session_2fa_verified()
 RETURNS boolean
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
    SELECT EXISTS (
        SELECT 1
          FROM rdk.session_2fa s
          JOIN public.profiles p ON p.id = s.profile_id AND p.active AND p.db_role = s.login
         WHERE s.pid = pg_backend_pid()
           AND s.login = session_user
           AND s.backend_start = rdk.session_backend_start())
$function$;
COMMENT ON FUNCTION rdk.session_2fa_verified() IS 'True when this database session passed a TOTP check';
REVOKE ALL ON FUNCTION rdk.session_2fa_verified() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.session_2fa_verified() TO rdk_admin, rdk_ops, rdk_staff, rdk_sync;

-- rdk.can_write()
CREATE OR REPLACE FUNCTION rdk.can_write()
 RETURNS boolean
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_profile public.profiles;
BEGIN
    IF rdk.is_service() THEN
        RETURN true;
    END IF;
    SELECT * INTO v_profile FROM rdk.session_profile();
    IF NOT FOUND THEN
        RETURN rdk.caller_is_owner();
    END IF;
    IF v_profile.role = 'admin' OR v_profile.twofa_enabled THEN
        RETURN rdk.session_2fa_verified();
    END IF;
    RETURN true;
END
$function$;
COMMENT ON FUNCTION rdk.can_write() IS 'May this session write business rows at all (2FA rule)';
REVOKE ALL ON FUNCTION rdk.can_write() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.can_write() TO rdk_admin, rdk_ops, rdk_staff, rdk_sync;

-- rdk.fill_tenant_id()
CREATE OR REPLACE FUNCTION rdk.fill_tenant_id()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
BEGIN
    IF NEW.tenant_id IS NULL THEN
        NEW.tenant_id := rdk.current_tenant();
    END IF;
    RETURN NEW;
END
$function$;
REVOKE ALL ON FUNCTION rdk.fill_tenant_id() FROM PUBLIC;

-- rdk.tenant_id_for_slug(text)
CREATE OR REPLACE FUNCTION rdk.tenant_id_for_slug(p_slug text)
 RETURNS uuid
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
    SELECT id FROM public.tenants WHERE slug = p_slug
$function$;
REVOKE ALL ON FUNCTION rdk.tenant_id_for_slug(text) FROM PUBLIC;

-- rdk.vouch_for_session(integer)
CREATE OR REPLACE FUNCTION rdk.vouch_for_session(p_pid integer)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_profile uuid := rdk.current_profile_id();
    v_start timestamptz;
BEGIN
    IF v_profile IS NULL OR p_pid IS NULL OR p_pid = pg_backend_pid() OR NOT rdk.session_2fa_verified() THEN
        RETURN false;
    END IF;
    -- The other backend must belong to this login and this database (read as the owner,
    -- which holds pg_read_all_stats; see 0002).
    SELECT a.backend_start INTO v_start
      FROM pg_stat_get_activity(p_pid) a
     WHERE a.pid = p_pid
       AND a.usesysid = (SELECT r.oid FROM pg_roles r WHERE r.rolname = session_user)
       AND a.datid = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database());
    IF v_start IS NULL THEN
        RETURN false;
    END IF;
    INSERT INTO rdk.session_2fa (pid, backend_start, login, profile_id, verified_at)
    VALUES (p_pid, v_start, session_user, v_profile, now())
    ON CONFLICT (pid, backend_start, login) DO UPDATE SET profile_id = EXCLUDED.profile_id,
                                                          verified_at = EXCLUDED.verified_at;
    RETURN true;
END
$function$;
COMMENT ON FUNCTION rdk.vouch_for_session(integer) IS 'A TOTP-verified session marks another live backend of the same login and database as verified (desk worker connections)';
REVOKE ALL ON FUNCTION rdk.vouch_for_session(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.vouch_for_session(integer) TO rdk_admin, rdk_ops, rdk_staff;

-- rdk.require_staff(text[],text)
CREATE OR REPLACE FUNCTION rdk.require_staff(p_roles text[], p_refusal text)
 RETURNS uuid
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
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
$function$;
REVOKE ALL ON FUNCTION rdk.require_staff(text[],text) FROM PUBLIC;

-- rdk.require_service()
CREATE OR REPLACE FUNCTION rdk.require_service()
 RETURNS uuid
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenant uuid;
BEGIN
    IF NOT rdk.is_service() THEN
        RAISE EXCEPTION 'Only the storefront service does this.' USING ERRCODE = '42501';
    END IF;
    -- What rdk.current_tenant() answers for a service login, without asking rdk.is_service() twice.
    v_tenant := (SELECT s.tenant_id FROM rdk.service_logins s WHERE s.login = session_user);
    IF v_tenant IS NULL THEN
        RAISE EXCEPTION 'This service login is not bound to a shop (rdk-admin service bind).' USING ERRCODE = '42501';
    END IF;
    RETURN v_tenant;
END
$function$;
REVOKE ALL ON FUNCTION rdk.require_service() FROM PUBLIC;

-- Triggers that call the functions above.
CREATE OR REPLACE TRIGGER inventory_0_fill_tenant BEFORE INSERT ON public.inventory FOR EACH ROW EXECUTE FUNCTION rdk.fill_tenant_id();
CREATE OR REPLACE TRIGGER inventory_touch BEFORE UPDATE ON public.inventory FOR EACH ROW EXECUTE FUNCTION rdk.touch_updated_at();
CREATE OR REPLACE TRIGGER order_items_0_fill_tenant BEFORE INSERT ON public.order_items FOR EACH ROW EXECUTE FUNCTION rdk.fill_tenant_id();
CREATE OR REPLACE TRIGGER orders_0_fill_tenant BEFORE INSERT ON public.orders FOR EACH ROW EXECUTE FUNCTION rdk.fill_tenant_id();
CREATE OR REPLACE TRIGGER orders_touch BEFORE UPDATE ON public.orders FOR EACH ROW EXECUTE FUNCTION rdk.touch_updated_at();
CREATE OR REPLACE TRIGGER page_views_0_fill_tenant BEFORE INSERT ON public.page_views FOR EACH ROW EXECUTE FUNCTION rdk.fill_tenant_id();
CREATE OR REPLACE TRIGGER product_image_variants_0_fill_tenant BEFORE INSERT ON public.product_image_variants FOR EACH ROW EXECUTE FUNCTION rdk.fill_tenant_id();
CREATE OR REPLACE TRIGGER product_images_0_fill_tenant BEFORE INSERT ON public.product_images FOR EACH ROW EXECUTE FUNCTION rdk.fill_tenant_id();
CREATE OR REPLACE TRIGGER product_images_touch BEFORE UPDATE ON public.product_images FOR EACH ROW EXECUTE FUNCTION rdk.touch_updated_at();
CREATE OR REPLACE TRIGGER products_0_fill_tenant BEFORE INSERT ON public.products FOR EACH ROW EXECUTE FUNCTION rdk.fill_tenant_id();
CREATE OR REPLACE TRIGGER products_touch BEFORE UPDATE ON public.products FOR EACH ROW EXECUTE FUNCTION rdk.touch_updated_at();
CREATE OR REPLACE TRIGGER profiles_touch BEFORE UPDATE ON public.profiles FOR EACH ROW EXECUTE FUNCTION rdk.touch_updated_at();
CREATE OR REPLACE TRIGGER stock_reservations_0_fill_tenant BEFORE INSERT ON public.stock_reservations FOR EACH ROW EXECUTE FUNCTION rdk.fill_tenant_id();
CREATE OR REPLACE TRIGGER stock_reservations_touch BEFORE UPDATE ON public.stock_reservations FOR EACH ROW EXECUTE FUNCTION rdk.touch_updated_at();
CREATE OR REPLACE TRIGGER stripe_events_0_fill_tenant BEFORE INSERT ON public.stripe_events FOR EACH ROW EXECUTE FUNCTION rdk.fill_tenant_id();
CREATE OR REPLACE TRIGGER tenants_touch BEFORE UPDATE ON public.tenants FOR EACH ROW EXECUTE FUNCTION rdk.touch_updated_at();
