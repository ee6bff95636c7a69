-- Module catalog: Catalog search under row-level security (ADR 0006).
-- Re-runnable: applied whole, in one transaction, whenever this file's checksum changes.
-- This file is the one place to change these functions (ADR 0011); keep each GRANT next to its function.

-- rdk.catalog_search(text,integer)
CREATE OR REPLACE FUNCTION rdk.catalog_search(p_pattern text, p_limit integer DEFAULT NULL::integer)
 RETURNS SETOF uuid
 LANGUAGE sql
 STABLE SECURITY DEFINER ROWS 500
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
    SELECT p.id FROM public.products p
     WHERE p.search_text LIKE p_pattern
       AND (p.tenant_id = (SELECT rdk.current_tenant()) OR (SELECT rdk.caller_is_owner()))
     LIMIT p_limit
$function$;
COMMENT ON FUNCTION rdk.catalog_search(text,integer) IS 'Ids of the caller''s products whose search_text is LIKE the pattern (served by products_search_trgm_idx)';
REVOKE ALL ON FUNCTION rdk.catalog_search(text,integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.catalog_search(text,integer) TO rdk_admin, rdk_ops, rdk_staff;
