-- 0022: drop day (issue 15): scheduled releases, their waiting room and raffles, per-buyer limits.
--
-- A release puts a product (or some of its sizes) on sale at a set time, hidden or "coming
-- soon" until then, sold first come first served through rdk-sync's waiting room ('queue') or
-- to the winners of a raffle ('raffle'). Staff write releases only through rdk.set_release,
-- rdk.cancel_release and rdk.raffle_draw (module releases.sql, audited); shoppers enter raffles
-- and buy through rdk-sync's functions. Nobody writes these tables directly (ADR 0026).
--
-- The waiting room writes nothing per visitor: a ticket is signed by rdk-sync with the
-- release's secret, and the database checks that signature when the ticket buys. The only
-- queue state here is release_queue_counts, each rdk-sync process's tickets per 100 ms of join
-- time, so every process admits the same tickets.

CREATE TABLE public.releases (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id        uuid NOT NULL REFERENCES public.tenants(id),
    product_id       uuid NOT NULL REFERENCES public.products(id),
    -- NULL: every size of the product is in the release; else only these (others sell as usual).
    sizes            text[] CONSTRAINT releases_sizes_shape
                         CHECK (sizes IS NULL OR (cardinality(sizes) BETWEEN 1 AND 60 AND array_position(sizes, NULL) IS NULL)),
    release_at       timestamptz NOT NULL,
    visibility       text NOT NULL DEFAULT 'coming_soon' CONSTRAINT releases_visibility_valid
                         CHECK (visibility IN ('hidden', 'coming_soon')),
    allocation       text NOT NULL DEFAULT 'queue' CONSTRAINT releases_allocation_valid
                         CHECK (allocation IN ('queue', 'raffle')),
    admit_per_minute integer NOT NULL DEFAULT 60 CONSTRAINT releases_admit_range CHECK (admit_per_minute BETWEEN 1 AND 100000),
    limit_per_buyer  integer NOT NULL DEFAULT 1 CONSTRAINT releases_limit_range CHECK (limit_per_buyer BETWEEN 1 AND 10),
    pow_bits         integer NOT NULL DEFAULT 18 CONSTRAINT releases_pow_range CHECK (pow_bits BETWEEN 0 AND 26),
    queue_opens_at   timestamptz NOT NULL,
    entries_close_at timestamptz,
    claim_hours      integer CONSTRAINT releases_claim_hours_range CHECK (claim_hours BETWEEN 1 AND 168),
    draw_seed        text CONSTRAINT releases_seed_length CHECK (length(draw_seed) BETWEEN 1 AND 200),
    drawn_at         timestamptz,
    drawn_by         name,
    -- Signs the waiting room's proof-of-work challenges and tickets (rdk-sync); made here,
    -- read only through rdk.storefront_releases by the shop's rdk-sync, never by staff.
    secret           bytea NOT NULL DEFAULT gen_random_bytes(32) CONSTRAINT releases_secret_length CHECK (length(secret) = 32),
    canceled_at      timestamptz,
    cancel_reason    text CONSTRAINT releases_cancel_reason_length CHECK (length(cancel_reason) <= 200),
    created_by       name NOT NULL DEFAULT session_user,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT releases_tenant_id_unique UNIQUE (tenant_id, id),
    CONSTRAINT releases_queue_opens_first CHECK (queue_opens_at <= release_at),
    CONSTRAINT releases_raffle_fields CHECK ((allocation = 'raffle') = (entries_close_at IS NOT NULL AND claim_hours IS NOT NULL)),
    CONSTRAINT releases_entries_window CHECK (entries_close_at IS NULL OR entries_close_at > queue_opens_at),
    CONSTRAINT releases_draw_recorded CHECK ((drawn_at IS NULL) = (draw_seed IS NULL) AND (drawn_at IS NULL) = (drawn_by IS NULL)),
    CONSTRAINT releases_draw_is_raffle CHECK (drawn_at IS NULL OR allocation = 'raffle')
);
COMMENT ON TABLE public.releases IS
    'Scheduled releases (drops) of a product or some of its sizes; written only by rdk.set_release, rdk.cancel_release, rdk.raffle_draw';
-- One live release per product.
CREATE UNIQUE INDEX releases_one_live_per_product ON public.releases (product_id) WHERE canceled_at IS NULL;
CREATE INDEX releases_tenant_release_at_idx ON public.releases (tenant_id, release_at);
CREATE INDEX releases_tenant_created_idx ON public.releases (tenant_id, created_at);

CREATE TABLE public.raffle_entries (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id      uuid NOT NULL REFERENCES public.tenants(id),
    release_id     uuid NOT NULL,
    email          text NOT NULL CONSTRAINT raffle_entries_email_length CHECK (length(email) BETWEEN 3 AND 254),
    -- rdk.release_email_key(email): one entry per person, whatever the case or Gmail spelling.
    email_key      text NOT NULL CONSTRAINT raffle_entries_email_key_length CHECK (length(email_key) BETWEEN 3 AND 254),
    size           text CONSTRAINT raffle_entries_size_shape CHECK (size ~ '^[0-9]{1,2}(\.5)?$'),
    entered_at     timestamptz NOT NULL DEFAULT now(),
    state          text NOT NULL DEFAULT 'entered' CONSTRAINT raffle_entries_state_valid
                       CHECK (state IN ('entered', 'won', 'lost', 'lapsed', 'claimed')),
    draw_rank      integer CONSTRAINT raffle_entries_rank_positive CHECK (draw_rank >= 1),
    -- hex sha256(seed || ':' || email_key): the entry's place in the draw, published for checking.
    draw_key       text CONSTRAINT raffle_entries_draw_key_shape CHECK (draw_key ~ '^[0-9a-f]{64}$'),
    claim_code     uuid UNIQUE,
    claim_deadline timestamptz,
    order_id       uuid REFERENCES public.orders(id),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT raffle_entries_release_same_tenant FOREIGN KEY (tenant_id, release_id) REFERENCES public.releases (tenant_id, id),
    CONSTRAINT raffle_entries_one_per_person UNIQUE (release_id, email_key),
    CONSTRAINT raffle_entries_drawn_has_rank CHECK ((state = 'entered') = (draw_rank IS NULL)),
    CONSTRAINT raffle_entries_winner_has_claim CHECK (state NOT IN ('won', 'claimed', 'lapsed')
                                                     OR (claim_code IS NOT NULL AND claim_deadline IS NOT NULL))
);
COMMENT ON TABLE public.raffle_entries IS
    'One raffle entry per person and release (e-mail + size); written only by rdk.raffle_enter, rdk.raffle_draw, rdk.release_sweep and the payment path';
CREATE INDEX raffle_entries_release_state_idx ON public.raffle_entries (release_id, state, size, draw_rank);
CREATE INDEX raffle_entries_deadline_idx ON public.raffle_entries (claim_deadline) WHERE state = 'won';
CREATE INDEX raffle_entries_tenant_created_idx ON public.raffle_entries (tenant_id, entered_at);

-- Each rdk-sync process's count of tickets issued per 100 ms bucket of join time, replaced
-- once a second. Lost on a crash of PostgreSQL (UNLOGGED): the processes publish again within
-- a second, and tickets carry their own join time.
CREATE UNLOGGED TABLE public.release_queue_counts (
    tenant_id  uuid NOT NULL,
    release_id uuid NOT NULL,
    process    text NOT NULL CONSTRAINT release_queue_counts_process_shape CHECK (length(process) BETWEEN 1 AND 100),
    bucket_ms  bigint NOT NULL CONSTRAINT release_queue_counts_bucket_shape CHECK (bucket_ms >= 0 AND bucket_ms % 100 = 0),
    count      integer NOT NULL CONSTRAINT release_queue_counts_count_range CHECK (count BETWEEN 0 AND 100000000),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (release_id, process, bucket_ms)
);
COMMENT ON TABLE public.release_queue_counts IS
    'Waiting-room tickets issued per rdk-sync process and 100 ms of join time; written only by rdk.queue_publish';

ALTER TABLE public.orders
    ADD COLUMN release_id uuid REFERENCES public.releases(id),
    -- The waiting-room ticket that bought this order's release pairs (once per live order).
    ADD COLUMN release_ticket text CONSTRAINT orders_release_ticket_length CHECK (length(release_ticket) <= 200),
    ADD COLUMN raffle_entry_id bigint REFERENCES public.raffle_entries(id),
    -- rdk.release_email_key of the buyer, for the per-buyer limit (release orders only).
    ADD COLUMN buyer_key text CONSTRAINT orders_buyer_key_length CHECK (length(buyer_key) <= 254),
    -- Stripe's card fingerprint of a paid release order, when its answer had one.
    ADD COLUMN card_fingerprint text CONSTRAINT orders_card_fingerprint_length CHECK (length(card_fingerprint) <= 100),
    ADD CONSTRAINT orders_release_fields CHECK (release_id IS NOT NULL OR (release_ticket IS NULL AND raffle_entry_id IS NULL
                                                                          AND buyer_key IS NULL));
-- Release checks cost nothing for orders outside a release: every index is partial.
CREATE INDEX orders_release_buyer_idx ON public.orders (release_id, buyer_key) WHERE release_id IS NOT NULL;
CREATE INDEX orders_release_card_idx ON public.orders (release_id, card_fingerprint) WHERE release_id IS NOT NULL AND card_fingerprint IS NOT NULL;
CREATE UNIQUE INDEX orders_release_ticket_once ON public.orders (release_id, release_ticket)
    WHERE release_ticket IS NOT NULL AND status <> 'canceled';
CREATE UNIQUE INDEX orders_raffle_entry_once ON public.orders (raffle_entry_id)
    WHERE raffle_entry_id IS NOT NULL AND status <> 'canceled';
-- Cashiers read orders column by column (0010): which release a sale belongs to, not the
-- ticket, the buyer's key or the card.
GRANT SELECT (release_id, raffle_entry_id) ON public.orders TO rdk_staff;

-- Raffle mails are about an entry, not an order.
ALTER TABLE public.mail_outbox ALTER COLUMN order_id DROP NOT NULL;
ALTER TABLE public.mail_outbox ADD COLUMN raffle_entry_id bigint REFERENCES public.raffle_entries(id);
ALTER TABLE public.mail_outbox ADD CONSTRAINT mail_outbox_about_one CHECK (num_nonnulls(order_id, raffle_entry_id) = 1);
ALTER TABLE public.mail_outbox ADD CONSTRAINT mail_outbox_one_per_entry_event UNIQUE (tenant_id, raffle_entry_id, event_key);
ALTER TABLE public.mail_outbox DROP CONSTRAINT mail_outbox_kind_valid;
ALTER TABLE public.mail_outbox ADD CONSTRAINT mail_outbox_kind_valid
    CHECK (kind IN ('order_paid', 'order_shipped', 'order_refunded', 'counter_receipt', 'order_ready_for_pickup',
                    'raffle_won', 'raffle_lost'));
GRANT SELECT (raffle_entry_id) ON public.mail_outbox TO rdk_staff;

-- Rights. Staff of the shop read its releases (not the secret) and its raffle entries (not
-- the address); ops and admins read the addresses too. rdk-sync reads through its functions.
-- Nobody writes these tables directly.
ALTER TABLE public.releases ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.raffle_entries ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.release_queue_counts ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON public.releases, public.raffle_entries, public.release_queue_counts FROM PUBLIC;
GRANT SELECT (id, tenant_id, product_id, sizes, release_at, visibility, allocation, admit_per_minute, limit_per_buyer,
              pow_bits, queue_opens_at, entries_close_at, claim_hours, draw_seed, drawn_at, drawn_by, canceled_at,
              cancel_reason, created_by, created_at, updated_at)
    ON public.releases TO rdk_staff, rdk_ops, rdk_admin;
GRANT SELECT (id, tenant_id, release_id, size, entered_at, state, draw_rank, draw_key, claim_deadline, order_id, updated_at)
    ON public.raffle_entries TO rdk_staff;
GRANT SELECT ON public.raffle_entries TO rdk_ops, rdk_admin;
CREATE POLICY releases_select ON public.releases FOR SELECT TO rdk_staff, rdk_ops, rdk_admin
    USING (tenant_id = (SELECT rdk.current_tenant()));
CREATE POLICY raffle_entries_select ON public.raffle_entries FOR SELECT TO rdk_staff, rdk_ops, rdk_admin
    USING (tenant_id = (SELECT rdk.current_tenant()));
