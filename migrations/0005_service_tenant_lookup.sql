-- rdk-sync is configured with its shop's slug (RDK_TENANT) but can only see the tenant row
-- once it has set that tenant's id: this answers the one question in between.
CREATE FUNCTION rdk.tenant_id_for_slug(p_slug text) RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
    SELECT id FROM public.tenants WHERE slug = p_slug
$$;
REVOKE ALL ON FUNCTION rdk.tenant_id_for_slug(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.tenant_id_for_slug(text) TO rdk_sync;
