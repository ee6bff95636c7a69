-- Indexes for the back office's product list at 50,000+ products: every sortable column can be
-- read in order (tenant first, because row-level security compares tenant_id with an InitPlan
-- value, which an index condition can use), so the first page of any sort stops after a page.
-- Search over SKU, name, brand and colorway is served by products_search_trgm_idx (0001).
CREATE INDEX products_tenant_name_idx ON products (tenant_id, name, id);
CREATE INDEX products_tenant_price_idx ON products (tenant_id, price_minor, id);
CREATE INDEX products_tenant_updated_idx ON products (tenant_id, updated_at, id);
CREATE INDEX products_tenant_brand_name_idx ON products (tenant_id, brand, name, id);
-- The primary photo's thumbnail for each list row.
CREATE INDEX product_images_primary_idx ON product_images (product_id, is_primary DESC, position, id);
