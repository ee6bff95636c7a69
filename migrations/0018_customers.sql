-- 0018: customers of a shop (name, e-mail, phone, marketing consent), created at the counter
-- or from paid online orders (the same e-mail is the same customer), and the customer of an
-- order. The functions that read and write them, and the trigger that links paid online
-- orders, live in module customers.sql (a numbered change creates no function).
--
-- Who sees what follows orders.customer_email (0010): ops and admin read the table under
-- row-level security; plain staff and rdk-sync get no grant at all. Staff reach customers
-- only through the module's SECURITY DEFINER functions, which show them the name and a masked
-- e-mail and phone. Nobody writes the table directly: rdk.customer_save validates and
-- normalises, and the audit trigger records every change (marketing consent included).

CREATE TABLE public.customers (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id         uuid NOT NULL REFERENCES public.tenants(id),
    name              text NOT NULL CONSTRAINT customers_name_length
                          CHECK (name = btrim(name) AND length(name) BETWEEN 1 AND 120),
    -- Stored normalised (trimmed, lower case), so "same e-mail" is plain equality.
    email             text CONSTRAINT customers_email_format
                          CHECK (email = lower(btrim(email)) AND length(email) <= 254
                                 AND email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
    -- Digits only, with an optional leading +: what the counter types is compared the same way.
    phone             text CONSTRAINT customers_phone_format CHECK (phone ~ '^\+?[0-9]{6,15}$'),
    marketing_consent boolean NOT NULL DEFAULT false,
    consent_at        timestamptz,
    consent_source    text CONSTRAINT customers_consent_source_valid CHECK (consent_source IN ('counter', 'online')),
    created_by        name NOT NULL DEFAULT session_user,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT customers_consent_dated CHECK (NOT marketing_consent OR (consent_at IS NOT NULL AND consent_source IS NOT NULL)),
    CONSTRAINT customers_tenant_id_unique UNIQUE (tenant_id, id),
    -- NULLs stay distinct: customers without an e-mail don't collide.
    CONSTRAINT customers_email_unique UNIQUE (tenant_id, email)
);
CREATE INDEX customers_tenant_created_idx ON public.customers (tenant_id, created_at);
CREATE INDEX customers_tenant_phone_idx ON public.customers (tenant_id, phone) WHERE phone IS NOT NULL;
CREATE INDEX customers_name_trgm_idx ON public.customers USING gin (lower(name) gin_trgm_ops);

ALTER TABLE public.customers ENABLE ROW LEVEL SECURITY;
GRANT SELECT ON public.customers TO rdk_ops, rdk_admin;
CREATE POLICY customers_select ON public.customers FOR SELECT TO rdk_ops, rdk_admin
    USING (tenant_id = (SELECT rdk.current_tenant()) AND (SELECT rdk.current_staff_role()) IN ('ops', 'admin'));

-- The customer of an order. The pair (tenant_id, customer_id) references the customer, so an
-- order can only ever point at a customer of its own shop.
ALTER TABLE public.orders ADD COLUMN customer_id uuid;
ALTER TABLE public.orders ADD CONSTRAINT orders_customer_fk
    FOREIGN KEY (tenant_id, customer_id) REFERENCES public.customers (tenant_id, id);
CREATE INDEX orders_tenant_customer_idx ON public.orders (tenant_id, customer_id, created_at) WHERE customer_id IS NOT NULL;
-- Staff read orders column by column (0010); which customer a sale belongs to is no personal data.
GRANT SELECT (customer_id) ON public.orders TO rdk_staff;

-- Backfill: every paid (or later) online order that carries a well-formed e-mail becomes, or
-- joins, the customer with that e-mail, named after the shipping name when Stripe sent one.
-- Nobody consented to marketing by buying, so consent stays off. Plain SQL: a numbered change
-- calls no module function (ADR 0011); the module's trigger does the same for new payments.
INSERT INTO public.customers (tenant_id, name, email, created_by, created_at, updated_at)
SELECT DISTINCT ON (o.tenant_id, lower(btrim(o.customer_email)))
       o.tenant_id,
       left(coalesce(nullif(btrim(o.shipping_address ->> 'name'), ''), split_part(lower(btrim(o.customer_email)), '@', 1)), 120),
       lower(btrim(o.customer_email)), o.created_by, o.created_at, o.created_at
  FROM public.orders o
 WHERE o.channel = 'online'
   AND o.status IN ('paid', 'shipped', 'fulfilled', 'refunded', 'partially_refunded')
   AND lower(btrim(o.customer_email)) ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'
   AND length(btrim(o.customer_email)) <= 254
 ORDER BY o.tenant_id, lower(btrim(o.customer_email)), o.created_at
ON CONFLICT (tenant_id, email) DO NOTHING;

UPDATE public.orders o
   SET customer_id = c.id
  FROM public.customers c
 WHERE c.tenant_id = o.tenant_id AND c.email = lower(btrim(o.customer_email))
   AND o.channel = 'online' AND o.customer_id IS NULL
   AND o.status IN ('paid', 'shipped', 'fulfilled', 'refunded', 'partially_refunded');
