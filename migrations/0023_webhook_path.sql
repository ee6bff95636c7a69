-- 0023: indexes of the Stripe webhook path (issue 15 "Drop day", ADR 0028).
--
-- A payment event names our order in its metadata; a refund (charge.refunded) and any event
-- without metadata find the order by its payment intent. Nothing indexed that column, so such
-- an event scanned the shop's orders: milliseconds per event at 100,000 orders, growing with
-- the history. rdk.apply_payment_event looks it up with its own statement, which uses this.
CREATE INDEX orders_tenant_payment_intent_idx ON public.orders (tenant_id, stripe_payment_intent_id)
    WHERE stripe_payment_intent_id IS NOT NULL;

-- Every payment writes three audit rows (order status, stock, new customer), each into every
-- index of audit_log. (tenant_id, at) is served as well by audit_log_tenant_at_id_idx
-- (tenant_id, at DESC, id DESC, migration 0009), which the audit screen pages with; the older
-- index only cost each insert.
DROP INDEX public.audit_log_tenant_at_idx;
