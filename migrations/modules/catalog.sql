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

-- rdk.gtin_check_digit(text)
CREATE OR REPLACE FUNCTION rdk.gtin_check_digit(p_body text)
 RETURNS integer
 LANGUAGE sql
 IMMUTABLE STRICT PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
    -- Weights 3, 1, 3, ... from the digit next to the check digit leftwards (GS1).
    SELECT CASE WHEN p_body ~ '^[0-9]{11,12}$' THEN
        (10 - (SELECT sum(substr(reverse(p_body), i, 1)::integer * CASE WHEN i % 2 = 1 THEN 3 ELSE 1 END)
                 FROM generate_series(1, length(p_body)) AS i) % 10) % 10
    END
$function$;
COMMENT ON FUNCTION rdk.gtin_check_digit(text) IS 'GS1 check digit for the 11 (UPC-A) or 12 (EAN-13) digits before it; NULL for anything else';
REVOKE ALL ON FUNCTION rdk.gtin_check_digit(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.gtin_check_digit(text) TO rdk_admin, rdk_ops, rdk_staff, rdk_sync;

-- rdk.inventory_check_gtin()
CREATE OR REPLACE FUNCTION rdk.inventory_check_gtin()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
    -- CHECK constraints run after this trigger: anything not 12 or 13 digits is left to
    -- inventory_gtin_format. The message names the constraint as PostgreSQL's own do, which
    -- is how the data layer (libpqxx 6 has no constraint field) turns it into a sentence.
    IF NEW.gtin ~ '^[0-9]{12,13}$'
       AND rdk.gtin_check_digit(left(NEW.gtin, length(NEW.gtin) - 1)) <> right(NEW.gtin, 1)::integer THEN
        RAISE EXCEPTION 'new row for relation "inventory" violates check constraint "inventory_gtin_check_digit"'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'inventory_gtin_check_digit',
                  DETAIL = format('Barcode %s has a wrong check digit.', NEW.gtin);
    END IF;
    RETURN NEW;
END
$function$;
COMMENT ON FUNCTION rdk.inventory_check_gtin() IS 'Refuses a box barcode (GTIN) whose check digit does not match its other digits';
REVOKE ALL ON FUNCTION rdk.inventory_check_gtin() FROM PUBLIC;
CREATE OR REPLACE TRIGGER inventory_check_gtin BEFORE INSERT OR UPDATE OF gtin ON public.inventory
    FOR EACH ROW EXECUTE FUNCTION rdk.inventory_check_gtin();

-- rdk.received_since(timestamp with time zone)
CREATE OR REPLACE FUNCTION rdk.received_since(p_since timestamp with time zone)
 RETURNS TABLE(product_id uuid, size text, units integer)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
    -- Units counted in with the reason "received" since p_since, per size of the caller's shop,
    -- from the audit trail (which ops can't read whole: only these sums, for price labels).
    SELECT i.product_id, i.size,
           sum(greatest(coalesce((a.after ->> 'quantity')::integer, 0) - coalesce((a.before ->> 'quantity')::integer, 0), 0))::integer
      FROM public.audit_log a
      JOIN public.inventory i ON i.id::text = a.entity_id AND i.tenant_id = a.tenant_id
     WHERE a.tenant_id = (SELECT rdk.current_tenant())
       AND a.entity = 'inventory' AND a.reason = 'received' AND a.at >= p_since
     GROUP BY i.product_id, i.size
    HAVING sum(greatest(coalesce((a.after ->> 'quantity')::integer, 0) - coalesce((a.before ->> 'quantity')::integer, 0), 0)) > 0
$function$;
COMMENT ON FUNCTION rdk.received_since(timestamp with time zone) IS 'Units received per size of the caller''s shop since a moment (labels for what came in today)';
REVOKE ALL ON FUNCTION rdk.received_since(timestamp with time zone) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.received_since(timestamp with time zone) TO rdk_admin, rdk_ops;
