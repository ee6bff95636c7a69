-- Module staff: Staff and service logins: created, bound to their shop, disabled, re-keyed by admins.
-- Re-runnable: applied whole, in one transaction, whenever this file's checksum changes.
-- This file is the one place to change these functions (ADR 0011); keep each GRANT next to its function.

-- rdk.check_login_name(text)
CREATE OR REPLACE FUNCTION rdk.check_login_name(p_login text)
 RETURNS void
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
BEGIN
    IF p_login IS NULL OR p_login !~ '^[a-z][a-z0-9_]{2,30}$' OR p_login LIKE 'pg\_%' OR p_login LIKE 'rdk\_%' THEN
        RAISE EXCEPTION 'The login must be 3 to 31 lowercase letters, digits or underscores, start with a letter and not start with pg_ or rdk_.'
            USING ERRCODE = '22023';
    END IF;
END
$function$;
REVOKE ALL ON FUNCTION rdk.check_login_name(text) FROM PUBLIC;

-- rdk.check_password_verifier(text)
CREATE OR REPLACE FUNCTION rdk.check_password_verifier(p_verifier text)
 RETURNS void
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
BEGIN
    IF p_verifier IS NULL OR length(p_verifier) < 8 THEN
        RAISE EXCEPTION 'The password must have at least 8 characters.' USING ERRCODE = '22023';
    END IF;
    IF p_verifier ~ '^md5[0-9a-f]{32}$' THEN
        RAISE EXCEPTION 'MD5 password hashes are not accepted; send a SCRAM-SHA-256 verifier.' USING ERRCODE = '22023';
    END IF;
    IF p_verifier LIKE 'SCRAM-SHA-256$%' AND p_verifier !~ '^SCRAM-SHA-256\$[0-9]+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$' THEN
        RAISE EXCEPTION 'Malformed SCRAM-SHA-256 verifier.' USING ERRCODE = '22023';
    END IF;
END
$function$;
REVOKE ALL ON FUNCTION rdk.check_password_verifier(text) FROM PUBLIC;

-- rdk.assert_staff_manager(uuid)
CREATE OR REPLACE FUNCTION rdk.assert_staff_manager(p_tenant uuid)
 RETURNS void
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
BEGIN
    IF rdk.caller_is_owner() THEN
        RETURN;
    END IF;
    IF rdk.current_staff_role() IS DISTINCT FROM 'admin' OR NOT pg_has_role(session_user, 'rdk_admin', 'MEMBER') THEN
        RAISE EXCEPTION 'Only an admin can manage staff accounts.' USING ERRCODE = '42501';
    END IF;
    IF NOT rdk.session_2fa_verified() THEN
        RAISE EXCEPTION 'Enter your two-factor code before managing staff accounts.' USING ERRCODE = '42501';
    END IF;
    IF p_tenant IS NULL OR p_tenant IS DISTINCT FROM rdk.current_tenant() THEN
        RAISE EXCEPTION 'Admins can only manage the staff of their own shop.' USING ERRCODE = '42501';
    END IF;
END
$function$;
REVOKE ALL ON FUNCTION rdk.assert_staff_manager(uuid) FROM PUBLIC;

-- rdk.managed_profile(text,boolean)
CREATE OR REPLACE FUNCTION rdk.managed_profile(p_login text, p_allow_self boolean)
 RETURNS public.profiles
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_profile public.profiles;
BEGIN
    SELECT * INTO v_profile FROM public.profiles p WHERE p.db_role = p_login FOR UPDATE;
    IF NOT FOUND THEN
        -- Same answer whether the login exists elsewhere or not at all.
        IF rdk.caller_is_owner() THEN
            RAISE EXCEPTION 'No staff member with the login %.', p_login USING ERRCODE = 'P0002';
        END IF;
        RAISE EXCEPTION 'Admins can only manage the staff of their own shop.' USING ERRCODE = '42501';
    END IF;
    PERFORM rdk.assert_staff_manager(v_profile.tenant_id);
    IF NOT p_allow_self AND p_login = session_user THEN
        RAISE EXCEPTION 'You can''t change your own role or access; ask another admin.' USING ERRCODE = '42501';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = p_login
                AND (r.rolsuper OR r.rolcreaterole OR r.rolcreatedb OR r.rolbypassrls OR r.rolreplication)) THEN
        RAISE EXCEPTION 'The role % is not a plain staff login.', p_login USING ERRCODE = '42501';
    END IF;
    RETURN v_profile;
END
$function$;
REVOKE ALL ON FUNCTION rdk.managed_profile(text,boolean) FROM PUBLIC;

-- rdk.create_staff(text,text,uuid,text,text)
CREATE OR REPLACE FUNCTION rdk.create_staff(p_login text, p_password_verifier text, p_tenant uuid, p_role text, p_display_name text)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenant uuid := coalesce(p_tenant, rdk.current_tenant());
    v_id uuid;
BEGIN
    PERFORM rdk.assert_staff_manager(v_tenant);
    PERFORM rdk.check_login_name(p_login);
    PERFORM rdk.check_password_verifier(p_password_verifier);
    IF p_role IS NULL OR p_role NOT IN ('staff', 'ops', 'admin') THEN
        RAISE EXCEPTION 'The role must be staff, ops or admin.' USING ERRCODE = '22023';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM public.tenants t WHERE t.id = v_tenant) THEN
        RAISE EXCEPTION 'No shop with the id %.', v_tenant USING ERRCODE = '23503';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = p_login) THEN
        RAISE EXCEPTION 'The login % is already taken.', p_login USING ERRCODE = '42710';
    END IF;
    EXECUTE format('CREATE ROLE %I LOGIN INHERIT NOCREATEDB NOCREATEROLE PASSWORD %L', p_login, p_password_verifier);
    EXECUTE format('GRANT %I TO %I', 'rdk_' || p_role, p_login);
    INSERT INTO public.profiles (tenant_id, db_role, display_name, role)
    VALUES (v_tenant, p_login, coalesce(nullif(btrim(p_display_name), ''), p_login), p_role)
    RETURNING id INTO v_id;
    RETURN v_id;
END
$function$;
COMMENT ON FUNCTION rdk.create_staff(text,text,uuid,text,text) IS 'Creates a staff LOGIN role (SCRAM verifier or plain password), its group membership and profile; owner or verified admin of the tenant';
REVOKE ALL ON FUNCTION rdk.create_staff(text,text,uuid,text,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.create_staff(text,text,uuid,text,text) TO rdk_admin;

-- rdk.set_staff_role(text,text)
CREATE OR REPLACE FUNCTION rdk.set_staff_role(p_login text, p_role text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_profile public.profiles := rdk.managed_profile(p_login, false);
    g text;
BEGIN
    IF p_role IS NULL OR p_role NOT IN ('staff', 'ops', 'admin') THEN
        RAISE EXCEPTION 'The role must be staff, ops or admin.' USING ERRCODE = '22023';
    END IF;
    FOREACH g IN ARRAY ARRAY['rdk_staff', 'rdk_ops', 'rdk_admin'] LOOP
        IF g <> 'rdk_' || p_role AND pg_has_role(p_login, g, 'MEMBER') THEN
            EXECUTE format('REVOKE %I FROM %I', g, p_login);
        END IF;
    END LOOP;
    IF NOT pg_has_role(p_login, 'rdk_' || p_role, 'MEMBER') THEN
        EXECUTE format('GRANT %I TO %I', 'rdk_' || p_role, p_login);
    END IF;
    UPDATE public.profiles SET role = p_role WHERE id = v_profile.id AND role IS DISTINCT FROM p_role;
END
$function$;
REVOKE ALL ON FUNCTION rdk.set_staff_role(text,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.set_staff_role(text,text) TO rdk_admin;

-- rdk.disable_staff(text)
CREATE OR REPLACE FUNCTION rdk.disable_staff(p_login text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_profile public.profiles := rdk.managed_profile(p_login, false);
BEGIN
    -- Open sessions are not terminated, but with an inactive profile they see nothing.
    EXECUTE format('ALTER ROLE %I NOLOGIN', p_login);
    UPDATE public.profiles SET active = false WHERE id = v_profile.id AND active;
    DELETE FROM rdk.session_2fa WHERE profile_id = v_profile.id;
END
$function$;
REVOKE ALL ON FUNCTION rdk.disable_staff(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.disable_staff(text) TO rdk_admin;

-- rdk.enable_staff(text)
CREATE OR REPLACE FUNCTION rdk.enable_staff(p_login text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_profile public.profiles := rdk.managed_profile(p_login, false);
BEGIN
    EXECUTE format('ALTER ROLE %I LOGIN', p_login);
    UPDATE public.profiles SET active = true WHERE id = v_profile.id AND NOT active;
END
$function$;
REVOKE ALL ON FUNCTION rdk.enable_staff(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.enable_staff(text) TO rdk_admin;

-- rdk.set_staff_password(text,text)
CREATE OR REPLACE FUNCTION rdk.set_staff_password(p_login text, p_password_verifier text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_profile public.profiles := rdk.managed_profile(p_login, true);
BEGIN
    PERFORM rdk.check_password_verifier(p_password_verifier);
    EXECUTE format('ALTER ROLE %I PASSWORD %L', p_login, p_password_verifier);
    PERFORM rdk.audit_write(v_profile.tenant_id, 'password_reset', 'profile', v_profile.id::text,
                            NULL, jsonb_build_object('db_role', v_profile.db_role));
END
$function$;
REVOKE ALL ON FUNCTION rdk.set_staff_password(text,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.set_staff_password(text,text) TO rdk_admin;

-- rdk.reset_staff_totp(text)
CREATE OR REPLACE FUNCTION rdk.reset_staff_totp(p_login text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_profile public.profiles := rdk.managed_profile(p_login, false);
BEGIN
    DELETE FROM rdk.staff_totp WHERE profile_id = v_profile.id;
    DELETE FROM rdk.session_2fa WHERE profile_id = v_profile.id;
    UPDATE public.profiles SET twofa_enabled = false WHERE id = v_profile.id AND twofa_enabled;
END
$function$;
REVOKE ALL ON FUNCTION rdk.reset_staff_totp(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.reset_staff_totp(text) TO rdk_admin;

-- rdk.create_service_login(text,text)
CREATE OR REPLACE FUNCTION rdk.create_service_login(p_login text, p_password_verifier text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenants uuid[];
BEGIN
    IF NOT rdk.caller_is_owner() THEN
        RAISE EXCEPTION 'only the database owner can create service logins' USING ERRCODE = '42501';
    END IF;
    SELECT array_agg(t.id) INTO v_tenants FROM public.tenants t;
    IF coalesce(array_length(v_tenants, 1), 0) <> 1 THEN
        RAISE EXCEPTION 'Name the shop the service login works for.' USING ERRCODE = '22023';
    END IF;
    PERFORM rdk.create_service_login(p_login, p_password_verifier, v_tenants[1]);
END
$function$;
REVOKE ALL ON FUNCTION rdk.create_service_login(text,text) FROM PUBLIC;

-- rdk.bind_service_login(text,uuid)
CREATE OR REPLACE FUNCTION rdk.bind_service_login(p_login text, p_tenant uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
BEGIN
    IF NOT rdk.caller_is_owner() THEN
        RAISE EXCEPTION 'only the database owner can bind service logins' USING ERRCODE = '42501';
    END IF;
    -- A member of rdk_sync and nothing more (superusers count as members of every role).
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r
                    WHERE r.rolname = p_login AND NOT r.rolsuper AND NOT r.rolcreaterole
                      AND pg_catalog.pg_has_role(r.oid, 'rdk_sync', 'MEMBER')) THEN
        RAISE EXCEPTION 'There is no service login %.', p_login USING ERRCODE = 'P0002';
    END IF;
    IF p_tenant IS NULL OR NOT EXISTS (SELECT 1 FROM public.tenants t WHERE t.id = p_tenant) THEN
        RAISE EXCEPTION 'There is no such shop.' USING ERRCODE = 'P0002';
    END IF;
    INSERT INTO rdk.service_logins (login, tenant_id) VALUES (p_login, p_tenant)
    ON CONFLICT (login) DO UPDATE SET tenant_id = EXCLUDED.tenant_id, bound_at = now();
END
$function$;
REVOKE ALL ON FUNCTION rdk.bind_service_login(text,uuid) FROM PUBLIC;

-- rdk.create_service_login(text,text,uuid)
CREATE OR REPLACE FUNCTION rdk.create_service_login(p_login text, p_password_verifier text, p_tenant uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
BEGIN
    IF NOT rdk.caller_is_owner() THEN
        RAISE EXCEPTION 'only the database owner can create service logins' USING ERRCODE = '42501';
    END IF;
    IF p_tenant IS NULL OR NOT EXISTS (SELECT 1 FROM public.tenants t WHERE t.id = p_tenant) THEN
        RAISE EXCEPTION 'There is no such shop.' USING ERRCODE = 'P0002';
    END IF;
    PERFORM rdk.check_login_name(p_login);
    PERFORM rdk.check_password_verifier(p_password_verifier);
    IF EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = p_login) THEN
        RAISE EXCEPTION 'The login % is already taken.', p_login USING ERRCODE = '42710';
    END IF;
    EXECUTE format('CREATE ROLE %I LOGIN INHERIT NOCREATEDB NOCREATEROLE PASSWORD %L', p_login, p_password_verifier);
    EXECUTE format('GRANT rdk_sync TO %I', p_login);
    INSERT INTO rdk.service_logins (login, tenant_id) VALUES (p_login, p_tenant);
END
$function$;
REVOKE ALL ON FUNCTION rdk.create_service_login(text,text,uuid) FROM PUBLIC;
