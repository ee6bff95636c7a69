-- 0017: the cash drawer. A staff member opens a drawer session with a counted float; the cash
-- sales and cash refunds they ring up, and the cash they pay in or out with a reason, are
-- movements of that session; they close it with the cash counted by denomination, and the
-- database computes expected, counted and over/short. The functions that write these tables
-- (open, pay in/out, close, the X/Z report, and the drawer side of cash sales and cash
-- refunds) live in module drawer.sql and orders.sql; this file creates no function.
--
-- Which order went through which drawer is a 'sale' or 'refund' movement naming the order,
-- not a column on orders: an order can be refunded in cash from another drawer than the one
-- that took it, and orders keep no new column for staff grants to track.

CREATE TABLE public.drawer_sessions (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id       uuid NOT NULL REFERENCES public.tenants(id),
    opened_by       uuid NOT NULL REFERENCES public.profiles(id),
    opened_at       timestamptz NOT NULL DEFAULT now(),
    currency        char(3) NOT NULL CONSTRAINT drawer_sessions_currency_format CHECK (currency ~ '^[A-Z]{3}$'),
    float_minor     bigint NOT NULL CONSTRAINT drawer_sessions_float_range CHECK (float_minor BETWEEN 0 AND 100000000),
    float_counted   jsonb CONSTRAINT drawer_sessions_float_counted_object CHECK (jsonb_typeof(float_counted) = 'object'),
    closed_at       timestamptz,
    closed_by       uuid REFERENCES public.profiles(id),
    counted_minor   bigint CONSTRAINT drawer_sessions_counted_range CHECK (counted_minor BETWEEN 0 AND 100000000),
    counted         jsonb CONSTRAINT drawer_sessions_counted_object CHECK (jsonb_typeof(counted) = 'object'),
    expected_minor  bigint,
    note            text CONSTRAINT drawer_sessions_note_length CHECK (length(note) <= 500),
    CONSTRAINT drawer_sessions_tenant_id_unique UNIQUE (tenant_id, id),
    CONSTRAINT drawer_sessions_closed_complete CHECK (
        (closed_at IS NULL AND closed_by IS NULL AND counted_minor IS NULL AND expected_minor IS NULL)
        OR (closed_at IS NOT NULL AND closed_by IS NOT NULL AND counted_minor IS NOT NULL AND expected_minor IS NOT NULL))
);
COMMENT ON TABLE public.drawer_sessions IS
    'A cash drawer from open (counted float) to close (counted cash, expected, over/short); written only by rdk.drawer_* functions';
-- One open drawer per staff member and shop.
CREATE UNIQUE INDEX drawer_sessions_one_open_idx ON public.drawer_sessions (tenant_id, opened_by) WHERE closed_at IS NULL;
CREATE INDEX drawer_sessions_tenant_opened_idx ON public.drawer_sessions (tenant_id, opened_at);

CREATE TABLE public.drawer_movements (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id     uuid NOT NULL REFERENCES public.tenants(id),
    session_id    uuid NOT NULL,
    kind          text NOT NULL CONSTRAINT drawer_movements_kind_valid CHECK (kind IN ('sale', 'refund', 'paid_in', 'paid_out')),
    order_id      uuid,
    -- Signed: what the drawer gained (sale, paid_in > 0) or lost (refund, paid_out < 0).
    amount_minor  bigint NOT NULL CONSTRAINT drawer_movements_amount_nonzero CHECK (amount_minor <> 0),
    reason        text CONSTRAINT drawer_movements_reason_length CHECK (length(reason) <= 200),
    at            timestamptz NOT NULL DEFAULT now(),
    by_profile    uuid NOT NULL REFERENCES public.profiles(id),
    CONSTRAINT drawer_movements_session_same_tenant FOREIGN KEY (tenant_id, session_id)
        REFERENCES public.drawer_sessions (tenant_id, id),
    CONSTRAINT drawer_movements_order_same_tenant FOREIGN KEY (tenant_id, order_id) REFERENCES public.orders (tenant_id, id),
    CONSTRAINT drawer_movements_sign CHECK (
        (kind IN ('sale', 'paid_in') AND amount_minor > 0) OR (kind IN ('refund', 'paid_out') AND amount_minor < 0)),
    CONSTRAINT drawer_movements_order_kinds CHECK ((kind IN ('sale', 'refund')) = (order_id IS NOT NULL)),
    CONSTRAINT drawer_movements_reason_kinds CHECK (kind NOT IN ('paid_in', 'paid_out') OR reason IS NOT NULL)
);
COMMENT ON TABLE public.drawer_movements IS
    'Cash in and out of a drawer session: cash sales, cash refunds, paid in/out with a reason; written only by rdk.* functions';
CREATE INDEX drawer_movements_session_idx ON public.drawer_movements (session_id, at);
CREATE INDEX drawer_movements_order_idx ON public.drawer_movements (order_id) WHERE order_id IS NOT NULL;
-- A cash sale lands in one drawer once.
CREATE UNIQUE INDEX drawer_movements_one_sale_idx ON public.drawer_movements (order_id) WHERE kind = 'sale';

-- The X/Z report finds a cashier's counter sales paid while their drawer was open.
CREATE INDEX orders_pos_author_paid_idx ON public.orders (tenant_id, created_by, paid_at) WHERE channel = 'pos';

-- Money-bearing: no app role writes them directly. Staff read their own drawers, ops and
-- admin every drawer of their shop (the manager closing up). rdk-sync has no business here.
ALTER TABLE public.drawer_sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.drawer_movements ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON public.drawer_sessions FROM PUBLIC;
REVOKE ALL ON public.drawer_movements FROM PUBLIC;
GRANT SELECT ON public.drawer_sessions TO rdk_staff, rdk_ops, rdk_admin;
GRANT SELECT ON public.drawer_movements TO rdk_staff, rdk_ops, rdk_admin;

CREATE POLICY drawer_sessions_select ON public.drawer_sessions FOR SELECT TO rdk_staff, rdk_ops, rdk_admin
    USING (tenant_id = (SELECT rdk.current_tenant())
           AND ((SELECT rdk.current_staff_role()) IN ('ops', 'admin') OR opened_by = (SELECT rdk.current_profile_id())));
CREATE POLICY drawer_movements_select ON public.drawer_movements FOR SELECT TO rdk_staff, rdk_ops, rdk_admin
    USING (tenant_id = (SELECT rdk.current_tenant())
           AND ((SELECT rdk.current_staff_role()) IN ('ops', 'admin')
                OR session_id IN (SELECT s.id FROM public.drawer_sessions s
                                   WHERE s.opened_by = (SELECT rdk.current_profile_id()))));
