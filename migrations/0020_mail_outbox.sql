-- 0020: the mail outbox (issue 14 "E-mail that goes out", issue 13 "E-mail the receipt").
--
-- A row is written in the same transaction as the event it tells about (an online order paid,
-- shipped, refunded; a counter receipt asked for at the desk), by the triggers and functions of
-- module mail.sql. rdk-sync claims due rows with a lease, sends them over SMTP and records the
-- outcome. The row carries everything the mail says (payload, a snapshot taken at the event), so
-- a retry sends the same text with the same Message-ID (ADR 0018).
--
-- Nobody writes this table directly: no app role holds INSERT, UPDATE or DELETE. Staff read
-- their shop's rows without the recipient column (they can't read orders.customer_email either,
-- migration 0010 section 4); ops, admins and the shop's rdk-sync read whole rows of their shop.

CREATE TABLE public.mail_outbox (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id       uuid NOT NULL REFERENCES public.tenants(id),
    order_id        uuid NOT NULL,
    kind            text NOT NULL CONSTRAINT mail_outbox_kind_valid
                        CHECK (kind IN ('order_paid', 'order_shipped', 'order_refunded', 'counter_receipt')),
    -- One row per event: 'paid', 'shipped', 'refund:<refunded_minor>', 'receipt:<n>'.
    event_key       text NOT NULL CONSTRAINT mail_outbox_event_key_length CHECK (length(event_key) BETWEEN 1 AND 80),
    -- One plain 7-bit address (no display name, no spaces or line breaks: no header injection).
    recipient       text NOT NULL CONSTRAINT mail_outbox_recipient_shape
                        CHECK (length(recipient) BETWEEN 3 AND 254
                               AND recipient ~ '^[A-Za-z0-9.!#$%&''*+/=?^_`{|}~-]+@[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$'),
    payload         jsonb NOT NULL CONSTRAINT mail_outbox_payload_object CHECK (jsonb_typeof(payload) = 'object'),
    state           text NOT NULL DEFAULT 'queued' CONSTRAINT mail_outbox_state_valid
                        CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
    attempts        integer NOT NULL DEFAULT 0 CONSTRAINT mail_outbox_attempts_range CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    leased_until    timestamptz,
    last_error      text CONSTRAINT mail_outbox_error_length CHECK (length(last_error) <= 500),
    -- The left part of the Message-ID, fixed when the row is written: every attempt of this
    -- row carries the same Message-ID, so a receiver can drop a copy sent twice after a crash.
    message_id      uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
    requested_by    name NOT NULL DEFAULT session_user,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    CONSTRAINT mail_outbox_order_same_tenant FOREIGN KEY (tenant_id, order_id) REFERENCES public.orders (tenant_id, id),
    CONSTRAINT mail_outbox_one_per_event UNIQUE (tenant_id, order_id, event_key),
    CONSTRAINT mail_outbox_sent_has_time CHECK ((state = 'sent') = (sent_at IS NOT NULL)),
    CONSTRAINT mail_outbox_lease_while_sending CHECK ((state = 'sending') = (leased_until IS NOT NULL))
);
COMMENT ON TABLE public.mail_outbox IS
    'Mail to customers, written with the event it tells about and sent by rdk-sync; written only by rdk.* functions (module mail.sql)';
CREATE INDEX mail_outbox_due_idx ON public.mail_outbox (tenant_id, next_attempt_at) WHERE state = 'queued';
CREATE INDEX mail_outbox_lease_idx ON public.mail_outbox (tenant_id, leased_until) WHERE state = 'sending';
CREATE INDEX mail_outbox_order_idx ON public.mail_outbox (order_id);
CREATE INDEX mail_outbox_tenant_created_idx ON public.mail_outbox (tenant_id, created_at);

ALTER TABLE public.mail_outbox ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON public.mail_outbox FROM PUBLIC;
GRANT SELECT ON public.mail_outbox TO rdk_sync, rdk_ops, rdk_admin;
-- Staff: every column but the address (the desk's order detail shows state and last error).
GRANT SELECT (id, tenant_id, order_id, kind, event_key, payload, state, attempts, next_attempt_at, leased_until,
              last_error, message_id, requested_by, created_at, updated_at, sent_at)
    ON public.mail_outbox TO rdk_staff;
CREATE POLICY mail_outbox_select ON public.mail_outbox FOR SELECT TO rdk_sync, rdk_staff, rdk_ops, rdk_admin
    USING (tenant_id = (SELECT rdk.current_tenant()));
