-- Core business tables. Every business table carries tenant_id (and a nullable seller_id
-- where a marketplace seller could own the row later), indexed for tenant scoping and for
-- (tenant_id, created_at) reporting. Money is bigint minor units plus an ISO currency code.
-- Security (roles, grants, row-level security) lives in 0002, audit and notifications in 0003.

CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE SCHEMA rdk;
COMMENT ON SCHEMA rdk IS 'Real Deal Kickz helper functions (security, stock, audit)';

CREATE FUNCTION rdk.touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END $$;

CREATE TABLE tenants (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug        text NOT NULL UNIQUE CONSTRAINT tenants_slug_format CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,39}$'),
    name        text NOT NULL CONSTRAINT tenants_name_length CHECK (length(name) BETWEEN 1 AND 120),
    currency    char(3) NOT NULL DEFAULT 'USD' CONSTRAINT tenants_currency_format CHECK (currency ~ '^[A-Z]{3}$'),
    timezone    text NOT NULL DEFAULT 'UTC',
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Staff members. Each one signs in to PostgreSQL as their own LOGIN role (db_role).
CREATE TABLE profiles (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id     uuid NOT NULL REFERENCES tenants(id),
    seller_id     uuid,
    db_role       name NOT NULL UNIQUE,
    display_name  text NOT NULL CONSTRAINT profiles_display_name_length CHECK (length(display_name) BETWEEN 1 AND 120),
    role          text NOT NULL CONSTRAINT profiles_role_valid CHECK (role IN ('staff', 'ops', 'admin')),
    active        boolean NOT NULL DEFAULT true,
    twofa_enabled boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX profiles_tenant_idx ON profiles (tenant_id, created_at);

CREATE TABLE products (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id          uuid NOT NULL REFERENCES tenants(id),
    seller_id          uuid,
    sku                text NOT NULL CONSTRAINT products_sku_format CHECK (sku ~ '^[A-Z0-9][A-Z0-9-]{2,39}$'),
    name               text NOT NULL CONSTRAINT products_name_length CHECK (length(name) BETWEEN 1 AND 200),
    brand              text NOT NULL CONSTRAINT products_brand_length CHECK (length(brand) BETWEEN 1 AND 80),
    colorway           text NOT NULL DEFAULT '' CONSTRAINT products_colorway_length CHECK (length(colorway) <= 120),
    description        text NOT NULL DEFAULT '' CONSTRAINT products_description_length CHECK (length(description) <= 5000),
    condition          text NOT NULL CONSTRAINT products_condition_valid CHECK (condition IN ('new', 'used')),
    used_grade         text CONSTRAINT products_used_grade_valid
                           CHECK (used_grade IS NULL OR (condition = 'used' AND used_grade IN ('like_new', 'good', 'fair'))),
    price_minor        bigint NOT NULL CONSTRAINT products_price_nonnegative CHECK (price_minor >= 0),
    currency           char(3) NOT NULL CONSTRAINT products_currency_format CHECK (currency ~ '^[A-Z]{3}$'),
    inventory_strategy text NOT NULL CONSTRAINT products_inventory_strategy_valid CHECK (inventory_strategy IN ('flat', 'per_size')),
    size_system        text CONSTRAINT products_size_system_valid CHECK (size_system IN ('mens', 'womens', 'gs')),
    size_run           text[] NOT NULL DEFAULT '{}',
    published          boolean NOT NULL DEFAULT false,
    archived           boolean NOT NULL DEFAULT false,
    version            integer NOT NULL DEFAULT 1,
    search_text        text GENERATED ALWAYS AS (lower(sku || ' ' || name || ' ' || brand || ' ' || colorway)) STORED,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT products_sku_unique UNIQUE (tenant_id, sku),
    CONSTRAINT products_per_size_needs_system CHECK (inventory_strategy = 'flat' OR size_system IS NOT NULL)
);
CREATE INDEX products_tenant_created_idx ON products (tenant_id, created_at);
CREATE INDEX products_tenant_brand_idx ON products (tenant_id, brand);
CREATE INDEX products_search_trgm_idx ON products USING gin (search_text gin_trgm_ops);
CREATE INDEX products_published_idx ON products (tenant_id, published) WHERE published AND NOT archived;

-- Stock on hand per product and size (size is NULL for flat stock). `reserved` counts units
-- held for pending orders; what can still be sold is quantity - reserved.
CREATE TABLE inventory (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   uuid NOT NULL REFERENCES tenants(id),
    seller_id   uuid,
    product_id  uuid NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    size        text CONSTRAINT inventory_size_format CHECK (size ~ '^[0-9]{1,2}(\.5)?$'),
    quantity    integer NOT NULL CONSTRAINT inventory_quantity_nonnegative CHECK (quantity >= 0),
    reserved    integer NOT NULL DEFAULT 0 CONSTRAINT inventory_reserved_within_stock CHECK (reserved >= 0 AND reserved <= quantity),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT inventory_product_size_unique UNIQUE NULLS NOT DISTINCT (product_id, size)
);
CREATE INDEX inventory_tenant_idx ON inventory (tenant_id, created_at);
CREATE INDEX inventory_low_stock_idx ON inventory (tenant_id, quantity);

-- A photo of a product; its renditions live in product_image_variants.
CREATE TABLE product_images (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id     uuid NOT NULL REFERENCES tenants(id),
    seller_id     uuid,
    product_id    uuid NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    content_hash  text NOT NULL CONSTRAINT product_images_hash_format CHECK (content_hash ~ '^[0-9a-f]{64}$'),
    position      integer NOT NULL DEFAULT 0,
    is_primary    boolean NOT NULL DEFAULT false,
    alt_text      text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT product_images_unique_content UNIQUE (product_id, content_hash)
);
CREATE INDEX product_images_tenant_idx ON product_images (tenant_id, created_at);
CREATE INDEX product_images_product_idx ON product_images (product_id, position);

CREATE TABLE product_image_variants (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   uuid NOT NULL REFERENCES tenants(id),
    image_id    uuid NOT NULL REFERENCES product_images(id) ON DELETE CASCADE,
    variant     text NOT NULL CONSTRAINT product_image_variants_variant_valid CHECK (variant IN ('original', 'thumb', 'medium', 'large')),
    file_name   text NOT NULL CONSTRAINT product_image_variants_name_format CHECK (file_name ~ '^[A-Za-z0-9._-]{1,200}$'),
    mime        text NOT NULL CONSTRAINT product_image_variants_mime_valid CHECK (mime IN ('image/jpeg', 'image/png', 'image/webp')),
    width       integer NOT NULL CHECK (width > 0),
    height      integer NOT NULL CHECK (height > 0),
    byte_size   integer NOT NULL CHECK (byte_size > 0),
    data        bytea,
    storage_key text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT product_image_variants_one_per_kind UNIQUE (image_id, variant),
    CONSTRAINT product_image_variants_name_unique UNIQUE (tenant_id, file_name),
    CONSTRAINT product_image_variants_has_bytes CHECK (data IS NOT NULL OR storage_key IS NOT NULL)
);

CREATE TABLE orders (
    id                         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id                  uuid NOT NULL REFERENCES tenants(id),
    seller_id                  uuid,
    order_number               bigint GENERATED ALWAYS AS IDENTITY (START WITH 1001) UNIQUE,
    channel                    text NOT NULL CONSTRAINT orders_channel_valid CHECK (channel IN ('online', 'pos')),
    status                     text NOT NULL DEFAULT 'pending' CONSTRAINT orders_status_valid
                                   CHECK (status IN ('pending', 'awaiting_payment', 'paid', 'shipped', 'fulfilled',
                                                     'canceled', 'refunded', 'partially_refunded')),
    currency                   char(3) NOT NULL CONSTRAINT orders_currency_format CHECK (currency ~ '^[A-Z]{3}$'),
    subtotal_minor             bigint NOT NULL DEFAULT 0 CHECK (subtotal_minor >= 0),
    shipping_minor             bigint NOT NULL DEFAULT 0 CHECK (shipping_minor >= 0),
    fee_minor                  bigint NOT NULL DEFAULT 0 CHECK (fee_minor >= 0),
    discount_minor             bigint NOT NULL DEFAULT 0 CHECK (discount_minor >= 0),
    tax_minor                  bigint NOT NULL DEFAULT 0 CHECK (tax_minor >= 0),
    total_minor                bigint NOT NULL DEFAULT 0 CHECK (total_minor >= 0),
    refunded_minor             bigint NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0 AND refunded_minor <= total_minor),
    customer_email             text CONSTRAINT orders_email_length CHECK (length(customer_email) <= 254),
    shipping_address           jsonb,
    stripe_checkout_session_id text UNIQUE,
    stripe_payment_link_id     text UNIQUE,
    stripe_payment_intent_id   text,
    stripe_charge_id           text,
    needs_review               boolean NOT NULL DEFAULT false,
    review_reason              text,
    reserved_until             timestamptz,
    carrier                    text,
    tracking_number            text,
    paid_at                    timestamptz,
    canceled_at                timestamptz,
    fulfilled_at               timestamptz,
    created_by                 name NOT NULL DEFAULT session_user,
    created_at                 timestamptz NOT NULL DEFAULT now(),
    updated_at                 timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_tenant_created_idx ON orders (tenant_id, created_at);
CREATE INDEX orders_tenant_status_idx ON orders (tenant_id, status, created_at);

CREATE TABLE order_items (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id         uuid NOT NULL REFERENCES tenants(id),
    seller_id         uuid,
    order_id          uuid NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    product_id        uuid NOT NULL REFERENCES products(id),
    sku               text NOT NULL,
    name              text NOT NULL,
    size              text,
    quantity          integer NOT NULL CONSTRAINT order_items_quantity_range CHECK (quantity BETWEEN 1 AND 100),
    unit_price_minor  bigint NOT NULL CHECK (unit_price_minor >= 0),
    discount_minor    bigint NOT NULL DEFAULT 0 CHECK (discount_minor >= 0),
    line_total_minor  bigint NOT NULL CHECK (line_total_minor >= 0),
    refunded_quantity integer NOT NULL DEFAULT 0 CHECK (refunded_quantity BETWEEN 0 AND quantity),
    created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_items_order_idx ON order_items (order_id);
CREATE INDEX order_items_tenant_idx ON order_items (tenant_id, created_at);
CREATE INDEX order_items_product_idx ON order_items (product_id);

-- Units held for a pending order until it is paid (held -> sold) or given up (held -> released).
CREATE TABLE stock_reservations (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id     uuid NOT NULL REFERENCES tenants(id),
    order_id      uuid NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    inventory_id  bigint NOT NULL REFERENCES inventory(id),
    quantity      integer NOT NULL CHECK (quantity > 0),
    state         text NOT NULL DEFAULT 'held' CONSTRAINT stock_reservations_state_valid CHECK (state IN ('held', 'sold', 'released')),
    expires_at    timestamptz NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stock_reservations_tenant_idx ON stock_reservations (tenant_id, created_at);
CREATE INDEX stock_reservations_order_idx ON stock_reservations (order_id);
CREATE INDEX stock_reservations_expiry_idx ON stock_reservations (expires_at) WHERE state = 'held';

-- Stripe event ids already processed: the primary key makes webhook handling idempotent.
CREATE TABLE stripe_events (
    id           text PRIMARY KEY CONSTRAINT stripe_events_id_format CHECK (id ~ '^evt_[A-Za-z0-9_]{1,250}$'),
    tenant_id    uuid NOT NULL REFERENCES tenants(id),
    type         text NOT NULL,
    order_id     uuid REFERENCES orders(id),
    outcome      text NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stripe_events_tenant_idx ON stripe_events (tenant_id, received_at);

-- Append-only record of privileged changes, written by triggers (0003).
CREATE TABLE audit_log (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id    uuid NOT NULL REFERENCES tenants(id),
    actor        name NOT NULL DEFAULT session_user,
    actor_profile_id uuid,
    action       text NOT NULL,
    entity       text NOT NULL,
    entity_id    text NOT NULL,
    before       jsonb,
    after        jsonb,
    reason       text,
    at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_tenant_at_idx ON audit_log (tenant_id, at);
CREATE INDEX audit_log_entity_idx ON audit_log (tenant_id, entity, entity_id);

-- Storefront page views, counted without cookies: visitor_hash is a daily-salted hash.
CREATE TABLE page_views (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id     uuid NOT NULL REFERENCES tenants(id),
    viewed_at     timestamptz NOT NULL DEFAULT now(),
    visitor_hash  bytea NOT NULL CHECK (length(visitor_hash) BETWEEN 8 AND 32),
    path          text NOT NULL CHECK (length(path) <= 512),
    product_id    uuid
);
CREATE INDEX page_views_tenant_at_idx ON page_views (tenant_id, viewed_at);

CREATE TRIGGER tenants_touch BEFORE UPDATE ON tenants FOR EACH ROW EXECUTE FUNCTION rdk.touch_updated_at();
CREATE TRIGGER profiles_touch BEFORE UPDATE ON profiles FOR EACH ROW EXECUTE FUNCTION rdk.touch_updated_at();
CREATE TRIGGER products_touch BEFORE UPDATE ON products FOR EACH ROW EXECUTE FUNCTION rdk.touch_updated_at();
CREATE TRIGGER inventory_touch BEFORE UPDATE ON inventory FOR EACH ROW EXECUTE FUNCTION rdk.touch_updated_at();
CREATE TRIGGER product_images_touch BEFORE UPDATE ON product_images FOR EACH ROW EXECUTE FUNCTION rdk.touch_updated_at();
CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION rdk.touch_updated_at();
CREATE TRIGGER stock_reservations_touch BEFORE UPDATE ON stock_reservations FOR EACH ROW EXECUTE FUNCTION rdk.touch_updated_at();
