-- 0021: an online shop that ships (issue 14 "Address, shipping and tax at checkout").
--
-- A shop says where it ships, how (at most five options: a flat rate, a flat rate that is free
-- above an amount, local pickup), whether Stripe computes the tax of online orders, whether
-- checkout asks for a phone number, and the texts its storefront and mails show (address,
-- shipping and returns policies, contact). An admin changes them through rdk.set_shop_settings
-- and rdk.set_shipping_options (module shipping.sql, audited); nobody writes the tables
-- directly.
--
-- An online order keeps the options it was offered, priced for its subtotal, and later the one
-- the shopper picked (ADR 0020): the webhook checks Stripe's shipping charge against that offer
-- and stores the shipping and tax Stripe reports.

CREATE TABLE public.shop_settings (
    tenant_id       uuid PRIMARY KEY REFERENCES public.tenants(id),
    ship_countries  text[] NOT NULL DEFAULT '{}' CONSTRAINT shop_settings_countries_shape
                        CHECK (cardinality(ship_countries) <= 60
                               AND array_to_string(ship_countries, ',') ~ '^([A-Z]{2}(,[A-Z]{2})*)?$'),
    collect_phone   boolean NOT NULL DEFAULT false,
    stripe_tax      boolean NOT NULL DEFAULT false,
    shop_address    text NOT NULL DEFAULT '' CONSTRAINT shop_settings_address_length CHECK (length(shop_address) <= 300),
    contact_text    text NOT NULL DEFAULT '' CONSTRAINT shop_settings_contact_length CHECK (length(contact_text) <= 2000),
    shipping_policy text NOT NULL DEFAULT '' CONSTRAINT shop_settings_shipping_length CHECK (length(shipping_policy) <= 8000),
    returns_policy  text NOT NULL DEFAULT '' CONSTRAINT shop_settings_returns_length CHECK (length(returns_policy) <= 8000),
    updated_by      name NOT NULL DEFAULT session_user,
    updated_at      timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE public.shop_settings IS
    'Per shop: where and how online orders ship, Stripe tax, policy texts; written only by rdk.set_shop_settings';

CREATE TABLE public.shipping_options (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id        uuid NOT NULL REFERENCES public.tenants(id),
    position         integer NOT NULL CONSTRAINT shipping_options_position_range CHECK (position BETWEEN 1 AND 5),
    kind             text NOT NULL CONSTRAINT shipping_options_kind_valid CHECK (kind IN ('flat', 'free_above', 'pickup')),
    label            text NOT NULL CONSTRAINT shipping_options_label_shape
                         CHECK (length(label) BETWEEN 1 AND 60 AND label = btrim(label) AND label !~ '[[:cntrl:]]'),
    -- What the option costs; for free_above, what it costs below the threshold.
    amount_minor     bigint NOT NULL DEFAULT 0 CONSTRAINT shipping_options_amount_range CHECK (amount_minor BETWEEN 0 AND 10000000),
    free_above_minor bigint CONSTRAINT shipping_options_threshold_range CHECK (free_above_minor BETWEEN 1 AND 100000000),
    active           boolean NOT NULL DEFAULT true,
    created_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT shipping_options_threshold_for_free_above CHECK ((kind = 'free_above') = (free_above_minor IS NOT NULL)),
    CONSTRAINT shipping_options_pickup_is_free CHECK (kind <> 'pickup' OR amount_minor = 0),
    CONSTRAINT shipping_options_position_unique UNIQUE (tenant_id, position)
);
CREATE INDEX shipping_options_tenant_created_idx ON public.shipping_options (tenant_id, created_at);

ALTER TABLE public.orders
    -- [{option, kind, label, amount_minor, rate}] as offered at checkout ("rate": Stripe's shr_ id).
    ADD COLUMN shipping_offers jsonb CONSTRAINT orders_shipping_offers_array
        CHECK (shipping_offers IS NULL OR jsonb_typeof(shipping_offers) = 'array'),
    ADD COLUMN stripe_tax boolean NOT NULL DEFAULT false,
    ADD COLUMN shipping_method text CONSTRAINT orders_shipping_method_length CHECK (length(shipping_method) <= 60),
    ADD COLUMN fulfillment text CONSTRAINT orders_fulfillment_valid CHECK (fulfillment IN ('ship', 'pickup')),
    ADD COLUMN customer_phone text CONSTRAINT orders_customer_phone_length CHECK (length(customer_phone) <= 40),
    ADD COLUMN ready_for_pickup_at timestamptz;
-- Cashiers read orders column by column (0010): how it goes out, not who to or where. The
-- address and phone reach them through rdk.order_ship_to while an order waits to go out.
GRANT SELECT (shipping_offers, stripe_tax, shipping_method, fulfillment, ready_for_pickup_at)
    ON public.orders TO rdk_staff;

ALTER TABLE public.mail_outbox DROP CONSTRAINT mail_outbox_kind_valid;
ALTER TABLE public.mail_outbox ADD CONSTRAINT mail_outbox_kind_valid
    CHECK (kind IN ('order_paid', 'order_shipped', 'order_refunded', 'counter_receipt', 'order_ready_for_pickup'));

-- Rights: the shop's staff and its rdk-sync read its settings and options (the storefront's
-- policy pages and checkout, the desk's dialogs); nobody writes them directly.
ALTER TABLE public.shop_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.shipping_options ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON public.shop_settings, public.shipping_options FROM PUBLIC;
GRANT SELECT ON public.shop_settings, public.shipping_options TO rdk_staff, rdk_ops, rdk_admin, rdk_sync;
CREATE POLICY shop_settings_select ON public.shop_settings FOR SELECT TO rdk_sync, rdk_staff, rdk_ops, rdk_admin
    USING (tenant_id = (SELECT rdk.current_tenant()));
CREATE POLICY shipping_options_select ON public.shipping_options FOR SELECT TO rdk_sync, rdk_staff, rdk_ops, rdk_admin
    USING (tenant_id = (SELECT rdk.current_tenant()));

-- The Checkout Session is now attached with Stripe's ids of the offered shipping options
-- (rdk.checkout_attach_session(uuid,text,text[]), module money_path.sql).
DROP FUNCTION IF EXISTS rdk.checkout_attach_session(uuid, text);
