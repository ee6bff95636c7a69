-- Indexes for the back office's product list at 50,000+ products: every sortable column can be
-- read in order (tenant first, because row-level security compares tenant_id with an InitPlan
-- value, which an index condition can use), so the first page of any sort stops after a page.
-- Search over SKU, name, brand and colorway is served by products_search_trgm_idx (0001).
-- The default order (by name) also carries what the filters and search read, so the list's
-- first page and a search that matches many products are index-only scans that stop early.
CREATE INDEX products_list_name_idx ON products (tenant_id, name, id)
    INCLUDE (search_text, archived, brand, condition, published);
CREATE INDEX products_tenant_price_idx ON products (tenant_id, price_minor, id);
CREATE INDEX products_tenant_updated_idx ON products (tenant_id, updated_at, id);
CREATE INDEX products_tenant_brand_name_idx ON products (tenant_id, brand, name, id);
-- The primary photo's thumbnail for each list row.
CREATE INDEX product_images_primary_idx ON product_images (product_id, is_primary DESC, position, id);

-- Search through the trigram index. Under row-level security PostgreSQL may not use `LIKE` as
-- an index condition (textlike is not leakproof, so it has to run after the policy's filter),
-- so a staff member's search scanned every product. This function runs as the owner, applies
-- the staff policy's own rule (the caller's tenant) explicitly, and so reaches the index. It
-- returns ids only (at most p_limit when given); the caller reads the rows through its
-- policies as usual.
CREATE FUNCTION rdk.catalog_search(p_pattern text, p_limit integer DEFAULT NULL) RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER ROWS 500
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
    SELECT p.id FROM public.products p
     WHERE p.search_text LIKE p_pattern
       AND (p.tenant_id = (SELECT rdk.current_tenant()) OR (SELECT rdk.caller_is_owner()))
     LIMIT p_limit
$$;
COMMENT ON FUNCTION rdk.catalog_search(text, integer) IS
    'Ids of the caller''s products whose search_text is LIKE the pattern (served by products_search_trgm_idx)';
REVOKE ALL ON FUNCTION rdk.catalog_search(text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.catalog_search(text, integer) TO rdk_staff, rdk_ops, rdk_admin;
