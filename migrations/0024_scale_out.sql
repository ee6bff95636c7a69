-- 0024: several rdk-sync processes against one database (issue 15 "Drop day", ADR 0029).
--
-- What a single rdk-sync kept in its own memory, and several must share, moves here:
--   1. stripe_requests gets a lease: a claimer names itself and renews its claim while it works,
--      so another process takes a request over only when its claimer stopped renewing (killed,
--      cut off), never while it is still working it (module stripe_requests.sql).
--   2. rate_limit_buckets: the token buckets of the budgets that must not be multiplied by the
--      number of processes (checkout, sign-in-like routes). UNLOGGED: a crash of the server
--      refills every budget, which is harmless; a write per checkout must not cost a WAL flush.
--   3. visitor_salts: the day's salt of the visitor hash, one per shop and day, so the same
--      visitor counts once whichever process served them (it lived in each process's memory).
-- Both new tables are written and read only through module scaleout.sql's functions: no app
-- role holds any privilege on them, and row-level security is on with no policy.

ALTER TABLE public.stripe_requests
    ADD COLUMN leased_until timestamptz,
    ADD COLUMN claimed_by text CONSTRAINT stripe_requests_claimed_by_length CHECK (length(claimed_by) <= 200);
COMMENT ON COLUMN public.stripe_requests.leased_until IS
    'While working: the claim holds until then (renewed by the claimer); past it another rdk-sync may take the request over';
COMMENT ON COLUMN public.stripe_requests.claimed_by IS
    'The rdk-sync process that claimed the request (host:pid), for operators and the storm''s reconciliation';

CREATE UNLOGGED TABLE public.rate_limit_buckets (
    tenant_id   uuid NOT NULL REFERENCES public.tenants(id),
    family      text NOT NULL CONSTRAINT rate_limit_buckets_family_valid
                    CHECK (family IN ('pages', 'api', 'checkout', 'auth', 'media')),
    client_key  text NOT NULL CONSTRAINT rate_limit_buckets_client_length CHECK (length(client_key) BETWEEN 1 AND 64),
    tokens      double precision NOT NULL CONSTRAINT rate_limit_buckets_tokens_range CHECK (tokens >= 0),
    allowed     boolean NOT NULL,
    updated_at  timestamptz NOT NULL,
    full_at     timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, family, client_key)
);
COMMENT ON TABLE public.rate_limit_buckets IS
    'Shared rate-limit token buckets of rdk-sync (one per shop, route family and client); only rdk.rate_take touches it';
CREATE INDEX rate_limit_buckets_full_idx ON public.rate_limit_buckets (tenant_id, full_at);
ALTER TABLE public.rate_limit_buckets ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON public.rate_limit_buckets FROM PUBLIC;

CREATE TABLE public.visitor_salts (
    tenant_id   uuid NOT NULL REFERENCES public.tenants(id),
    day         date NOT NULL,
    salt        bytea NOT NULL CONSTRAINT visitor_salts_salt_length CHECK (length(salt) = 32),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, day)
);
COMMENT ON TABLE public.visitor_salts IS
    'The salt of the day (UTC) of the cookieless visitor hash, shared by a shop''s rdk-sync processes; only rdk.visitor_salt touches it, and it keeps no day older than yesterday';
ALTER TABLE public.visitor_salts ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON public.visitor_salts FROM PUBLIC;
