-- 0016: sales tax at the counter. A shop has tax rates (set by an admin through
-- rdk.set_tax_settings, module tax.sql) and says whether its prices include tax; a counter
-- sale stores the tax of each line, the tax of each rate and whether it was included in the
-- prices, so a receipt, a reprint and the reports read what was charged, not what the rates
-- say today. Online orders keep storing what Stripe reports (orders.tax_minor).

-- Whether the shop's catalog prices already include tax (tax is then extracted from them).
ALTER TABLE public.tenants
    ADD COLUMN prices_include_tax boolean NOT NULL DEFAULT false;

-- A shop's tax rates. Every active rate applies to every counter line (a state and a city
-- rate stack). The rate is an exact percentage with up to four decimals (8.875 % = 8.8750).
CREATE TABLE public.tax_rates (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id    uuid NOT NULL REFERENCES public.tenants(id),
    position     integer NOT NULL CONSTRAINT tax_rates_position_range CHECK (position BETWEEN 1 AND 10),
    name         text NOT NULL CONSTRAINT tax_rates_name_shape
                     CHECK (length(name) BETWEEN 1 AND 40 AND name = btrim(name) AND name !~ '[[:cntrl:]]'),
    rate_percent numeric(7,4) NOT NULL CONSTRAINT tax_rates_rate_range CHECK (rate_percent >= 0 AND rate_percent <= 100),
    active       boolean NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT tax_rates_position_unique UNIQUE (tenant_id, position),
    CONSTRAINT tax_rates_name_unique UNIQUE (tenant_id, name)
);
CREATE INDEX tax_rates_tenant_created_idx ON public.tax_rates (tenant_id, created_at);

-- The tax of each order line (the sum over the shop's rates), and whether the order's prices
-- included it (then total = subtotal - discount; else total = subtotal - discount + tax).
ALTER TABLE public.order_items
    ADD COLUMN tax_minor bigint NOT NULL DEFAULT 0 CONSTRAINT order_items_tax_nonnegative CHECK (tax_minor >= 0);
ALTER TABLE public.orders
    ADD COLUMN tax_included boolean NOT NULL DEFAULT false;
-- Cashiers read orders column by column (0010 keeps customer data from them): this one too.
GRANT SELECT (tax_included) ON public.orders TO rdk_staff;

-- The tax of an order per rate, as charged (name and rate copied: a rate edited later does
-- not change an old receipt).
CREATE TABLE public.order_taxes (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id    uuid NOT NULL REFERENCES public.tenants(id),
    order_id     uuid NOT NULL REFERENCES public.orders(id) ON DELETE CASCADE,
    position     integer NOT NULL,
    name         text NOT NULL,
    rate_percent numeric(7,4) NOT NULL,
    tax_minor    bigint NOT NULL CONSTRAINT order_taxes_tax_nonnegative CHECK (tax_minor >= 0),
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT order_taxes_position_unique UNIQUE (order_id, position)
);
CREATE INDEX order_taxes_tenant_created_idx ON public.order_taxes (tenant_id, created_at);

-- Rights: everyone of the shop reads its rates (the counter computes the cart's tax) and the
-- tax of its orders; nobody writes either directly (rates through rdk.set_tax_settings, admin
-- only and audited; order taxes through rdk.pos_place_sale). The shop's "prices include tax"
-- is not among the tenant columns an admin may update directly, for the same reason.
ALTER TABLE public.tax_rates ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.order_taxes ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON public.tax_rates, public.order_taxes FROM PUBLIC;
GRANT SELECT ON public.tax_rates TO rdk_staff, rdk_ops, rdk_admin;
GRANT SELECT ON public.order_taxes TO rdk_staff, rdk_ops, rdk_admin, rdk_sync;
CREATE POLICY tax_rates_select ON public.tax_rates FOR SELECT TO rdk_staff, rdk_ops, rdk_admin
    USING (tenant_id = (SELECT rdk.current_tenant()));
CREATE POLICY order_taxes_select ON public.order_taxes FOR SELECT TO rdk_staff, rdk_ops, rdk_admin, rdk_sync
    USING (tenant_id = (SELECT rdk.current_tenant()));

-- Tax per shop day and channel, for reports (the X/Z reports, the dashboard): paid orders as
-- charged, by the day they were paid in the shop's time zone, as the dashboard counts sales.
-- Refunds are not split into tax here (a refund is an amount off the order's total).
-- security_invoker: read with the reader's rights, so row-level security scopes it to their shop.
CREATE VIEW public.tax_daily WITH (security_invoker = true) AS
SELECT o.tenant_id,
       (coalesce(o.paid_at, o.created_at) AT TIME ZONE t.timezone)::date AS day,
       o.channel,
       count(*)::bigint AS orders,
       sum(o.tax_minor)::bigint AS tax_minor,
       sum(o.tax_minor) FILTER (WHERE o.tax_included)::bigint AS tax_included_minor,
       sum(o.total_minor)::bigint AS total_minor
  FROM public.orders o
  JOIN public.tenants t ON t.id = o.tenant_id
 WHERE o.status IN ('paid', 'shipped', 'fulfilled', 'partially_refunded', 'refunded')
 GROUP BY o.tenant_id, t.timezone, (coalesce(o.paid_at, o.created_at) AT TIME ZONE t.timezone)::date, o.channel;
REVOKE ALL ON public.tax_daily FROM PUBLIC;
GRANT SELECT ON public.tax_daily TO rdk_staff, rdk_ops, rdk_admin;
