-- Module mail: The mail outbox (migration 0020, ADR 0018): what is queued with which event, how rdk-sync claims, sends and gives up.
-- Re-runnable: applied whole, in one transaction, whenever this file's checksum changes.
-- This file is the one place to change these functions (ADR 0011); keep each GRANT next to its function.

-- rdk.mail_address(text)
CREATE OR REPLACE FUNCTION rdk.mail_address(p_email text)
 RETURNS text
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v text := btrim(p_email, E' \t');
BEGIN
    -- The trimmed address when it is one plain 7-bit address we can send to, else NULL. The same
    -- rule as the table's CHECK (mail_outbox_recipient_shape) and domain/mailaddress.
    -- plpgsql, not sql: see rdk.is_service() (ADR 0028).
    RETURN CASE WHEN length(v) BETWEEN 3 AND 254
                 AND v ~ '^[A-Za-z0-9.!#$%&''*+/=?^_`{|}~-]+@[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$'
                 AND length(split_part(v, '@', 1)) <= 64
                THEN v END;
END
$function$;
REVOKE ALL ON FUNCTION rdk.mail_address(text) FROM PUBLIC;

-- rdk.mail_order_payload(uuid)
CREATE OR REPLACE FUNCTION rdk.mail_order_payload(p_order uuid)
 RETURNS jsonb
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
BEGIN
    -- What a mail about the order says, as it is at the event: the shop (name, currency, time
    -- zone), the order's number, amounts in minor units, lines and tracking. Never the customer's
    -- address or e-mail: staff read this column.
    -- (plpgsql, not sql: the shop's settings table is resolved when a mail is written, so the
    -- module also loads on a database of an older migration level, as upgrade tests build.)
    RETURN (SELECT jsonb_build_object(
        'shop', jsonb_build_object('name', t.name, 'timezone', t.timezone, 'currency', t.currency,
                                   'address', coalesce(s.shop_address, '')),
        'shipping_method', o.shipping_method,
        'fulfillment', o.fulfillment,
        'order_number', o.order_number,
        'channel', o.channel,
        'status', o.status,
        'currency', btrim(o.currency),
        'created_at', o.created_at,
        'paid_at', o.paid_at,
        'subtotal_minor', o.subtotal_minor,
        'shipping_minor', o.shipping_minor,
        'discount_minor', o.discount_minor,
        'tax_minor', o.tax_minor,
        'total_minor', o.total_minor,
        'refunded_minor', o.refunded_minor,
        'carrier', o.carrier,
        'tracking_number', o.tracking_number,
        'lines', coalesce((SELECT jsonb_agg(jsonb_build_object('name', i.name, 'size', i.size, 'quantity', i.quantity,
                                                               'unit_price_minor', i.unit_price_minor,
                                                               'line_total_minor', i.line_total_minor) ORDER BY i.id)
                             FROM public.order_items i WHERE i.order_id = o.id), '[]'::jsonb))
      FROM public.orders o JOIN public.tenants t ON t.id = o.tenant_id
      LEFT JOIN public.shop_settings s ON s.tenant_id = o.tenant_id
     WHERE o.id = p_order);
END
$function$;
REVOKE ALL ON FUNCTION rdk.mail_order_payload(uuid) FROM PUBLIC;

-- rdk.mail_enqueue(uuid,uuid,text,text,text,jsonb)
CREATE OR REPLACE FUNCTION rdk.mail_enqueue(p_tenant uuid, p_order uuid, p_kind text, p_event_key text, p_recipient text, p_extra jsonb)
 RETURNS bigint
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_id bigint;
BEGIN
    -- One row per (order, event): a second call for the same event queues nothing and answers
    -- the first row's id.
    INSERT INTO public.mail_outbox (tenant_id, order_id, kind, event_key, recipient, payload)
    VALUES (p_tenant, p_order, p_kind, p_event_key, p_recipient,
            rdk.mail_order_payload(p_order) || coalesce(p_extra, '{}'::jsonb))
    ON CONFLICT ON CONSTRAINT mail_outbox_one_per_event DO NOTHING
    RETURNING id INTO v_id;
    IF v_id IS NULL THEN
        SELECT m.id INTO v_id FROM public.mail_outbox m
         WHERE m.tenant_id = p_tenant AND m.order_id = p_order AND m.event_key = p_event_key;
    END IF;
    RETURN v_id;
END
$function$;
REVOKE ALL ON FUNCTION rdk.mail_enqueue(uuid,uuid,text,text,text,jsonb) FROM PUBLIC;

-- rdk.mail_orders_enqueue()
CREATE OR REPLACE FUNCTION rdk.mail_orders_enqueue()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    -- An address we can't send to never fails the payment or the shipment: no mail is queued.
    v_to text := rdk.mail_address(NEW.customer_email);
BEGIN
    IF v_to IS NULL THEN
        RETURN NULL;
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status AND NEW.status = 'paid' AND NEW.channel = 'online' THEN
        PERFORM rdk.mail_enqueue(NEW.tenant_id, NEW.id, 'order_paid', 'paid', v_to, NULL);
    END IF;
    IF NEW.ready_for_pickup_at IS NOT NULL AND OLD.ready_for_pickup_at IS NULL THEN
        PERFORM rdk.mail_enqueue(NEW.tenant_id, NEW.id, 'order_ready_for_pickup', 'ready_for_pickup', v_to, NULL);
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status AND NEW.status = 'shipped' THEN
        PERFORM rdk.mail_enqueue(NEW.tenant_id, NEW.id, 'order_shipped', 'shipped', v_to, NULL);
    END IF;
    IF NEW.refunded_minor > OLD.refunded_minor THEN
        PERFORM rdk.mail_enqueue(NEW.tenant_id, NEW.id, 'order_refunded', 'refund:' || NEW.refunded_minor, v_to,
                                 jsonb_build_object('refund_minor', NEW.refunded_minor - OLD.refunded_minor));
    END IF;
    RETURN NULL;
END
$function$;
REVOKE ALL ON FUNCTION rdk.mail_orders_enqueue() FROM PUBLIC;

-- rdk.notify_mail()
CREATE OR REPLACE FUNCTION rdk.notify_mail()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
BEGIN
    -- A wake-up for the shop's sender (ADR 0010): which row, nothing else.
    PERFORM pg_notify(rdk.tenant_channel(NEW.tenant_id, 'mail'), json_build_object('mail_id', NEW.id)::text);
    RETURN NULL;
END
$function$;
REVOKE ALL ON FUNCTION rdk.notify_mail() FROM PUBLIC;

-- rdk.pos_email_receipt(uuid,text)
CREATE OR REPLACE FUNCTION rdk.pos_email_receipt(p_order uuid, p_email text)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenant uuid := rdk.require_staff(ARRAY['staff', 'ops', 'admin'], 'Sign in with a staff account of this shop first.');
    v_order public.orders := rdk.lock_order(v_tenant, p_order);
    v_to text := rdk.mail_address(p_email);
    v_count integer;
    v_id bigint;
BEGIN
    IF v_order.channel <> 'pos' THEN
        RAISE EXCEPTION '% is an online order; its customer gets its mails from the storefront.',
            rdk.order_label(v_order.order_number) USING ERRCODE = '22023';
    END IF;
    IF v_order.status NOT IN ('paid', 'fulfilled', 'partially_refunded', 'refunded') THEN
        RAISE EXCEPTION '% is not paid yet; e-mail the receipt after the payment.', rdk.order_label(v_order.order_number)
            USING ERRCODE = 'P0001';
    END IF;
    IF v_to IS NULL THEN
        RAISE EXCEPTION 'That is not an e-mail address a receipt can be sent to. Type one address, like name@example.com.'
            USING ERRCODE = '22023';
    END IF;
    -- Asked twice for the same address while the first is still on its way: one mail.
    SELECT m.id INTO v_id FROM public.mail_outbox m
     WHERE m.order_id = p_order AND m.kind = 'counter_receipt' AND m.state IN ('queued', 'sending')
       AND lower(m.recipient) = lower(v_to);
    IF FOUND THEN
        RETURN v_id;
    END IF;
    SELECT count(*) INTO v_count FROM public.mail_outbox m WHERE m.order_id = p_order AND m.kind = 'counter_receipt';
    IF v_count >= 5 THEN
        RAISE EXCEPTION 'The receipt of % was already e-mailed 5 times; print it instead.', rdk.order_label(v_order.order_number)
            USING ERRCODE = 'P0001';
    END IF;
    v_id := rdk.mail_enqueue(v_tenant, p_order, 'counter_receipt', 'receipt:' || (v_count + 1), v_to, NULL);
    PERFORM rdk.audit_write(v_tenant, 'email_receipt', 'order', p_order::text, NULL,
                            jsonb_build_object('mail_id', v_id, 'kind', 'counter_receipt'));
    RETURN v_id;
END
$function$;
COMMENT ON FUNCTION rdk.pos_email_receipt(uuid,text) IS 'Staff: queue the receipt of a paid counter sale of their shop to one e-mail address (at most 5 per sale); audited';
REVOKE ALL ON FUNCTION rdk.pos_email_receipt(uuid,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.pos_email_receipt(uuid,text) TO rdk_admin, rdk_ops, rdk_staff;

-- rdk.mail_max_attempts()
CREATE OR REPLACE FUNCTION rdk.mail_max_attempts()
 RETURNS integer
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$ SELECT 8 $function$;
COMMENT ON FUNCTION rdk.mail_max_attempts() IS 'Attempts after which a mail that could not be delivered is given up (failed)';
REVOKE ALL ON FUNCTION rdk.mail_max_attempts() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.mail_max_attempts() TO rdk_admin, rdk_ops, rdk_staff, rdk_sync;

-- rdk.mail_retry_delay(integer)
CREATE OR REPLACE FUNCTION rdk.mail_retry_delay(p_attempts integer)
 RETURNS interval
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
    -- domain/backoff's policy: 30 s doubling per attempt, at most one hour (30 s, 1 min, 2 min ...).
    SELECT least(interval '30 seconds' * power(2, greatest(coalesce(p_attempts, 1), 1) - 1), interval '1 hour')
$function$;
COMMENT ON FUNCTION rdk.mail_retry_delay(integer) IS 'Wait before the next attempt of a mail tried p_attempts times: 30 s doubling, capped at 1 h';
REVOKE ALL ON FUNCTION rdk.mail_retry_delay(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.mail_retry_delay(integer) TO rdk_admin, rdk_ops, rdk_staff, rdk_sync;

-- rdk.claim_mail(integer)
CREATE OR REPLACE FUNCTION rdk.claim_mail(p_limit integer)
 RETURNS TABLE(id bigint, order_id uuid, kind text, recipient text, payload jsonb, attempts integer, message_id uuid)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenant uuid := rdk.current_tenant();
BEGIN
    IF NOT rdk.is_service() THEN
        RAISE EXCEPTION 'Only the rdk-sync service sends mail.' USING ERRCODE = '42501';
    END IF;
    IF v_tenant IS NULL THEN
        RETURN;
    END IF;
    -- A sender that stopped mid-mail (crash, kill) left its rows `sending`; once their lease is
    -- over they are claimed again, or given up when they have had their attempts.
    UPDATE public.mail_outbox m
       SET state = 'failed', leased_until = NULL, updated_at = now(),
           last_error = 'Given up after ' || m.attempts || ' attempts: the sender stopped while sending it.'
     WHERE m.tenant_id = v_tenant AND m.state = 'sending' AND m.leased_until < now()
       AND m.attempts >= rdk.mail_max_attempts();
    RETURN QUERY
    WITH picked AS (
        SELECT m.id FROM public.mail_outbox m
         WHERE m.tenant_id = v_tenant
           AND ((m.state = 'queued' AND m.next_attempt_at <= now())
                OR (m.state = 'sending' AND m.leased_until < now()))
         ORDER BY m.next_attempt_at, m.id
         LIMIT greatest(1, least(coalesce(p_limit, 10), 100))
           FOR UPDATE SKIP LOCKED)
    UPDATE public.mail_outbox m
       SET state = 'sending', attempts = m.attempts + 1, leased_until = now() + interval '2 minutes', updated_at = now()
      FROM picked
     WHERE m.id = picked.id
    RETURNING m.id, m.order_id, m.kind, m.recipient, m.payload, m.attempts, m.message_id;
END
$function$;
COMMENT ON FUNCTION rdk.claim_mail(integer) IS 'rdk-sync: lease (2 minutes) up to p_limit due mails of its shop: queued ones whose time has come and sending ones whose lease ran out';
REVOKE ALL ON FUNCTION rdk.claim_mail(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.claim_mail(integer) TO rdk_sync;

-- rdk.mail_sent(bigint)
CREATE OR REPLACE FUNCTION rdk.mail_sent(p_id bigint)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenant uuid := rdk.current_tenant();
    v_mail public.mail_outbox;
BEGIN
    IF NOT rdk.is_service() THEN
        RAISE EXCEPTION 'Only the rdk-sync service sends mail.' USING ERRCODE = '42501';
    END IF;
    SELECT * INTO v_mail FROM public.mail_outbox m WHERE m.id = p_id AND m.tenant_id = v_tenant FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'No mail %.', p_id USING ERRCODE = 'P0002';
    END IF;
    IF v_mail.state = 'sent' THEN
        RETURN;   -- recorded already: saying it twice changes nothing
    END IF;
    IF v_mail.state <> 'sending' THEN
        RAISE EXCEPTION 'Mail % was not being sent.', p_id USING ERRCODE = 'P0001';
    END IF;
    UPDATE public.mail_outbox
       SET state = 'sent', sent_at = now(), leased_until = NULL, last_error = NULL, updated_at = now()
     WHERE id = p_id;
END
$function$;
COMMENT ON FUNCTION rdk.mail_sent(bigint) IS 'rdk-sync: the SMTP server took the claimed mail (250 to DATA); idempotent';
REVOKE ALL ON FUNCTION rdk.mail_sent(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.mail_sent(bigint) TO rdk_sync;

-- rdk.mail_failed(bigint,text,boolean)
CREATE OR REPLACE FUNCTION rdk.mail_failed(p_id bigint, p_error text, p_permanent boolean)
 RETURNS text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenant uuid := rdk.current_tenant();
    v_mail public.mail_outbox;
    v_error text;
BEGIN
    IF NOT rdk.is_service() THEN
        RAISE EXCEPTION 'Only the rdk-sync service sends mail.' USING ERRCODE = '42501';
    END IF;
    SELECT * INTO v_mail FROM public.mail_outbox m WHERE m.id = p_id AND m.tenant_id = v_tenant FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'No mail %.', p_id USING ERRCODE = 'P0002';
    END IF;
    IF v_mail.state IN ('sent', 'failed') THEN
        RETURN v_mail.state;   -- already settled: a late report changes nothing
    END IF;
    IF v_mail.state <> 'sending' THEN
        RAISE EXCEPTION 'Mail % was not being sent.', p_id USING ERRCODE = 'P0001';
    END IF;
    -- Staff read last_error but not the address: a server that echoes it doesn't leak it.
    v_error := left(replace(coalesce(nullif(btrim(p_error), ''), 'The mail server did not take the mail.'),
                            v_mail.recipient, '(the customer''s address)'), 500);
    IF coalesce(p_permanent, false) OR v_mail.attempts >= rdk.mail_max_attempts() THEN
        UPDATE public.mail_outbox
           SET state = 'failed', leased_until = NULL, updated_at = now(),
               last_error = CASE WHEN coalesce(p_permanent, false) THEN v_error
                                 ELSE left('Given up after ' || v_mail.attempts || ' attempts. ' || v_error, 500) END
         WHERE id = p_id;
        RETURN 'failed';
    END IF;
    UPDATE public.mail_outbox
       SET state = 'queued', leased_until = NULL, updated_at = now(), last_error = v_error,
           next_attempt_at = now() + rdk.mail_retry_delay(v_mail.attempts)
     WHERE id = p_id;
    RETURN 'queued';
END
$function$;
COMMENT ON FUNCTION rdk.mail_failed(bigint,text,boolean) IS 'rdk-sync: a claimed mail was not taken; permanent (5xx) or out of attempts -> failed, else queued again after a backoff';
REVOKE ALL ON FUNCTION rdk.mail_failed(bigint,text,boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.mail_failed(bigint,text,boolean) TO rdk_sync;

CREATE OR REPLACE TRIGGER orders_mail AFTER UPDATE OF status, refunded_minor, ready_for_pickup_at ON public.orders FOR EACH ROW EXECUTE FUNCTION rdk.mail_orders_enqueue();
CREATE OR REPLACE TRIGGER mail_outbox_notify AFTER INSERT OR UPDATE OF state, next_attempt_at ON public.mail_outbox FOR EACH ROW WHEN ((new.state = 'queued'::text)) EXECUTE FUNCTION rdk.notify_mail();
