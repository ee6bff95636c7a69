-- The back office runs slow work (search, imports, photo uploads) on extra database
-- connections of the same staff login. A TOTP code verifies one database session and each
-- code works only once, so an admin's extra connections could never write. Here a session
-- that passed the TOTP check vouches for another live backend of the SAME login in the SAME
-- database: that backend authenticated with the same password, and the verified session's
-- client chose to share its second factor with it. Nothing else changes: a session that is
-- not verified vouches for nobody, and no session can vouch for another login.

CREATE FUNCTION rdk.vouch_for_session(p_pid integer) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
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
$$;
COMMENT ON FUNCTION rdk.vouch_for_session(integer) IS
    'A TOTP-verified session marks another live backend of the same login and database as verified (desk worker connections)';

REVOKE ALL ON FUNCTION rdk.vouch_for_session(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.vouch_for_session(integer) TO rdk_staff, rdk_ops, rdk_admin;
