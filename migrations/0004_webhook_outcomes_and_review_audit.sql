-- The webhook path records each Stripe event first (the primary key serializes duplicate
-- deliveries) and writes its outcome at the end of the same transaction, so the service
-- needs to update the two outcome columns of its own shop's events. Nothing else.
GRANT UPDATE (outcome, order_id) ON stripe_events TO rdk_sync;
CREATE POLICY stripe_events_update_service ON stripe_events FOR UPDATE TO rdk_sync
    USING (tenant_id = (SELECT rdk.current_tenant()))
    WITH CHECK (tenant_id = (SELECT rdk.current_tenant()) AND (SELECT rdk.can_write()));

-- Flagging an order for review (money that doesn't match, a payment for a canceled order)
-- is a change staff must be able to trace, so it joins status and refunds in the audit log.
CREATE OR REPLACE FUNCTION rdk.audit_orders() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, rdk, pg_temp
AS $$
DECLARE
    v_before jsonb := '{}';
    v_after jsonb := '{}';
BEGIN
    IF OLD.status IS DISTINCT FROM NEW.status THEN
        v_before := v_before || jsonb_build_object('status', OLD.status);
        v_after := v_after || jsonb_build_object('status', NEW.status);
    END IF;
    IF OLD.refunded_minor IS DISTINCT FROM NEW.refunded_minor THEN
        v_before := v_before || jsonb_build_object('refunded_minor', OLD.refunded_minor);
        v_after := v_after || jsonb_build_object('refunded_minor', NEW.refunded_minor, 'currency', NEW.currency);
    END IF;
    IF OLD.needs_review IS DISTINCT FROM NEW.needs_review OR OLD.review_reason IS DISTINCT FROM NEW.review_reason THEN
        v_before := v_before || jsonb_build_object('needs_review', OLD.needs_review);
        v_after := v_after || jsonb_build_object('needs_review', NEW.needs_review, 'review_reason', NEW.review_reason);
    END IF;
    IF v_after = '{}'::jsonb THEN
        RETURN NULL;
    END IF;
    PERFORM rdk.audit_write(NEW.tenant_id,
                            CASE WHEN v_before ? 'status' THEN 'status'
                                 WHEN v_before ? 'needs_review' THEN 'review' ELSE 'update' END,
                            'order', NEW.id::text, v_before,
                            v_after || jsonb_build_object('order_number', NEW.order_number, 'channel', NEW.channel));
    RETURN NULL;
END
$$;
DROP TRIGGER orders_audit ON public.orders;
CREATE TRIGGER orders_audit AFTER UPDATE OF status, refunded_minor, needs_review, review_reason ON public.orders
    FOR EACH ROW EXECUTE FUNCTION rdk.audit_orders();
