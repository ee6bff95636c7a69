-- Staff administration from the desk app: an admin enrols a colleague's authenticator at the
-- counter (the colleague scans the QR on the admin's screen and types the first code),
-- password resets land in the audit log, and the audit screen pages through large logs.
--
-- Same conventions as 0002: SECURITY DEFINER functions check their caller themselves
-- (rdk.managed_profile -> rdk.assert_staff_manager: owner, or an admin of the same tenant
-- whose session passed 2FA), name tables with their schema and pin search_path.

-- ---------------------------------------------------------------------------------------
-- 1. Password resets are audited (the profile row does not change, so no trigger sees them).
--    Same checks as in 0002; only the audit line is new. The verifier never reaches the log.
-- ---------------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION rdk.set_staff_password(p_login text, p_password_verifier text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
DECLARE
    v_profile public.profiles := rdk.managed_profile(p_login, true);
BEGIN
    PERFORM rdk.check_password_verifier(p_password_verifier);
    EXECUTE format('ALTER ROLE %I PASSWORD %L', p_login, p_password_verifier);
    PERFORM rdk.audit_write(v_profile.tenant_id, 'password_reset', 'profile', v_profile.id::text,
                            NULL, jsonb_build_object('db_role', v_profile.db_role));
END
$$;

-- ---------------------------------------------------------------------------------------
-- 2. Enrolment of another staff member's authenticator by an admin
-- ---------------------------------------------------------------------------------------

-- A fresh pending secret for p_login, returned once as base32. A confirmed secret stays in
-- force until the new one is confirmed, so an abandoned enrolment locks nobody out.
CREATE FUNCTION rdk.admin_begin_totp_enrolment(p_login text) RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
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
$$;
COMMENT ON FUNCTION rdk.admin_begin_totp_enrolment(text) IS
    'Admin (verified, same tenant) or owner: new pending TOTP secret for a staff login, as base32';

-- Confirms the pending secret of p_login with the first code from the colleague's app.
-- Wrong codes count against that profile's throttle (0002), so the admin's screen can't be
-- used to guess. The admin's own session verification is untouched.
CREATE FUNCTION rdk.admin_confirm_totp_enrolment(p_login text, p_code text) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
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
$$;
COMMENT ON FUNCTION rdk.admin_confirm_totp_enrolment(text, text) IS
    'Admin (verified, same tenant) or owner: confirms a pending TOTP secret of a staff login with its first code';

-- ---------------------------------------------------------------------------------------
-- 3. Keyset paging of the audit log, newest first: (tenant, at, id) serves both the date
--    range and the "older than this row" condition; actor and entity for the person and
--    entity filters, in the same order so a page is one short index walk.
-- ---------------------------------------------------------------------------------------
CREATE INDEX audit_log_tenant_at_id_idx ON public.audit_log (tenant_id, at DESC, id DESC);
CREATE INDEX audit_log_tenant_actor_at_idx ON public.audit_log (tenant_id, actor, at DESC, id DESC);
CREATE INDEX audit_log_tenant_entity_at_idx ON public.audit_log (tenant_id, entity, at DESC, id DESC);

-- ---------------------------------------------------------------------------------------
-- 4. Privileges
-- ---------------------------------------------------------------------------------------
REVOKE ALL ON FUNCTION rdk.admin_begin_totp_enrolment(text), rdk.admin_confirm_totp_enrolment(text, text),
                       rdk.set_staff_password(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.admin_begin_totp_enrolment(text), rdk.admin_confirm_totp_enrolment(text, text),
                          rdk.set_staff_password(text, text)
    TO rdk_admin;
