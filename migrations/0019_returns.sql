-- 0019: returns at the counter. A shop sets how long after payment a return is accepted and
-- up to which refund a cashier (the staff role) may return alone; each return records which
-- lines and how many pairs came back, whether each went back on the shelf or was damaged, and
-- the refund the database computed for it. The functions that write these rows (module
-- returns.sql) compute every amount themselves; this file creates no function.

-- The shop's return policy. NULL window = returns accepted at any time; NULL limit = cashiers
-- may return any amount. Set by an admin through rdk.set_return_policy (audited), not by a
-- direct UPDATE: the admin's column grant on tenants stays (name, currency, timezone).
ALTER TABLE public.tenants
    ADD COLUMN return_window_days integer DEFAULT 30
        CONSTRAINT tenants_return_window_range CHECK (return_window_days BETWEEN 0 AND 3650),
    ADD COLUMN staff_return_limit_minor bigint DEFAULT 20000
        CONSTRAINT tenants_staff_return_limit_range CHECK (staff_return_limit_minor BETWEEN 0 AND 100000000000);

-- Exchanges: the returned pairs' value becomes a credit on the new sale. On the new order,
-- credit_minor is the part of its total paid by that credit (the link or the cash is for the
-- rest); on the original order, credited_minor is the part of its payment moved to an exchange,
-- which is therefore no longer refundable. Cashiers read orders column by column (0010).
ALTER TABLE public.orders
    ADD COLUMN credit_minor bigint NOT NULL DEFAULT 0
        CONSTRAINT orders_credit_range CHECK (credit_minor >= 0 AND credit_minor <= total_minor),
    ADD COLUMN credited_minor bigint NOT NULL DEFAULT 0
        CONSTRAINT orders_credited_range CHECK (credited_minor >= 0 AND credited_minor <= total_minor);
GRANT SELECT (credit_minor, credited_minor) ON public.orders TO rdk_staff;

-- Pairs of a line brought back by returns (whatever happened to the money or the pair).
ALTER TABLE public.order_items
    ADD COLUMN returned_quantity integer NOT NULL DEFAULT 0
        CONSTRAINT order_items_returned_range CHECK (returned_quantity BETWEEN 0 AND quantity);

CREATE TABLE public.returns (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id          uuid NOT NULL REFERENCES public.tenants(id),
    order_id           uuid NOT NULL,
    currency           char(3) NOT NULL CONSTRAINT returns_currency_format CHECK (currency ~ '^[A-Z]{3}$'),
    refund_minor       bigint NOT NULL CONSTRAINT returns_refund_nonnegative CHECK (refund_minor >= 0),
    method             text NOT NULL CONSTRAINT returns_method_valid CHECK (method IN ('card', 'cash')),
    -- The refund's entry in the Stripe queue (card) or its done record (cash), as request_refund writes it.
    refund_request_id  bigint REFERENCES public.stripe_requests(id),
    reason             text NOT NULL CONSTRAINT returns_reason_length CHECK (length(reason) BETWEEN 1 AND 200),
    -- completed: refunded (or queued); exchange_pending: the credit waits for the exchange sale
    -- to be paid; exchanged: it was; exchange_canceled: it was not, and the credit was refunded.
    state              text NOT NULL DEFAULT 'completed' CONSTRAINT returns_state_valid
                           CHECK (state IN ('completed', 'exchange_pending', 'exchanged', 'exchange_canceled')),
    exchange_order_id  uuid,
    -- The part of refund_minor applied to the exchange sale; the rest went back to the payment.
    credit_minor       bigint NOT NULL DEFAULT 0
                           CONSTRAINT returns_credit_range CHECK (credit_minor >= 0 AND credit_minor <= refund_minor),
    created_by         name NOT NULL DEFAULT session_user,
    created_by_profile uuid REFERENCES public.profiles(id),
    created_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT returns_tenant_id_unique UNIQUE (tenant_id, id),
    CONSTRAINT returns_order_same_tenant FOREIGN KEY (tenant_id, order_id) REFERENCES public.orders (tenant_id, id),
    CONSTRAINT returns_exchange_same_tenant FOREIGN KEY (tenant_id, exchange_order_id) REFERENCES public.orders (tenant_id, id),
    CONSTRAINT returns_exchange_shape CHECK ((state = 'completed') = (exchange_order_id IS NULL))
);
COMMENT ON TABLE public.returns IS
    'Pairs brought back to the counter and the refund or exchange credit the database computed for them; written only by rdk.pos_return and rdk.pos_exchange';
CREATE INDEX returns_tenant_created_idx ON public.returns (tenant_id, created_at);
CREATE INDEX returns_order_idx ON public.returns (order_id);
CREATE UNIQUE INDEX returns_one_per_exchange_idx ON public.returns (exchange_order_id) WHERE exchange_order_id IS NOT NULL;

CREATE TABLE public.return_lines (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id      uuid NOT NULL REFERENCES public.tenants(id),
    return_id      uuid NOT NULL,
    order_item_id  bigint NOT NULL REFERENCES public.order_items(id),
    quantity       integer NOT NULL CONSTRAINT return_lines_quantity_range CHECK (quantity BETWEEN 1 AND 100),
    -- true: back on the shelf (stock +quantity); false: damaged, kept out of stock.
    restock        boolean NOT NULL,
    refund_minor   bigint NOT NULL CONSTRAINT return_lines_refund_nonnegative CHECK (refund_minor >= 0),
    created_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT return_lines_return_same_tenant FOREIGN KEY (tenant_id, return_id) REFERENCES public.returns (tenant_id, id),
    CONSTRAINT return_lines_one_per_item UNIQUE (return_id, order_item_id)
);
COMMENT ON TABLE public.return_lines IS 'Lines of a return: pairs, shelf or damaged, refund per line; written only by rdk.pos_return';
CREATE INDEX return_lines_tenant_created_idx ON public.return_lines (tenant_id, created_at);
CREATE INDEX return_lines_item_idx ON public.return_lines (order_item_id);

-- Money-bearing: no app role writes them directly. Staff, ops and admin of the shop read them
-- (the counter shows what was already returned); rdk-sync has no business here.
ALTER TABLE public.returns ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.return_lines ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON public.returns FROM PUBLIC;
REVOKE ALL ON public.return_lines FROM PUBLIC;
GRANT SELECT ON public.returns TO rdk_staff, rdk_ops, rdk_admin;
GRANT SELECT ON public.return_lines TO rdk_staff, rdk_ops, rdk_admin;
CREATE POLICY returns_select ON public.returns FOR SELECT TO rdk_staff, rdk_ops, rdk_admin
    USING (tenant_id = (SELECT rdk.current_tenant()));
CREATE POLICY return_lines_select ON public.return_lines FOR SELECT TO rdk_staff, rdk_ops, rdk_admin
    USING (tenant_id = (SELECT rdk.current_tenant()));
