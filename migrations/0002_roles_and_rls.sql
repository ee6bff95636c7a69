-- Roles, tenant resolution, two-factor authentication, staff management and row-level
-- security. The database enforces who may see and change what; the apps only ask.
--
-- Applied by the migration runner as the database OWNER (a non-superuser with CREATEROLE
-- and CREATEDB). Its name is not fixed: it is current_user here. Several databases (the demo
-- store, one per test) share one cluster, so cluster-wide objects (roles) are created only
-- when missing. See docs/SECURITY.md for the model in prose and the policy table.
--
-- Conventions for every SECURITY DEFINER function below: it runs as the owner, which is not
-- subject to row-level security (tables are not FORCE RLS), so it checks its caller itself,
-- names tables with their schema, and pins search_path with pg_temp LAST (otherwise a
-- caller's temporary table could shadow a real one).

-- ---------------------------------------------------------------------------------------
-- 1. Group roles (cluster-wide, idempotent)
-- ---------------------------------------------------------------------------------------
DO $$
DECLARE
    g text;
    r record;
BEGIN
    FOREACH g IN ARRAY ARRAY['rdk_staff', 'rdk_ops', 'rdk_admin', 'rdk_sync'] LOOP
        SELECT rolcanlogin, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolreplication
          INTO r FROM pg_catalog.pg_roles WHERE rolname = g;
        IF NOT FOUND THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN NOINHERIT NOCREATEDB NOCREATEROLE', g);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;  -- another database of this cluster created it at the same moment
            END;
        ELSIF r.rolcanlogin OR r.rolsuper OR r.rolbypassrls OR r.rolcreaterole OR r.rolcreatedb OR r.rolreplication THEN
            RAISE EXCEPTION 'role % exists with privileges a group role must not have (login, superuser, bypassrls, createrole, createdb or replication)', g
                USING HINT = 'Fix the role as a superuser (ALTER ROLE ... NOLOGIN NOBYPASSRLS ...) and migrate again.';
        END IF;
    END LOOP;
END $$;

-- session_2fa_verified() keys the session on its backend start time, read from
-- pg_stat_get_activity() inside a SECURITY DEFINER function. There the current user is the
-- owner, which only sees another role's backend start with pg_read_all_stats.
DO $$
BEGIN
    IF NOT pg_catalog.pg_has_role(current_user, 'pg_read_all_stats', 'USAGE') THEN
        BEGIN
            EXECUTE format('GRANT pg_read_all_stats TO %I', current_user);
        EXCEPTION WHEN unique_violation THEN
            NULL;  -- granted by a concurrent migration of another database
        WHEN insufficient_privilege THEN
            RAISE EXCEPTION 'the migration role % needs membership in pg_read_all_stats (2FA session binding)', current_user
                USING HINT = format('As a superuser: GRANT pg_read_all_stats TO %I;', current_user);
        END;
    END IF;
END $$;

-- ---------------------------------------------------------------------------------------
-- 2. Database and schema privileges
-- ---------------------------------------------------------------------------------------
DO $$
BEGIN
    IF (SELECT datdba FROM pg_catalog.pg_database WHERE datname = current_database())
       = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN
        EXECUTE format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
        EXECUTE format('GRANT CONNECT ON DATABASE %I TO rdk_staff, rdk_ops, rdk_admin, rdk_sync', current_database());
    ELSE
        RAISE NOTICE 'database % is not owned by %: CONNECT/TEMPORARY left as they are', current_database(), current_user;
    END IF;
END $$;

REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO rdk_staff, rdk_ops, rdk_admin, rdk_sync;
REVOKE ALL ON SCHEMA rdk FROM PUBLIC;
GRANT USAGE ON SCHEMA rdk TO rdk_staff, rdk_ops, rdk_admin, rdk_sync;

-- Functions are executable by PUBLIC by default: not ours. Every grant below is explicit.
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

-- Apps may check that the schema is current (readyz); nothing else in there is secret.
DO $$
BEGIN
    IF to_regclass('public.schema_migrations') IS NOT NULL THEN
        REVOKE ALL ON public.schema_migrations FROM PUBLIC;
        GRANT SELECT ON public.schema_migrations TO rdk_staff, rdk_ops, rdk_admin, rdk_sync;
    END IF;
END $$;

-- ---------------------------------------------------------------------------------------
-- 3. Tenant integrity: a child row's tenant is its parent's tenant. Composite foreign keys
--    make "my tenant_id, someone else's parent id" impossible (and indistinguishable from a
--    parent that does not exist, so ids of other shops can't be probed this way).
-- ---------------------------------------------------------------------------------------
ALTER TABLE products ADD CONSTRAINT products_tenant_id_key UNIQUE (tenant_id, id);
ALTER TABLE inventory ADD CONSTRAINT inventory_tenant_id_key UNIQUE (tenant_id, id);
ALTER TABLE product_images ADD CONSTRAINT product_images_tenant_id_key UNIQUE (tenant_id, id);
ALTER TABLE orders ADD CONSTRAINT orders_tenant_id_key UNIQUE (tenant_id, id);

ALTER TABLE inventory ADD CONSTRAINT inventory_product_same_tenant
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE;
ALTER TABLE product_images ADD CONSTRAINT product_images_product_same_tenant
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id) ON DELETE CASCADE;
ALTER TABLE product_image_variants ADD CONSTRAINT product_image_variants_image_same_tenant
    FOREIGN KEY (tenant_id, image_id) REFERENCES product_images (tenant_id, id) ON DELETE CASCADE;
ALTER TABLE order_items ADD CONSTRAINT order_items_order_same_tenant
    FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id) ON DELETE CASCADE;
ALTER TABLE order_items ADD CONSTRAINT order_items_product_same_tenant
    FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id);
ALTER TABLE stock_reservations ADD CONSTRAINT stock_reservations_order_same_tenant
    FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id) ON DELETE CASCADE;
ALTER TABLE stock_reservations ADD CONSTRAINT stock_reservations_inventory_same_tenant
    FOREIGN KEY (tenant_id, inventory_id) REFERENCES inventory (tenant_id, id);
ALTER TABLE stripe_events ADD CONSTRAINT stripe_events_order_same_tenant
    FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id);

-- ---------------------------------------------------------------------------------------
-- 4. Private security tables (no app role has any privilege on them)
-- ---------------------------------------------------------------------------------------
CREATE TABLE rdk.staff_totp (
    profile_id         uuid PRIMARY KEY REFERENCES public.profiles (id) ON DELETE CASCADE,
    secret             bytea CONSTRAINT staff_totp_secret_length CHECK (length(secret) >= 10),
    confirmed_at       timestamptz,
    pending_secret     bytea CONSTRAINT staff_totp_pending_length CHECK (length(pending_secret) >= 10),
    pending_created_at timestamptz,
    last_step          bigint,       -- last accepted time step: a code is never accepted twice
    last_verified_at   timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT staff_totp_confirmed_has_secret CHECK (confirmed_at IS NULL OR secret IS NOT NULL)
);
COMMENT ON TABLE rdk.staff_totp IS 'TOTP secrets of staff; readable only by the owner (SECURITY DEFINER functions)';

CREATE TABLE rdk.session_2fa (
    pid           integer NOT NULL,
    backend_start timestamptz NOT NULL,
    login         name NOT NULL,
    profile_id    uuid NOT NULL REFERENCES public.profiles (id) ON DELETE CASCADE,
    verified_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pid, backend_start, login)
);
COMMENT ON TABLE rdk.session_2fa IS 'Database sessions that passed a TOTP check; written only by SECURITY DEFINER functions';

ALTER TABLE rdk.staff_totp ENABLE ROW LEVEL SECURITY;
ALTER TABLE rdk.session_2fa ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON rdk.staff_totp, rdk.session_2fa FROM PUBLIC;

-- ---------------------------------------------------------------------------------------
-- 5. Who is calling
-- ---------------------------------------------------------------------------------------

-- True for the owner of the schema (the migration role) and superusers.
CREATE FUNCTION rdk.caller_is_owner() RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
    SELECT pg_has_role(session_user, n.nspowner, 'MEMBER') FROM pg_namespace n WHERE n.nspname = 'rdk'
$$;

CREATE FUNCTION rdk.is_service() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
    SELECT pg_has_role(session_user, 'rdk_sync', 'MEMBER')
           AND NOT coalesce((SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = session_user), false)
$$;
COMMENT ON FUNCTION rdk.is_service() IS 'True when the session user is a service login (member of rdk_sync)';

-- The ACTIVE profile of the session user (staff logins only), or no row.
CREATE FUNCTION rdk.session_profile() RETURNS SETOF public.profiles
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
    SELECT p.* FROM public.profiles p
     WHERE p.db_role = session_user AND p.active AND NOT rdk.is_service()
$$;

CREATE FUNCTION rdk.current_tenant() RETURNS uuid
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
DECLARE
    v_setting text;
BEGIN
    IF rdk.is_service() THEN
        v_setting := nullif(btrim(current_setting('rdk.tenant', true)), '');
        RETURN v_setting::uuid;  -- NULL when unset: the service then sees nothing
    END IF;
    RETURN (SELECT p.tenant_id FROM rdk.session_profile() p);
END
$$;
COMMENT ON FUNCTION rdk.current_tenant() IS
    'Tenant of the caller: rdk.tenant for service logins, the active profile''s tenant for staff, else NULL';

CREATE FUNCTION rdk.current_staff_role() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
    SELECT p.role FROM rdk.session_profile() p
$$;
COMMENT ON FUNCTION rdk.current_staff_role() IS 'staff | ops | admin from the caller''s active profile, else NULL';

CREATE FUNCTION rdk.current_profile_id() RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
    SELECT p.id FROM rdk.session_profile() p
$$;

-- Backend start of this session as the server recorded it (needs pg_read_all_stats here).
CREATE FUNCTION rdk.session_backend_start() RETURNS timestamptz
LANGUAGE sql STABLE
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
    SELECT a.backend_start FROM pg_stat_get_activity(pg_backend_pid()) a
$$;

CREATE FUNCTION rdk.session_2fa_verified() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
    SELECT EXISTS (
        SELECT 1
          FROM rdk.session_2fa s
          JOIN public.profiles p ON p.id = s.profile_id AND p.active AND p.db_role = s.login
         WHERE s.pid = pg_backend_pid()
           AND s.login = session_user
           AND s.backend_start = rdk.session_backend_start())
$$;
COMMENT ON FUNCTION rdk.session_2fa_verified() IS 'True when this database session passed a TOTP check';

-- The one write rule, used by every write policy: service logins may write; staff may write
-- unless their profile is admin or has 2FA on, in which case this session must be verified.
-- Owner and superusers: true (they are not subject to RLS anyway). Anyone else: false.
CREATE FUNCTION rdk.can_write() RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
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
$$;
COMMENT ON FUNCTION rdk.can_write() IS 'May this session write business rows at all (2FA rule)';

-- ---------------------------------------------------------------------------------------
-- 6. TOTP (RFC 6238: HMAC-SHA-1, 30 s steps, 6 digits, one step either side)
-- ---------------------------------------------------------------------------------------
CREATE FUNCTION rdk.base32_encode(p_data bytea) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
DECLARE
    alphabet constant text := 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    buffer integer := 0;
    bits integer := 0;
    result text := '';
BEGIN
    FOR i IN 0 .. length(p_data) - 1 LOOP
        buffer := ((buffer << 8) | get_byte(p_data, i)) & 8191;
        bits := bits + 8;
        WHILE bits >= 5 LOOP
            result := result || substr(alphabet, ((buffer >> (bits - 5)) & 31) + 1, 1);
            bits := bits - 5;
        END LOOP;
    END LOOP;
    IF bits > 0 THEN
        result := result || substr(alphabet, ((buffer << (5 - bits)) & 31) + 1, 1);
    END IF;
    RETURN result;
END
$$;

-- Case-insensitive; ignores spaces, dashes and '=' padding.
CREATE FUNCTION rdk.base32_decode(p_text text) RETURNS bytea
LANGUAGE plpgsql IMMUTABLE STRICT
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
DECLARE
    alphabet constant text := 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    clean text := upper(regexp_replace(p_text, '[[:space:]=-]', '', 'g'));
    buffer integer := 0;
    bits integer := 0;
    idx integer;
    result bytea := '\x'::bytea;
BEGIN
    FOR i IN 1 .. length(clean) LOOP
        idx := strpos(alphabet, substr(clean, i, 1)) - 1;
        IF idx < 0 THEN
            RAISE EXCEPTION 'invalid base32 character "%"', substr(clean, i, 1) USING ERRCODE = '22023';
        END IF;
        buffer := ((buffer << 5) | idx) & 8191;
        bits := bits + 5;
        IF bits >= 8 THEN
            result := result || set_byte('\x00'::bytea, 0, (buffer >> (bits - 8)) & 255);
            bits := bits - 8;
        END IF;
    END LOOP;
    RETURN result;
END
$$;

CREATE FUNCTION rdk.totp_code(p_secret bytea, p_step bigint) RETURNS text
LANGUAGE sql IMMUTABLE STRICT
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
    SELECT lpad(((((get_byte(h, o) & 127)::bigint << 24)
                  | (get_byte(h, o + 1)::bigint << 16)
                  | (get_byte(h, o + 2)::bigint << 8)
                  |  get_byte(h, o + 3)::bigint) % 1000000)::text, 6, '0')
      FROM (SELECT h, get_byte(h, 19) & 15 AS o
              FROM (SELECT public.hmac(int8send(p_step), p_secret, 'sha1') AS h) AS mac) AS x
$$;

-- Which of steps now-1, now, now+1 the code matches (newer than p_after), or NULL.
CREATE FUNCTION rdk.totp_match(p_secret bytea, p_code text, p_after bigint) RETURNS bigint
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
DECLARE
    v_code text := btrim(coalesce(p_code, ''));
    v_now bigint := floor(extract(epoch FROM clock_timestamp()) / 30)::bigint;
BEGIN
    IF p_secret IS NULL OR v_code !~ '^[0-9]{6}$' THEN
        RETURN NULL;
    END IF;
    FOR d IN -1 .. 1 LOOP
        IF v_now + d > coalesce(p_after, -1) AND rdk.totp_code(p_secret, v_now + d) = v_code THEN
            RETURN v_now + d;
        END IF;
    END LOOP;
    RETURN NULL;
END
$$;

-- Failed-attempt throttle. It must survive ROLLBACK, or "BEGIN; verify(guess); ROLLBACK"
-- would allow unlimited guesses. Sequences are the one non-transactional store PostgreSQL
-- has, so each profile gets one holding a "debt" deadline in epoch seconds: every failure
-- adds 300 s (starting from now), and verification is refused while the deadline is more
-- than 1200 s ahead, i.e. 5 failures within 5 minutes lock it for about 5 minutes and then
-- allow one attempt per 5 minutes until a code is right (which clears the debt).
CREATE FUNCTION rdk.totp_guard_name(p_profile uuid) RETURNS text
LANGUAGE sql IMMUTABLE STRICT
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$ SELECT 'totp_guard_' || replace(p_profile::text, '-', '') $$;

CREATE FUNCTION rdk.totp_guard_ensure(p_profile uuid) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
BEGIN
    IF to_regclass(format('rdk.%I', rdk.totp_guard_name(p_profile))) IS NULL THEN
        EXECUTE format('CREATE SEQUENCE rdk.%I AS bigint MINVALUE 0 START WITH 0 NO CYCLE', rdk.totp_guard_name(p_profile));
        EXECUTE format('REVOKE ALL ON SEQUENCE rdk.%I FROM PUBLIC', rdk.totp_guard_name(p_profile));
    END IF;
END
$$;

-- Seconds this profile must still wait before it may try a code; raises when the guard is
-- missing (it is created with the enrolment, so a missing one means tampering).
CREATE FUNCTION rdk.totp_wait_seconds(p_profile uuid) RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
DECLARE
    v_deadline bigint;
BEGIN
    IF to_regclass(format('rdk.%I', rdk.totp_guard_name(p_profile))) IS NULL THEN
        RAISE EXCEPTION 'Two-factor authentication is not set up correctly for this account; ask the owner to enrol it again.';
    END IF;
    EXECUTE format('SELECT last_value FROM rdk.%I', rdk.totp_guard_name(p_profile)) INTO v_deadline;
    RETURN greatest(0, v_deadline - 1200 - floor(extract(epoch FROM clock_timestamp()))::bigint)::integer;
END
$$;

CREATE FUNCTION rdk.totp_record_failure(p_profile uuid) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
DECLARE
    v_name text := rdk.totp_guard_name(p_profile);
    v_deadline bigint;
BEGIN
    EXECUTE format('SELECT last_value FROM rdk.%I', v_name) INTO v_deadline;
    PERFORM setval(format('rdk.%I', v_name)::regclass,
                   greatest(v_deadline, floor(extract(epoch FROM clock_timestamp()))::bigint) + 300);
    RAISE LOG 'rdk: failed TOTP code for % (backend %)', session_user, pg_backend_pid();
END
$$;

CREATE FUNCTION rdk.totp_clear_failures(p_profile uuid) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
BEGIN
    PERFORM setval(format('rdk.%I', rdk.totp_guard_name(p_profile))::regclass, 0);
END
$$;

CREATE FUNCTION rdk.mark_session_verified(p_profile uuid) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
DECLARE
    v_start timestamptz := rdk.session_backend_start();
BEGIN
    IF v_start IS NULL THEN
        RAISE EXCEPTION 'cannot read this session''s start time (the schema owner needs pg_read_all_stats)';
    END IF;
    -- Forget sessions that ended.
    DELETE FROM rdk.session_2fa s
     WHERE NOT EXISTS (SELECT 1 FROM pg_stat_get_activity(NULL) a
                        WHERE a.pid = s.pid AND a.backend_start = s.backend_start);
    INSERT INTO rdk.session_2fa (pid, backend_start, login, profile_id, verified_at)
    VALUES (pg_backend_pid(), v_start, session_user, p_profile, now())
    ON CONFLICT (pid, backend_start, login) DO UPDATE SET profile_id = EXCLUDED.profile_id, verified_at = EXCLUDED.verified_at;
END
$$;

CREATE FUNCTION rdk.totp_begin_enrolment() RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
DECLARE
    v_profile public.profiles;
    v_secret bytea := public.gen_random_bytes(20);
BEGIN
    SELECT * INTO v_profile FROM rdk.session_profile();
    IF NOT FOUND THEN
        RAISE EXCEPTION 'only an active staff login can set up two-factor authentication' USING ERRCODE = '42501';
    END IF;
    IF EXISTS (SELECT 1 FROM rdk.staff_totp t WHERE t.profile_id = v_profile.id AND t.confirmed_at IS NOT NULL)
       AND NOT rdk.session_2fa_verified() THEN
        RAISE EXCEPTION 'Two-factor authentication is already set up: enter a code from your current authenticator before replacing it.'
            USING ERRCODE = '42501';
    END IF;
    PERFORM rdk.totp_guard_ensure(v_profile.id);
    INSERT INTO rdk.staff_totp AS t (profile_id, pending_secret, pending_created_at)
    VALUES (v_profile.id, v_secret, now())
    ON CONFLICT (profile_id) DO UPDATE SET pending_secret = EXCLUDED.pending_secret,
                                           pending_created_at = EXCLUDED.pending_created_at,
                                           updated_at = now();
    RETURN rdk.base32_encode(v_secret);
END
$$;
COMMENT ON FUNCTION rdk.totp_begin_enrolment() IS
    'New (unconfirmed) TOTP secret for the session user, as base32; replacing a confirmed one needs a verified session';

CREATE FUNCTION rdk.totp_confirm(p_code text) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
DECLARE
    v_profile public.profiles;
    v_totp rdk.staff_totp;
    v_step bigint;
    v_wait integer;
BEGIN
    SELECT * INTO v_profile FROM rdk.session_profile();
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    SELECT * INTO v_totp FROM rdk.staff_totp t
     WHERE t.profile_id = v_profile.id AND t.pending_secret IS NOT NULL
       AND t.pending_created_at > now() - interval '1 hour'
       FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    PERFORM rdk.totp_guard_ensure(v_profile.id);
    v_wait := rdk.totp_wait_seconds(v_profile.id);
    IF v_wait > 0 THEN
        RAISE EXCEPTION 'Too many wrong codes. Try again in % minute(s).', ceil(v_wait / 60.0)::integer;
    END IF;
    v_step := rdk.totp_match(v_totp.pending_secret, p_code, NULL);
    IF v_step IS NULL THEN
        PERFORM rdk.totp_record_failure(v_profile.id);
        RETURN false;
    END IF;
    UPDATE rdk.staff_totp
       SET secret = pending_secret, confirmed_at = now(), pending_secret = NULL, pending_created_at = NULL,
           last_step = v_step, last_verified_at = now(), updated_at = now()
     WHERE profile_id = v_profile.id;
    UPDATE public.profiles SET twofa_enabled = true WHERE id = v_profile.id AND NOT twofa_enabled;
    PERFORM rdk.totp_clear_failures(v_profile.id);
    -- Other sessions verified against the old secret stay verified until they end; this one is.
    PERFORM rdk.mark_session_verified(v_profile.id);
    RETURN true;
END
$$;
COMMENT ON FUNCTION rdk.totp_confirm(text) IS 'Confirms a pending enrolment with a code; turns 2FA on and verifies this session';

CREATE FUNCTION rdk.totp_verify(p_code text) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
DECLARE
    v_profile public.profiles;
    v_totp rdk.staff_totp;
    v_step bigint;
    v_wait integer;
BEGIN
    SELECT * INTO v_profile FROM rdk.session_profile();
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    -- The row lock serialises concurrent attempts for one profile.
    SELECT * INTO v_totp FROM rdk.staff_totp t
     WHERE t.profile_id = v_profile.id AND t.confirmed_at IS NOT NULL
       FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    v_wait := rdk.totp_wait_seconds(v_profile.id);
    IF v_wait > 0 THEN
        RAISE EXCEPTION 'Too many wrong codes. Try again in % minute(s).', ceil(v_wait / 60.0)::integer;
    END IF;
    v_step := rdk.totp_match(v_totp.secret, p_code, v_totp.last_step);
    IF v_step IS NULL THEN
        PERFORM rdk.totp_record_failure(v_profile.id);
        RETURN false;
    END IF;
    UPDATE rdk.staff_totp SET last_step = v_step, last_verified_at = now(), updated_at = now()
     WHERE profile_id = v_profile.id;
    PERFORM rdk.totp_clear_failures(v_profile.id);
    PERFORM rdk.mark_session_verified(v_profile.id);
    RETURN true;
END
$$;
COMMENT ON FUNCTION rdk.totp_verify(text) IS
    'Checks a TOTP code for the session user; when right, this session is verified (commit to keep it). '
    'Each code works once; 5 wrong codes in 5 minutes lock verification for about 5 minutes';

-- ---------------------------------------------------------------------------------------
-- 7. Staff and service accounts
-- ---------------------------------------------------------------------------------------
CREATE FUNCTION rdk.check_login_name(p_login text) RETURNS void
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
BEGIN
    IF p_login IS NULL OR p_login !~ '^[a-z][a-z0-9_]{2,30}$' OR p_login LIKE 'pg\_%' OR p_login LIKE 'rdk\_%' THEN
        RAISE EXCEPTION 'The login must be 3 to 31 lowercase letters, digits or underscores, start with a letter and not start with pg_ or rdk_.'
            USING ERRCODE = '22023';
    END IF;
END
$$;

-- Accepts a SCRAM-SHA-256 verifier (preferred: the plain password never reaches the server)
-- or a plain password of at least 8 characters, which the server hashes with SCRAM.
CREATE FUNCTION rdk.check_password_verifier(p_verifier text) RETURNS void
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
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
$$;

-- Who may manage the staff of p_tenant: the owner (any tenant) or an admin of that tenant
-- whose session passed 2FA. Raises otherwise.
CREATE FUNCTION rdk.assert_staff_manager(p_tenant uuid) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
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
$$;

-- The profile of a staff login that the caller may manage (locked), or raises.
CREATE FUNCTION rdk.managed_profile(p_login text, p_allow_self boolean) RETURNS public.profiles
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
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
$$;

CREATE FUNCTION rdk.create_staff(p_login text, p_password_verifier text, p_tenant uuid, p_role text, p_display_name text)
RETURNS uuid
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
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
$$;
COMMENT ON FUNCTION rdk.create_staff(text, text, uuid, text, text) IS
    'Creates a staff LOGIN role (SCRAM verifier or plain password), its group membership and profile; owner or verified admin of the tenant';

CREATE FUNCTION rdk.set_staff_role(p_login text, p_role text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
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
$$;

CREATE FUNCTION rdk.disable_staff(p_login text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
DECLARE
    v_profile public.profiles := rdk.managed_profile(p_login, false);
BEGIN
    -- Open sessions are not terminated, but with an inactive profile they see nothing.
    EXECUTE format('ALTER ROLE %I NOLOGIN', p_login);
    UPDATE public.profiles SET active = false WHERE id = v_profile.id AND active;
    DELETE FROM rdk.session_2fa WHERE profile_id = v_profile.id;
END
$$;

CREATE FUNCTION rdk.enable_staff(p_login text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
DECLARE
    v_profile public.profiles := rdk.managed_profile(p_login, false);
BEGIN
    EXECUTE format('ALTER ROLE %I LOGIN', p_login);
    UPDATE public.profiles SET active = true WHERE id = v_profile.id AND NOT active;
END
$$;

CREATE FUNCTION rdk.set_staff_password(p_login text, p_password_verifier text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
DECLARE
    v_profile public.profiles := rdk.managed_profile(p_login, true);
BEGIN
    PERFORM rdk.check_password_verifier(p_password_verifier);
    EXECUTE format('ALTER ROLE %I PASSWORD %L', p_login, p_password_verifier);
END
$$;

-- Lost authenticator: removes the TOTP secret; the person enrols again (admins must, before
-- they can write). Owner, or a verified admin of the tenant for someone else.
CREATE FUNCTION rdk.reset_staff_totp(p_login text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
DECLARE
    v_profile public.profiles := rdk.managed_profile(p_login, false);
BEGIN
    DELETE FROM rdk.staff_totp WHERE profile_id = v_profile.id;
    DELETE FROM rdk.session_2fa WHERE profile_id = v_profile.id;
    UPDATE public.profiles SET twofa_enabled = false WHERE id = v_profile.id AND twofa_enabled;
END
$$;

-- OWNER ONLY (no grants): enrol a staff login with a fresh, already confirmed secret and
-- return it once as base32, for the CLI to show when it creates an admin.
CREATE FUNCTION rdk.owner_enroll_totp(p_login text) RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
DECLARE
    v_profile public.profiles;
    v_secret bytea := public.gen_random_bytes(20);
BEGIN
    IF NOT rdk.caller_is_owner() THEN
        RAISE EXCEPTION 'only the database owner can enrol 2FA this way' USING ERRCODE = '42501';
    END IF;
    SELECT * INTO v_profile FROM public.profiles p WHERE p.db_role = p_login FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'No staff member with the login %.', p_login USING ERRCODE = 'P0002';
    END IF;
    PERFORM rdk.totp_guard_ensure(v_profile.id);
    INSERT INTO rdk.staff_totp (profile_id, secret, confirmed_at)
    VALUES (v_profile.id, v_secret, now())
    ON CONFLICT (profile_id) DO UPDATE SET secret = EXCLUDED.secret, confirmed_at = EXCLUDED.confirmed_at,
                                           pending_secret = NULL, pending_created_at = NULL,
                                           last_step = NULL, updated_at = now();
    DELETE FROM rdk.session_2fa WHERE profile_id = v_profile.id;
    UPDATE public.profiles SET twofa_enabled = true WHERE id = v_profile.id AND NOT twofa_enabled;
    PERFORM rdk.totp_clear_failures(v_profile.id);
    RETURN rdk.base32_encode(v_secret);
END
$$;

-- OWNER ONLY: a LOGIN role for rdk-sync.
CREATE FUNCTION rdk.create_service_login(p_login text, p_password_verifier text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
BEGIN
    IF NOT rdk.caller_is_owner() THEN
        RAISE EXCEPTION 'only the database owner can create service logins' USING ERRCODE = '42501';
    END IF;
    PERFORM rdk.check_login_name(p_login);
    PERFORM rdk.check_password_verifier(p_password_verifier);
    IF EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = p_login) THEN
        RAISE EXCEPTION 'The login % is already taken.', p_login USING ERRCODE = '42710';
    END IF;
    EXECUTE format('CREATE ROLE %I LOGIN INHERIT NOCREATEDB NOCREATEROLE PASSWORD %L', p_login, p_password_verifier);
    EXECUTE format('GRANT rdk_sync TO %I', p_login);
END
$$;

-- ---------------------------------------------------------------------------------------
-- 8. Row triggers: default tenant, order author, order state machine
-- ---------------------------------------------------------------------------------------
CREATE FUNCTION rdk.fill_tenant_id() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
BEGIN
    IF NEW.tenant_id IS NULL THEN
        NEW.tenant_id := rdk.current_tenant();
    END IF;
    RETURN NEW;
END
$$;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['products', 'inventory', 'product_images', 'product_image_variants', 'orders',
                             'order_items', 'stock_reservations', 'stripe_events', 'page_views'] LOOP
        EXECUTE format('CREATE TRIGGER %I BEFORE INSERT ON public.%I FOR EACH ROW EXECUTE FUNCTION rdk.fill_tenant_id()',
                       t || '_0_fill_tenant', t);
    END LOOP;
END $$;

-- orders.created_by is who really created the order, whatever the client sent.
CREATE FUNCTION rdk.orders_keep_author() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF rdk.is_service() OR rdk.current_staff_role() IS NOT NULL THEN
            NEW.created_by := session_user;
        END IF;
    ELSE
        NEW.created_by := OLD.created_by;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER orders_1_keep_author BEFORE INSERT OR UPDATE OF created_by ON public.orders
    FOR EACH ROW EXECUTE FUNCTION rdk.orders_keep_author();

CREATE FUNCTION rdk.order_transition_allowed(p_from text, p_to text) RETURNS boolean
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
    SELECT p_from = p_to OR (p_from, p_to) IN (
        ('pending', 'awaiting_payment'), ('pending', 'paid'), ('pending', 'canceled'),
        ('awaiting_payment', 'paid'), ('awaiting_payment', 'canceled'),
        ('paid', 'shipped'), ('paid', 'fulfilled'), ('paid', 'refunded'), ('paid', 'partially_refunded'),
        ('partially_refunded', 'partially_refunded'), ('partially_refunded', 'refunded'),
        ('shipped', 'refunded'), ('shipped', 'partially_refunded'),
        ('fulfilled', 'refunded'), ('fulfilled', 'partially_refunded'))
$$;

CREATE FUNCTION rdk.orders_check_status() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
BEGIN
    IF NOT rdk.order_transition_allowed(OLD.status, NEW.status) THEN
        RAISE EXCEPTION 'illegal order status transition: % -> %', OLD.status, NEW.status
            USING ERRCODE = 'P0001';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER orders_2_status_machine BEFORE UPDATE OF status ON public.orders
    FOR EACH ROW EXECUTE FUNCTION rdk.orders_check_status();

-- ---------------------------------------------------------------------------------------
-- 9. Stock housekeeping
-- ---------------------------------------------------------------------------------------
CREATE FUNCTION rdk.release_expired_reservations() RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
DECLARE
    v_all boolean := rdk.caller_is_owner();
    v_tenant uuid := rdk.current_tenant();
    v_reason text := current_setting('rdk.reason', true);
    v_orders uuid[] := '{}';
    v_count integer := 0;
    r record;
BEGIN
    IF NOT v_all THEN
        IF v_tenant IS NULL THEN
            RETURN 0;
        END IF;
        IF NOT rdk.can_write() THEN
            RAISE EXCEPTION 'Enter your two-factor code first.' USING ERRCODE = '42501';
        END IF;
    END IF;
    PERFORM set_config('rdk.reason', 'reservation_expired', true);
    -- Inventory rows are locked in id order so concurrent callers can't deadlock; rows
    -- another transaction holds (a webhook marking them sold) are left for later.
    FOR r IN
        SELECT s.id, s.inventory_id, s.quantity, s.order_id
          FROM public.stock_reservations s
          JOIN public.orders o ON o.id = s.order_id
         WHERE s.state = 'held' AND s.expires_at <= now()
           AND o.status IN ('pending', 'awaiting_payment', 'canceled')
           AND (v_all OR s.tenant_id = v_tenant)
         ORDER BY s.inventory_id, s.id
           FOR UPDATE OF s SKIP LOCKED
    LOOP
        UPDATE public.stock_reservations SET state = 'released' WHERE id = r.id;
        UPDATE public.inventory SET reserved = greatest(reserved - r.quantity, 0) WHERE id = r.inventory_id;
        IF NOT r.order_id = ANY (v_orders) THEN
            v_orders := v_orders || r.order_id;
        END IF;
        v_count := v_count + 1;
    END LOOP;
    UPDATE public.orders o
       SET status = 'canceled', canceled_at = coalesce(o.canceled_at, now())
     WHERE o.id = ANY (v_orders)
       AND o.status IN ('pending', 'awaiting_payment')
       AND NOT EXISTS (SELECT 1 FROM public.stock_reservations s WHERE s.order_id = o.id AND s.state = 'held');
    PERFORM set_config('rdk.reason', coalesce(v_reason, ''), true);
    RETURN v_count;
END
$$;
COMMENT ON FUNCTION rdk.release_expired_reservations() IS
    'Releases held reservations past expires_at (caller''s tenant; all tenants for the owner), cancels orders left holding nothing';

-- ---------------------------------------------------------------------------------------
-- 10. Function privileges
-- ---------------------------------------------------------------------------------------
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA rdk FROM PUBLIC;

GRANT EXECUTE ON FUNCTION rdk.current_tenant(), rdk.current_staff_role(), rdk.is_service(), rdk.can_write(),
                          rdk.session_2fa_verified(), rdk.current_profile_id(), rdk.release_expired_reservations()
    TO rdk_staff, rdk_ops, rdk_admin, rdk_sync;
GRANT EXECUTE ON FUNCTION rdk.order_transition_allowed(text, text) TO rdk_staff, rdk_ops, rdk_admin, rdk_sync;
GRANT EXECUTE ON FUNCTION rdk.totp_begin_enrolment(), rdk.totp_confirm(text), rdk.totp_verify(text)
    TO rdk_staff, rdk_ops, rdk_admin;
GRANT EXECUTE ON FUNCTION rdk.create_staff(text, text, uuid, text, text), rdk.set_staff_role(text, text),
                          rdk.disable_staff(text), rdk.enable_staff(text), rdk.set_staff_password(text, text),
                          rdk.reset_staff_totp(text)
    TO rdk_admin;
-- rdk.owner_enroll_totp and rdk.create_service_login: owner only (no grant).

-- ---------------------------------------------------------------------------------------
-- 11. Row-level security. T = the caller's tenant, W = rdk.can_write(); both evaluated
--     once per statement through (SELECT ...). Every write policy checks W; WITH CHECK
--     pins tenant_id to T so no row can be created in or moved to another tenant.
-- ---------------------------------------------------------------------------------------
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE profiles ENABLE ROW LEVEL SECURITY;
ALTER TABLE products ENABLE ROW LEVEL SECURITY;
ALTER TABLE inventory ENABLE ROW LEVEL SECURITY;
ALTER TABLE product_images ENABLE ROW LEVEL SECURITY;
ALTER TABLE product_image_variants ENABLE ROW LEVEL SECURITY;
ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
ALTER TABLE order_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE stock_reservations ENABLE ROW LEVEL SECURITY;
ALTER TABLE stripe_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE page_views ENABLE ROW LEVEL SECURITY;

REVOKE ALL ON tenants, profiles, products, inventory, product_images, product_image_variants, orders,
              order_items, stock_reservations, stripe_events, audit_log, page_views FROM PUBLIC;

-- tenants
GRANT SELECT ON tenants TO rdk_sync, rdk_staff, rdk_ops, rdk_admin;
GRANT UPDATE (name, currency, timezone) ON tenants TO rdk_admin;
CREATE POLICY tenants_select ON tenants FOR SELECT TO rdk_sync, rdk_staff, rdk_ops, rdk_admin
    USING (id = (SELECT rdk.current_tenant()));
CREATE POLICY tenants_update_admin ON tenants FOR UPDATE TO rdk_admin
    USING (id = (SELECT rdk.current_tenant()) AND (SELECT rdk.current_staff_role()) = 'admin')
    WITH CHECK (id = (SELECT rdk.current_tenant()) AND (SELECT rdk.current_staff_role()) = 'admin'
                AND (SELECT rdk.can_write()));

-- profiles: written only through the SECURITY DEFINER functions above
GRANT SELECT ON profiles TO rdk_staff, rdk_ops, rdk_admin;
CREATE POLICY profiles_select_own ON profiles FOR SELECT TO rdk_staff, rdk_ops, rdk_admin
    USING (tenant_id = (SELECT rdk.current_tenant()) AND db_role = session_user);
CREATE POLICY profiles_select_admin ON profiles FOR SELECT TO rdk_admin
    USING (tenant_id = (SELECT rdk.current_tenant()) AND (SELECT rdk.current_staff_role()) = 'admin');

-- products
GRANT SELECT ON products TO rdk_sync, rdk_staff, rdk_ops, rdk_admin;
GRANT INSERT, UPDATE ON products TO rdk_ops, rdk_admin;
GRANT DELETE ON products TO rdk_admin;
CREATE POLICY products_select_service ON products FOR SELECT TO rdk_sync
    USING (tenant_id = (SELECT rdk.current_tenant()) AND published AND NOT archived);
CREATE POLICY products_select_staff ON products FOR SELECT TO rdk_staff, rdk_ops, rdk_admin
    USING (tenant_id = (SELECT rdk.current_tenant()));
CREATE POLICY products_insert_ops ON products FOR INSERT TO rdk_ops, rdk_admin
    WITH CHECK (tenant_id = (SELECT rdk.current_tenant()) AND (SELECT rdk.current_staff_role()) IN ('ops', 'admin')
                AND (SELECT rdk.can_write()));
CREATE POLICY products_update_ops ON products FOR UPDATE TO rdk_ops, rdk_admin
    USING (tenant_id = (SELECT rdk.current_tenant()) AND (SELECT rdk.current_staff_role()) IN ('ops', 'admin'))
    WITH CHECK (tenant_id = (SELECT rdk.current_tenant()) AND (SELECT rdk.current_staff_role()) IN ('ops', 'admin')
                AND (SELECT rdk.can_write()));
CREATE POLICY products_delete_admin ON products FOR DELETE TO rdk_admin
    USING (tenant_id = (SELECT rdk.current_tenant()) AND (SELECT rdk.current_staff_role()) = 'admin'
           AND (SELECT rdk.can_write()));

-- inventory
GRANT SELECT ON inventory TO rdk_sync, rdk_staff, rdk_ops, rdk_admin;
GRANT UPDATE (quantity, reserved) ON inventory TO rdk_sync;
GRANT UPDATE (reserved) ON inventory TO rdk_staff;
GRANT INSERT, UPDATE ON inventory TO rdk_ops, rdk_admin;
CREATE POLICY inventory_select ON inventory FOR SELECT TO rdk_sync, rdk_staff, rdk_ops, rdk_admin
    USING (tenant_id = (SELECT rdk.current_tenant()));
CREATE POLICY inventory_insert_ops ON inventory FOR INSERT TO rdk_ops, rdk_admin
    WITH CHECK (tenant_id = (SELECT rdk.current_tenant()) AND (SELECT rdk.current_staff_role()) IN ('ops', 'admin')
                AND (SELECT rdk.can_write()));
-- staff reach only `reserved` through the column grant; ops/admin every column.
CREATE POLICY inventory_update ON inventory FOR UPDATE TO rdk_sync, rdk_staff, rdk_ops, rdk_admin
    USING (tenant_id = (SELECT rdk.current_tenant()))
    WITH CHECK (tenant_id = (SELECT rdk.current_tenant()) AND (SELECT rdk.can_write()));

-- product_images and product_image_variants
GRANT SELECT ON product_images, product_image_variants TO rdk_sync, rdk_staff, rdk_ops, rdk_admin;
GRANT INSERT, UPDATE, DELETE ON product_images, product_image_variants TO rdk_ops, rdk_admin;
CREATE POLICY product_images_select ON product_images FOR SELECT TO rdk_sync, rdk_staff, rdk_ops, rdk_admin
    USING (tenant_id = (SELECT rdk.current_tenant()));
CREATE POLICY product_images_insert_ops ON product_images FOR INSERT TO rdk_ops, rdk_admin
    WITH CHECK (tenant_id = (SELECT rdk.current_tenant()) AND (SELECT rdk.current_staff_role()) IN ('ops', 'admin')
                AND (SELECT rdk.can_write()));
CREATE POLICY product_images_update_ops ON product_images FOR UPDATE TO rdk_ops, rdk_admin
    USING (tenant_id = (SELECT rdk.current_tenant()) AND (SELECT rdk.current_staff_role()) IN ('ops', 'admin'))
    WITH CHECK (tenant_id = (SELECT rdk.current_tenant()) AND (SELECT rdk.current_staff_role()) IN ('ops', 'admin')
                AND (SELECT rdk.can_write()));
CREATE POLICY product_images_delete_ops ON product_images FOR DELETE TO rdk_ops, rdk_admin
    USING (tenant_id = (SELECT rdk.current_tenant()) AND (SELECT rdk.current_staff_role()) IN ('ops', 'admin')
           AND (SELECT rdk.can_write()));
CREATE POLICY product_image_variants_select ON product_image_variants FOR SELECT TO rdk_sync, rdk_staff, rdk_ops, rdk_admin
    USING (tenant_id = (SELECT rdk.current_tenant()));
CREATE POLICY product_image_variants_insert_ops ON product_image_variants FOR INSERT TO rdk_ops, rdk_admin
    WITH CHECK (tenant_id = (SELECT rdk.current_tenant()) AND (SELECT rdk.current_staff_role()) IN ('ops', 'admin')
                AND (SELECT rdk.can_write()));
CREATE POLICY product_image_variants_update_ops ON product_image_variants FOR UPDATE TO rdk_ops, rdk_admin
    USING (tenant_id = (SELECT rdk.current_tenant()) AND (SELECT rdk.current_staff_role()) IN ('ops', 'admin'))
    WITH CHECK (tenant_id = (SELECT rdk.current_tenant()) AND (SELECT rdk.current_staff_role()) IN ('ops', 'admin')
                AND (SELECT rdk.can_write()));
CREATE POLICY product_image_variants_delete_ops ON product_image_variants FOR DELETE TO rdk_ops, rdk_admin
    USING (tenant_id = (SELECT rdk.current_tenant()) AND (SELECT rdk.current_staff_role()) IN ('ops', 'admin')
           AND (SELECT rdk.can_write()));

-- orders (the status trigger stops illegal moves whoever writes)
GRANT SELECT, INSERT, UPDATE ON orders TO rdk_sync, rdk_staff, rdk_ops, rdk_admin;
CREATE POLICY orders_select ON orders FOR SELECT TO rdk_sync, rdk_staff, rdk_ops, rdk_admin
    USING (tenant_id = (SELECT rdk.current_tenant()));
CREATE POLICY orders_insert_service ON orders FOR INSERT TO rdk_sync
    WITH CHECK (tenant_id = (SELECT rdk.current_tenant()) AND channel IN ('online', 'pos') AND (SELECT rdk.can_write()));
CREATE POLICY orders_insert_staff ON orders FOR INSERT TO rdk_staff, rdk_ops, rdk_admin
    WITH CHECK (tenant_id = (SELECT rdk.current_tenant()) AND channel = 'pos'
                AND status IN ('pending', 'awaiting_payment') AND (SELECT rdk.can_write()));
CREATE POLICY orders_update ON orders FOR UPDATE TO rdk_sync, rdk_staff, rdk_ops, rdk_admin
    USING (tenant_id = (SELECT rdk.current_tenant()))
    WITH CHECK (tenant_id = (SELECT rdk.current_tenant()) AND (SELECT rdk.can_write()));

-- order_items
GRANT SELECT, INSERT ON order_items TO rdk_sync, rdk_staff, rdk_ops, rdk_admin;
CREATE POLICY order_items_select ON order_items FOR SELECT TO rdk_sync, rdk_staff, rdk_ops, rdk_admin
    USING (tenant_id = (SELECT rdk.current_tenant()));
CREATE POLICY order_items_insert ON order_items FOR INSERT TO rdk_sync, rdk_staff, rdk_ops, rdk_admin
    WITH CHECK (tenant_id = (SELECT rdk.current_tenant()) AND (SELECT rdk.can_write()));

-- stock_reservations
GRANT SELECT, INSERT, UPDATE ON stock_reservations TO rdk_sync, rdk_staff, rdk_ops, rdk_admin;
CREATE POLICY stock_reservations_select ON stock_reservations FOR SELECT TO rdk_sync, rdk_staff, rdk_ops, rdk_admin
    USING (tenant_id = (SELECT rdk.current_tenant()));
CREATE POLICY stock_reservations_insert ON stock_reservations FOR INSERT TO rdk_sync, rdk_staff, rdk_ops, rdk_admin
    WITH CHECK (tenant_id = (SELECT rdk.current_tenant()) AND (SELECT rdk.can_write()));
CREATE POLICY stock_reservations_update ON stock_reservations FOR UPDATE TO rdk_sync, rdk_staff, rdk_ops, rdk_admin
    USING (tenant_id = (SELECT rdk.current_tenant()))
    WITH CHECK (tenant_id = (SELECT rdk.current_tenant()) AND (SELECT rdk.can_write()));

-- stripe_events
GRANT SELECT, INSERT ON stripe_events TO rdk_sync;
GRANT SELECT ON stripe_events TO rdk_admin;
CREATE POLICY stripe_events_select_service ON stripe_events FOR SELECT TO rdk_sync
    USING (tenant_id = (SELECT rdk.current_tenant()));
CREATE POLICY stripe_events_select_admin ON stripe_events FOR SELECT TO rdk_admin
    USING (tenant_id = (SELECT rdk.current_tenant()) AND (SELECT rdk.current_staff_role()) = 'admin');
CREATE POLICY stripe_events_insert_service ON stripe_events FOR INSERT TO rdk_sync
    WITH CHECK (tenant_id = (SELECT rdk.current_tenant()) AND (SELECT rdk.can_write()));

-- audit_log: read by admins; written only by the audit triggers (0003), never changed
GRANT SELECT ON audit_log TO rdk_admin;
CREATE POLICY audit_log_select_admin ON audit_log FOR SELECT TO rdk_admin
    USING (tenant_id = (SELECT rdk.current_tenant()) AND (SELECT rdk.current_staff_role()) = 'admin');

-- page_views: counted by the service, read by ops/admin dashboards
GRANT INSERT ON page_views TO rdk_sync;
GRANT SELECT ON page_views TO rdk_ops, rdk_admin;
CREATE POLICY page_views_insert_service ON page_views FOR INSERT TO rdk_sync
    WITH CHECK (tenant_id = (SELECT rdk.current_tenant()) AND (SELECT rdk.can_write()));
CREATE POLICY page_views_select_ops ON page_views FOR SELECT TO rdk_ops, rdk_admin
    USING (tenant_id = (SELECT rdk.current_tenant()) AND (SELECT rdk.current_staff_role()) IN ('ops', 'admin'));
