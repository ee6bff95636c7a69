-- 0015: a size of a product can carry the GTIN printed on its box (UPC-A, 12 digits, or
-- EAN-13), so scanning the box at the counter adds exactly that size. The check digit is
-- verified by a trigger in module catalog.sql (a numbered change creates no function).

ALTER TABLE public.inventory
    ADD COLUMN gtin text CONSTRAINT inventory_gtin_format CHECK (gtin ~ '^[0-9]{12,13}$');

-- The same box read as UPC-A or as EAN-13 (a leading 0) is one code: uniqueness and lookups
-- use the 13-digit form. NULLs stay distinct, so sizes without a barcode don't collide.
ALTER TABLE public.inventory
    ADD COLUMN gtin_key text GENERATED ALWAYS AS (lpad(gtin, 13, '0')) STORED;
ALTER TABLE public.inventory
    ADD CONSTRAINT inventory_gtin_unique UNIQUE (tenant_id, gtin_key) DEFERRABLE INITIALLY IMMEDIATE;

-- Whoever may count stock may label it (ops and admins); cashiers read it like the rest of
-- inventory, under the same row-level security.
GRANT INSERT (gtin), UPDATE (gtin) ON public.inventory TO rdk_ops, rdk_admin;
