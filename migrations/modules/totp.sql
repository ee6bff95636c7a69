-- Module totp: Second factor (TOTP, RFC 6238): enrolment, confirmation, verification and its rate limit.
-- Re-runnable: applied whole, in one transaction, whenever this file's checksum changes.
-- This file is the one place to change these functions (ADR 0011); keep each GRANT next to its function.

-- rdk.base32_encode(bytea)
CREATE OR REPLACE FUNCTION rdk.base32_encode(p_data bytea)
 RETURNS text
 LANGUAGE plpgsql
 IMMUTABLE STRICT
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
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
$function$;
REVOKE ALL ON FUNCTION rdk.base32_encode(bytea) FROM PUBLIC;

-- rdk.base32_decode(text)
CREATE OR REPLACE FUNCTION rdk.base32_decode(p_text text)
 RETURNS bytea
 LANGUAGE plpgsql
 IMMUTABLE STRICT
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
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
$function$;
REVOKE ALL ON FUNCTION rdk.base32_decode(text) FROM PUBLIC;

-- rdk.totp_code(bytea,bigint)
CREATE OR REPLACE FUNCTION rdk.totp_code(p_secret bytea, p_step bigint)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE STRICT
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
    SELECT lpad(((((get_byte(h, o) & 127)::bigint << 24)
                  | (get_byte(h, o + 1)::bigint << 16)
                  | (get_byte(h, o + 2)::bigint << 8)
                  |  get_byte(h, o + 3)::bigint) % 1000000)::text, 6, '0')
      FROM (SELECT h, get_byte(h, 19) & 15 AS o
              FROM (SELECT public.hmac(int8send(p_step), p_secret, 'sha1') AS h) AS mac) AS x
$function$;
REVOKE ALL ON FUNCTION rdk.totp_code(bytea,bigint) FROM PUBLIC;

-- rdk.totp_match(bytea,text,bigint)
CREATE OR REPLACE FUNCTION rdk.totp_match(p_secret bytea, p_code text, p_after bigint)
 RETURNS bigint
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
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
$function$;
REVOKE ALL ON FUNCTION rdk.totp_match(bytea,text,bigint) FROM PUBLIC;

-- rdk.totp_guard_name(uuid)
CREATE OR REPLACE FUNCTION rdk.totp_guard_name(p_profile uuid)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE STRICT
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$ SELECT 'totp_guard_' || replace(p_profile::text, '-', '') $function$;
REVOKE ALL ON FUNCTION rdk.totp_guard_name(uuid) FROM PUBLIC;

-- rdk.totp_guard_ensure(uuid)
CREATE OR REPLACE FUNCTION rdk.totp_guard_ensure(p_profile uuid)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
BEGIN
    IF to_regclass(format('rdk.%I', rdk.totp_guard_name(p_profile))) IS NULL THEN
        EXECUTE format('CREATE SEQUENCE rdk.%I AS bigint MINVALUE 0 START WITH 0 NO CYCLE', rdk.totp_guard_name(p_profile));
        EXECUTE format('REVOKE ALL ON SEQUENCE rdk.%I FROM PUBLIC', rdk.totp_guard_name(p_profile));
    END IF;
END
$function$;
REVOKE ALL ON FUNCTION rdk.totp_guard_ensure(uuid) FROM PUBLIC;

-- rdk.totp_wait_seconds(uuid)
CREATE OR REPLACE FUNCTION rdk.totp_wait_seconds(p_profile uuid)
 RETURNS integer
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_deadline bigint;
BEGIN
    IF to_regclass(format('rdk.%I', rdk.totp_guard_name(p_profile))) IS NULL THEN
        RAISE EXCEPTION 'Two-factor authentication is not set up correctly for this account; ask the owner to enrol it again.';
    END IF;
    EXECUTE format('SELECT last_value FROM rdk.%I', rdk.totp_guard_name(p_profile)) INTO v_deadline;
    RETURN greatest(0, v_deadline - 1200 - floor(extract(epoch FROM clock_timestamp()))::bigint)::integer;
END
$function$;
REVOKE ALL ON FUNCTION rdk.totp_wait_seconds(uuid) FROM PUBLIC;

-- rdk.totp_record_failure(uuid)
CREATE OR REPLACE FUNCTION rdk.totp_record_failure(p_profile uuid)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_name text := rdk.totp_guard_name(p_profile);
    v_deadline bigint;
BEGIN
    EXECUTE format('SELECT last_value FROM rdk.%I', v_name) INTO v_deadline;
    PERFORM setval(format('rdk.%I', v_name)::regclass,
                   greatest(v_deadline, floor(extract(epoch FROM clock_timestamp()))::bigint) + 300);
    RAISE LOG 'rdk: failed TOTP code for % (backend %)', session_user, pg_backend_pid();
END
$function$;
REVOKE ALL ON FUNCTION rdk.totp_record_failure(uuid) FROM PUBLIC;

-- rdk.totp_clear_failures(uuid)
CREATE OR REPLACE FUNCTION rdk.totp_clear_failures(p_profile uuid)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
BEGIN
    PERFORM setval(format('rdk.%I', rdk.totp_guard_name(p_profile))::regclass, 0);
END
$function$;
REVOKE ALL ON FUNCTION rdk.totp_clear_failures(uuid) FROM PUBLIC;

-- rdk.mark_session_verified(uuid)
CREATE OR REPLACE FUNCTION rdk.mark_session_verified(p_profile uuid)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
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
$function$;
REVOKE ALL ON FUNCTION rdk.mark_session_verified(uuid) FROM PUBLIC;

-- rdk.totp_begin_enrolment()
CREATE OR REPLACE FUNCTION rdk.totp_begin_enrolment()
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
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
$function$;
COMMENT ON FUNCTION rdk.totp_begin_enrolment() IS 'New (unconfirmed) TOTP secret for the session user, as base32; replacing a confirmed one needs a verified session';
REVOKE ALL ON FUNCTION rdk.totp_begin_enrolment() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.totp_begin_enrolment() TO rdk_admin, rdk_ops, rdk_staff;

-- rdk.totp_confirm(text)
CREATE OR REPLACE FUNCTION rdk.totp_confirm(p_code text)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
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
$function$;
COMMENT ON FUNCTION rdk.totp_confirm(text) IS 'Confirms a pending enrolment with a code; turns 2FA on and verifies this session';
REVOKE ALL ON FUNCTION rdk.totp_confirm(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.totp_confirm(text) TO rdk_admin, rdk_ops, rdk_staff;

-- rdk.totp_verify(text)
CREATE OR REPLACE FUNCTION rdk.totp_verify(p_code text)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
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
$function$;
COMMENT ON FUNCTION rdk.totp_verify(text) IS 'Checks a TOTP code for the session user; when right, this session is verified (commit to keep it). Each code works once; 5 wrong codes in 5 minutes lock verification for about 5 minutes';
REVOKE ALL ON FUNCTION rdk.totp_verify(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.totp_verify(text) TO rdk_admin, rdk_ops, rdk_staff;

-- rdk.owner_enroll_totp(text)
CREATE OR REPLACE FUNCTION rdk.owner_enroll_totp(p_login text)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
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
$function$;
REVOKE ALL ON FUNCTION rdk.owner_enroll_totp(text) FROM PUBLIC;

-- rdk.admin_begin_totp_enrolment(text)
CREATE OR REPLACE FUNCTION rdk.admin_begin_totp_enrolment(p_login text)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_profile public.profiles := rdk.managed_profile(p_login, true);
    v_secret bytea := public.gen_random_bytes(20);
BEGIN
    IF NOT v_profile.active THEN
        RAISE EXCEPTION 'The account % is disabled; enable it before setting up two-factor authentication.', p_login
            USING ERRCODE = '22023';
    END IF;
    PERFORM rdk.totp_guard_ensure(v_profile.id);
    INSERT INTO rdk.staff_totp AS t (profile_id, pending_secret, pending_created_at)
    VALUES (v_profile.id, v_secret, now())
    ON CONFLICT (profile_id) DO UPDATE SET pending_secret = EXCLUDED.pending_secret,
                                           pending_created_at = EXCLUDED.pending_created_at,
                                           updated_at = now();
    RETURN rdk.base32_encode(v_secret);
END
$function$;
COMMENT ON FUNCTION rdk.admin_begin_totp_enrolment(text) IS 'Admin (verified, same tenant) or owner: new pending TOTP secret for a staff login, as base32';
REVOKE ALL ON FUNCTION rdk.admin_begin_totp_enrolment(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.admin_begin_totp_enrolment(text) TO rdk_admin;

-- rdk.admin_confirm_totp_enrolment(text,text)
CREATE OR REPLACE FUNCTION rdk.admin_confirm_totp_enrolment(p_login text, p_code text)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_profile public.profiles := rdk.managed_profile(p_login, true);
    v_totp rdk.staff_totp;
    v_step bigint;
    v_wait integer;
BEGIN
    SELECT * INTO v_totp FROM rdk.staff_totp t
     WHERE t.profile_id = v_profile.id AND t.pending_secret IS NOT NULL
       AND t.pending_created_at > now() - interval '1 hour'
       FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'No two-factor set-up is waiting for %; start again.', p_login USING ERRCODE = 'P0002';
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
    -- Sessions verified against an older secret of that person must verify again; an
    -- admin enrolling their own new phone has just proved it, like rdk.totp_confirm.
    DELETE FROM rdk.session_2fa WHERE profile_id = v_profile.id;
    IF p_login = session_user THEN
        PERFORM rdk.mark_session_verified(v_profile.id);
    END IF;
    UPDATE public.profiles SET twofa_enabled = true WHERE id = v_profile.id AND NOT twofa_enabled;
    PERFORM rdk.totp_clear_failures(v_profile.id);
    PERFORM rdk.audit_write(v_profile.tenant_id, 'totp_enrolled', 'profile', v_profile.id::text,
                            NULL, jsonb_build_object('db_role', v_profile.db_role));
    RETURN true;
END
$function$;
COMMENT ON FUNCTION rdk.admin_confirm_totp_enrolment(text,text) IS 'Admin (verified, same tenant) or owner: confirms a pending TOTP secret of a staff login with its first code';
REVOKE ALL ON FUNCTION rdk.admin_confirm_totp_enrolment(text,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.admin_confirm_totp_enrolment(text,text) TO rdk_admin;
