-- 0025: a stock change no longer rewrites every index of inventory (issue 15 "Drop day").
--
-- inventory_low_stock_idx (tenant_id, quantity) came with the first schema for a low-stock list
-- that was never written that way: the dashboard's list filters on quantity - reserved
-- (data/pgdashboard.cpp), which this index can't serve beyond its tenant_id prefix, and the
-- tenant's other indexes give that prefix too. What it did cost: quantity is in it, so every
-- update of a stock row (a hold at checkout, a payment, an expiry, a sale at the counter) was a
-- non-HOT update that wrote a new entry in all six indexes of the table. Without it, such an
-- update touches no indexed column and PostgreSQL can keep it on the row's page (HOT).
--
-- fillfactor 90 leaves room on each page for those updates as pages are written from now on.
DROP INDEX IF EXISTS public.inventory_low_stock_idx;
ALTER TABLE public.inventory SET (fillfactor = 90);
