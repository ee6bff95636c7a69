-- Module releases: drop day (migration 0022, ADR 0026): releases, the waiting room's queue counts, raffles, per-buyer limits.
-- Re-runnable: applied whole, in one transaction, whenever this file's checksum changes.
-- This file is the one place to change these functions (ADR 0011); keep each GRANT next to its function.
--
-- A release is "in force" from when it is made until 7 days after its release time, unless
-- canceled: while in force, its sizes need a pass online (a waiting-room ticket or a raffle
-- claim), an e-mail address, and stay within its limit per buyer online and at the counter.

-- rdk.release_email_key(text)
CREATE OR REPLACE FUNCTION rdk.release_email_key(p_email text)
 RETURNS text
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_key text := rdk.customer_email_key(p_email);
    v_name text := split_part(v_key, '@', 1);
    v_domain text := split_part(v_key, '@', 2);
BEGIN
    -- One buyer, however the address is spelled: rdk.customer_email_key (trimmed, lower case),
    -- without a "+tag" after the name, and for Gmail without the dots Gmail ignores
    -- (j.doe+drop@googlemail.com and JDoe@gmail.com are one person). NULL for no address.
    -- plpgsql, not sql: see rdk.is_service() (ADR 0028).
    IF v_key IS NULL THEN
        RETURN NULL;
    END IF;
    IF position('+' IN v_name) > 1 THEN
        v_name := left(v_name, position('+' IN v_name) - 1);
    END IF;
    IF v_domain IN ('gmail.com', 'googlemail.com') THEN
        RETURN replace(v_name, '.', '') || '@gmail.com';
    END IF;
    RETURN v_name || '@' || v_domain;
END
$function$;
COMMENT ON FUNCTION rdk.release_email_key(text) IS 'One buyer per address however spelled: lower case, no +tag, Gmail without dots; the per-buyer key of releases and raffles';
REVOKE ALL ON FUNCTION rdk.release_email_key(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.release_email_key(text) TO rdk_admin, rdk_ops, rdk_staff, rdk_sync;

-- rdk.release_address_key(jsonb)
CREATE OR REPLACE FUNCTION rdk.release_address_key(p_address jsonb)
 RETURNS text
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
BEGIN
    -- A shipping address (Stripe's shape: line1, line2, postal_code, country) reduced to its
    -- letters and digits in lower case, so "12 Main St., Apt 3" and "12 main st apt 3" match.
    -- The name is left out on purpose: one door, several names, is one buyer. NULL when empty.
    -- plpgsql, not sql: see rdk.is_service() (ADR 0028).
    IF jsonb_typeof(p_address) IS DISTINCT FROM 'object' OR coalesce(p_address ->> 'line1', '') = '' THEN
        RETURN NULL;
    END IF;
    RETURN nullif(lower(regexp_replace(coalesce(p_address ->> 'line1', '') || coalesce(p_address ->> 'line2', '')
                                       || '|' || coalesce(p_address ->> 'postal_code', '') || '|'
                                       || coalesce(p_address ->> 'country', ''), '[^[:alnum:]|]+', '', 'g')), '||');
END
$function$;
REVOKE ALL ON FUNCTION rdk.release_address_key(jsonb) FROM PUBLIC;

-- rdk.release_shop_time(timestamp with time zone,uuid)
CREATE OR REPLACE FUNCTION rdk.release_shop_time(p_at timestamp with time zone, p_tenant uuid)
 RETURNS text
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
    -- "12 Dec 2026 10:00 (Europe/Berlin)": a time as the shop's staff and shoppers read it.
    SELECT to_char(p_at AT TIME ZONE t.timezone, 'FMDD Mon YYYY HH24:MI') || ' (' || t.timezone || ')'
      FROM public.tenants t WHERE t.id = p_tenant
$function$;
REVOKE ALL ON FUNCTION rdk.release_shop_time(timestamp with time zone,uuid) FROM PUBLIC;

-- rdk.release_in_force(public.releases)
CREATE OR REPLACE FUNCTION rdk.release_in_force(p_release public.releases)
 RETURNS boolean
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
    SELECT p_release.canceled_at IS NULL AND p_release.release_at > now() - interval '7 days'
$function$;
REVOKE ALL ON FUNCTION rdk.release_in_force(public.releases) FROM PUBLIC;

-- rdk.release_pairs(uuid,uuid)
CREATE OR REPLACE FUNCTION rdk.release_pairs(p_order uuid, p_release uuid)
 RETURNS integer
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
    -- Pairs of the release's sizes in one order.
    SELECT coalesce(sum(i.quantity), 0)::integer
      FROM public.order_items i JOIN public.releases r ON r.id = p_release
     WHERE i.order_id = p_order AND i.product_id = r.product_id AND (r.sizes IS NULL OR i.size = ANY (r.sizes))
$function$;
REVOKE ALL ON FUNCTION rdk.release_pairs(uuid,uuid) FROM PUBLIC;

-- rdk.storefront_hidden()
CREATE OR REPLACE FUNCTION rdk.storefront_hidden()
 RETURNS TABLE(product_id uuid, size text)
 LANGUAGE sql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
    -- What the caller's storefront must not show yet: products of hidden releases before their
    -- release time (size NULL), or only the released sizes when a release names sizes. The one
    -- place this rule lives; every storefront read of products and sizes filters by it.
    SELECT r.product_id, s.size
      FROM public.releases r
      LEFT JOIN LATERAL unnest(r.sizes) AS s(size) ON true
     WHERE r.tenant_id = rdk.current_tenant() AND r.canceled_at IS NULL AND r.visibility = 'hidden'
       AND r.release_at > now()
$function$;
COMMENT ON FUNCTION rdk.storefront_hidden() IS 'Products (size NULL) and sizes of the caller''s shop that hidden releases keep off the storefront until their release time';
REVOKE ALL ON FUNCTION rdk.storefront_hidden() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.storefront_hidden() TO rdk_sync;

-- rdk.storefront_releases()
CREATE OR REPLACE FUNCTION rdk.storefront_releases()
 RETURNS TABLE(release_id uuid, product_id uuid, sku text, sizes text[], release_at timestamp with time zone, visibility text, allocation text, admit_per_minute integer, limit_per_buyer integer, pow_bits integer, queue_opens_at timestamp with time zone, entries_close_at timestamp with time zone, drawn_at timestamp with time zone, secret bytea, timezone text)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenant uuid := rdk.require_service();
BEGIN
    RETURN QUERY
    SELECT r.id, r.product_id, p.sku, r.sizes, r.release_at, r.visibility, r.allocation, r.admit_per_minute,
           r.limit_per_buyer, r.pow_bits, r.queue_opens_at, r.entries_close_at, r.drawn_at, r.secret, t.timezone
      FROM public.releases r
      JOIN public.products p ON p.id = r.product_id
      JOIN public.tenants t ON t.id = r.tenant_id
     WHERE r.tenant_id = v_tenant AND r.canceled_at IS NULL AND r.release_at > now() - interval '7 days'
     ORDER BY r.release_at, r.id;
END
$function$;
COMMENT ON FUNCTION rdk.storefront_releases() IS 'rdk-sync: its shop''s releases in force (not canceled, released less than 7 days ago), with the secret that signs their challenges and tickets';
REVOKE ALL ON FUNCTION rdk.storefront_releases() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.storefront_releases() TO rdk_sync;

-- rdk.service_release(uuid,uuid)
CREATE OR REPLACE FUNCTION rdk.service_release(p_tenant uuid, p_release uuid)
 RETURNS public.releases
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_release public.releases;
BEGIN
    SELECT * INTO v_release FROM public.releases r WHERE r.id = p_release AND r.tenant_id = p_tenant;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'No such release.' USING ERRCODE = 'P0002';
    END IF;
    RETURN v_release;
END
$function$;
REVOKE ALL ON FUNCTION rdk.service_release(uuid,uuid) FROM PUBLIC;

-- rdk.queue_publish(uuid,text,jsonb)
CREATE OR REPLACE FUNCTION rdk.queue_publish(p_release uuid, p_process text, p_counts jsonb)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenant uuid := rdk.require_service();
    v_release public.releases := rdk.service_release(v_tenant, p_release);
    v_process text := btrim(coalesce(p_process, ''));
BEGIN
    IF length(v_process) NOT BETWEEN 1 AND 100 OR v_process ~ '[[:cntrl:]]' THEN
        RAISE EXCEPTION 'A process name has 1 to 100 printable characters.' USING ERRCODE = '22023';
    END IF;
    IF p_counts IS NULL OR jsonb_typeof(p_counts) <> 'object' THEN
        RAISE EXCEPTION 'Queue counts must be an object of bucket: count.' USING ERRCODE = '22023';
    END IF;
    IF (SELECT count(*) FROM jsonb_object_keys(p_counts)) > 36000 THEN
        RAISE EXCEPTION 'At most 36000 buckets (one hour) per publication.' USING ERRCODE = '22023';
    END IF;
    IF EXISTS (SELECT 1 FROM jsonb_each(p_counts) e
                WHERE e.key !~ '^[0-9]{1,15}$' OR (e.key::bigint % 100) <> 0
                   OR jsonb_typeof(e.value) <> 'number' OR e.value::text !~ '^[0-9]{1,9}$') THEN
        RAISE EXCEPTION 'Queue counts are whole numbers per 100 ms bucket (milliseconds since 1970, a multiple of 100).'
            USING ERRCODE = '22023';
    END IF;
    -- Replace this process's counts of the release: one statement pair per second per process.
    DELETE FROM public.release_queue_counts c WHERE c.release_id = v_release.id AND c.process = v_process;
    INSERT INTO public.release_queue_counts (tenant_id, release_id, process, bucket_ms, count)
    SELECT v_tenant, v_release.id, v_process, e.key::bigint, (e.value::text)::integer
      FROM jsonb_each(p_counts) e WHERE (e.value::text)::integer > 0;
END
$function$;
COMMENT ON FUNCTION rdk.queue_publish(uuid,text,jsonb) IS 'rdk-sync: replace one process''s waiting-room ticket counts per 100 ms bucket of join time for a release of its shop';
REVOKE ALL ON FUNCTION rdk.queue_publish(uuid,text,jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.queue_publish(uuid,text,jsonb) TO rdk_sync;

-- rdk.queue_counts(uuid)
CREATE OR REPLACE FUNCTION rdk.queue_counts(p_release uuid)
 RETURNS TABLE(bucket_ms bigint, count bigint)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenant uuid := rdk.require_service();
    v_release public.releases := rdk.service_release(v_tenant, p_release);
BEGIN
    RETURN QUERY
    SELECT c.bucket_ms, sum(c.count)::bigint
      FROM public.release_queue_counts c
     WHERE c.release_id = v_release.id
     GROUP BY c.bucket_ms ORDER BY c.bucket_ms;
END
$function$;
COMMENT ON FUNCTION rdk.queue_counts(uuid) IS 'rdk-sync: waiting-room tickets per 100 ms bucket of join time, summed over every process, in join order';
REVOKE ALL ON FUNCTION rdk.queue_counts(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.queue_counts(uuid) TO rdk_sync;

-- rdk.release_ticket_valid(public.releases,text)
CREATE OR REPLACE FUNCTION rdk.release_ticket_valid(p_release public.releases, p_ticket text)
 RETURNS boolean
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_parts text[] := string_to_array(p_ticket, '.');
BEGIN
    -- v1.<release uuid>.<join unix ms>.<24 hex>.<hex HMAC-SHA256(secret, the four fields joined by '.')>
    IF p_ticket IS NULL OR length(p_ticket) > 200 OR cardinality(v_parts) <> 5 OR v_parts[1] <> 'v1'
       OR v_parts[2] <> p_release.id::text OR v_parts[3] !~ '^[0-9]{1,15}$' OR v_parts[4] !~ '^[0-9a-f]{24}$'
       OR v_parts[5] !~ '^[0-9a-f]{64}$' THEN
        RETURN false;
    END IF;
    RETURN encode(hmac(convert_to(array_to_string(v_parts[1:4], '.'), 'UTF8'), p_release.secret, 'sha256'), 'hex') = v_parts[5];
END
$function$;
REVOKE ALL ON FUNCTION rdk.release_ticket_valid(public.releases,text) FROM PUBLIC;

-- rdk.release_check_lines(uuid,jsonb,text,jsonb,boolean)
CREATE OR REPLACE FUNCTION rdk.release_check_lines(p_tenant uuid, p_lines jsonb, p_email text, p_pass jsonb, p_counter boolean, OUT release_id uuid, OUT ticket text, OUT entry_id bigint, OUT buyer_key text, OUT buyer_email text)
 RETURNS record
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_release public.releases;
    v_count integer;
    v_pairs integer;
    v_name text;
    v_sku text;
    v_sizes text[];
    v_entry public.raffle_entries;
    v_code text;
    v_bought integer;
    r record;
BEGIN
    -- The release whose sizes these lines buy, if any (one per order), and how many pairs.
    SELECT count(DISTINCT x.id) INTO v_count
      FROM (SELECT rl.id FROM rdk.parse_lines(p_lines, true) l
              JOIN public.products p ON p.tenant_id = p_tenant AND p.sku = l.sku
              JOIN public.releases rl ON rl.product_id = p.id AND rl.canceled_at IS NULL
                                     AND rl.release_at > now() - interval '7 days'
             WHERE rl.sizes IS NULL OR l.size = ANY (rl.sizes)) x;
    IF v_count = 0 THEN
        RETURN;  -- nothing of a release: the order is as it always was
    END IF;
    IF v_count > 1 THEN
        RAISE EXCEPTION 'An order can hold pairs of one release only; buy them one after the other.' USING ERRCODE = '22023';
    END IF;
    SELECT rl.id, p.name, p.sku, sum(l.quantity)::integer AS pairs, array_agg(DISTINCT coalesce(l.size, '')) AS line_sizes
      INTO r
      FROM rdk.parse_lines(p_lines, true) l
      JOIN public.products p ON p.tenant_id = p_tenant AND p.sku = l.sku
      JOIN public.releases rl ON rl.product_id = p.id AND rl.canceled_at IS NULL AND rl.release_at > now() - interval '7 days'
     WHERE rl.sizes IS NULL OR l.size = ANY (rl.sizes)
     GROUP BY rl.id, p.name, p.sku;
    SELECT * INTO v_release FROM public.releases rl WHERE rl.id = r.id;
    v_name := r.name;
    v_sku := r.sku;
    v_pairs := r.pairs;
    v_sizes := r.line_sizes;
    release_id := v_release.id;

    IF now() < v_release.release_at THEN
        IF v_release.visibility = 'hidden' AND NOT p_counter THEN
            -- Online, a hidden release does not exist yet: the same answer as an unknown SKU.
            RAISE EXCEPTION '% is not available.', v_sku USING ERRCODE = 'P0002';
        END IF;
        RAISE EXCEPTION '% goes on sale at %.', v_name, rdk.release_shop_time(v_release.release_at, p_tenant) USING ERRCODE = 'P0001';
    END IF;

    IF p_counter THEN
        IF v_release.allocation = 'raffle' THEN
            IF v_release.drawn_at IS NULL THEN
                RAISE EXCEPTION '% goes to raffle winners; the counter can sell what they leave after the draw.', v_name
                    USING ERRCODE = 'P0001';
            END IF;
            -- After the draw, winners who have not paid yet keep their pairs.
            FOR r IN
                SELECT l.size, sum(l.quantity)::integer AS wanted,
                       (SELECT greatest(i.quantity - i.reserved, 0) FROM public.inventory i
                         WHERE i.product_id = v_release.product_id AND i.size IS NOT DISTINCT FROM l.size) AS free,
                       (SELECT count(*) FROM public.raffle_entries e
                         WHERE e.release_id = v_release.id AND e.state = 'won' AND e.size IS NOT DISTINCT FROM l.size
                           AND NOT EXISTS (SELECT 1 FROM public.orders o WHERE o.raffle_entry_id = e.id AND o.status <> 'canceled'))::integer AS waiting
                  FROM rdk.parse_lines(p_lines, true) l
                  JOIN public.products p ON p.tenant_id = p_tenant AND p.sku = l.sku AND p.id = v_release.product_id
                 WHERE v_release.sizes IS NULL OR l.size = ANY (v_release.sizes)
                 GROUP BY l.size
            LOOP
                IF r.wanted > coalesce(r.free, 0) - r.waiting THEN
                    RAISE EXCEPTION '%', CASE WHEN coalesce(r.free, 0) - r.waiting <= 0
                                              THEN rdk.item_label(v_name, r.size) || ' is kept for raffle winners who have not paid yet.'
                                              ELSE 'Only ' || (coalesce(r.free, 0) - r.waiting) || ' of ' || rdk.item_label(v_name, r.size)
                                                   || ' are free; the rest are kept for raffle winners.' END
                        USING ERRCODE = 'R0001';
                END IF;
            END LOOP;
        END IF;
    ELSIF v_release.allocation = 'queue' THEN
        ticket := nullif(btrim(coalesce(p_pass ->> 'ticket', '')), '');
        IF ticket IS NULL THEN
            RAISE EXCEPTION 'This release is sold through its waiting room.' USING ERRCODE = '42501';
        END IF;
        IF NOT rdk.release_ticket_valid(v_release, ticket) THEN
            RAISE EXCEPTION 'That waiting-room ticket is not valid for this release.' USING ERRCODE = '42501';
        END IF;
        -- One live order per ticket: concurrent uses of one ticket wait for each other here.
        PERFORM pg_advisory_xact_lock(hashtextextended('release-ticket:' || ticket, 0));
        IF EXISTS (SELECT 1 FROM public.orders o
                    WHERE o.release_id = v_release.id AND o.release_ticket = ticket AND o.status <> 'canceled') THEN
            RAISE EXCEPTION 'This waiting-room ticket has already been used for an order.' USING ERRCODE = 'P0001';
        END IF;
    ELSE
        v_code := nullif(btrim(coalesce(p_pass ->> 'claim', '')), '');
        IF v_code IS NULL THEN
            RAISE EXCEPTION 'This release is sold to raffle winners.' USING ERRCODE = '42501';
        END IF;
        IF v_code !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
            RAISE EXCEPTION 'That raffle claim link is not valid.' USING ERRCODE = '42501';
        END IF;
        SELECT * INTO v_entry FROM public.raffle_entries e
         WHERE e.claim_code = v_code::uuid AND e.release_id = v_release.id FOR UPDATE;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'That raffle claim link is not valid.' USING ERRCODE = '42501';
        END IF;
        IF v_entry.state <> 'won' THEN
            RAISE EXCEPTION '%', CASE v_entry.state WHEN 'claimed' THEN 'This pair has already been bought.'
                                                    ELSE 'The time to claim this pair has run out.' END USING ERRCODE = 'P0001';
        END IF;
        IF v_entry.claim_deadline <= now() THEN
            RAISE EXCEPTION 'The time to claim this pair ran out at %.', rdk.release_shop_time(v_entry.claim_deadline, p_tenant)
                USING ERRCODE = 'P0001';
        END IF;
        IF v_pairs <> 1 OR v_sizes <> ARRAY[coalesce(v_entry.size, '')] THEN
            RAISE EXCEPTION 'A raffle win buys one pair in size %.', coalesce(v_entry.size, '(one size)') USING ERRCODE = '22023';
        END IF;
        IF EXISTS (SELECT 1 FROM public.orders o WHERE o.raffle_entry_id = v_entry.id AND o.status <> 'canceled') THEN
            RAISE EXCEPTION 'This pair is already in a checkout; finish paying there.' USING ERRCODE = 'P0001';
        END IF;
        entry_id := v_entry.id;
        buyer_key := v_entry.email_key;
        buyer_email := v_entry.email;
    END IF;

    buyer_key := coalesce(buyer_key, rdk.release_email_key(p_email));
    IF buyer_key IS NULL THEN
        RAISE EXCEPTION '%', CASE WHEN p_counter THEN 'Enter the buyer''s e-mail address to sell from this release.'
                                  ELSE 'Enter your e-mail address to buy from this release.' END USING ERRCODE = '22023';
    END IF;
    -- Pairs per buyer, online and at the counter: attempts by one buyer wait for each other
    -- here, so concurrent checkouts can't each see room for one more pair.
    PERFORM pg_advisory_xact_lock(hashtextextended('release-buyer:' || v_release.id || ':' || buyer_key, 0));
    SELECT coalesce(sum(rdk.release_pairs(o.id, v_release.id)), 0) INTO v_bought
      FROM public.orders o
     WHERE o.release_id = v_release.id AND o.buyer_key = release_check_lines.buyer_key
       AND o.status NOT IN ('canceled', 'refunded');
    IF v_bought + v_pairs > v_release.limit_per_buyer THEN
        RAISE EXCEPTION 'You can buy at most % of this release.',
            v_release.limit_per_buyer || CASE WHEN v_release.limit_per_buyer = 1 THEN ' pair' ELSE ' pairs' END
            USING ERRCODE = 'P0001';
    END IF;
END
$function$;
REVOKE ALL ON FUNCTION rdk.release_check_lines(uuid,jsonb,text,jsonb,boolean) FROM PUBLIC;

-- rdk.release_check_buyer(uuid,jsonb)
CREATE OR REPLACE FUNCTION rdk.release_check_buyer(p_order uuid, p_checkout jsonb)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_order public.orders;
    v_release public.releases;
    v_pairs integer;
    v_address text;
    v_other record;
    v_problem text;
BEGIN
    -- Called by the payment path right after an order was marked paid. Outside a release: one
    -- index lookup and nothing else.
    SELECT * INTO v_order FROM public.orders o WHERE o.id = p_order AND o.release_id IS NOT NULL;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    -- Lists of payments run side by side (ADR 0035): those of one release wait for each other
    -- here, so two can't each miss the other's pairs of the same card or address. A row lock,
    -- not an advisory one: no login may take it (staff only read releases), and it doesn't stop
    -- checkouts, whose orders take only the key share lock of their release.
    SELECT * INTO v_release FROM public.releases r WHERE r.id = v_order.release_id FOR NO KEY UPDATE;
    UPDATE public.orders
       SET card_fingerprint = coalesce(left(nullif(btrim(p_checkout ->> 'card_fingerprint'), ''), 100), card_fingerprint)
     WHERE id = p_order
    RETURNING * INTO v_order;
    -- The card's charge can come before the order is paid: its fingerprint is kept, and the
    -- check runs when the payment arrives.
    IF v_order.status IN ('pending', 'awaiting_payment', 'canceled') THEN
        RETURN;
    END IF;
    IF v_order.raffle_entry_id IS NOT NULL THEN
        UPDATE public.raffle_entries SET state = 'claimed', order_id = p_order, updated_at = now()
         WHERE id = v_order.raffle_entry_id AND state IN ('won', 'lapsed');
    END IF;
    v_pairs := rdk.release_pairs(p_order, v_release.id);
    -- The same card, or the same door, over the release's limit: paid, but flagged, naming the
    -- other order, so the shop decides before the pairs go out.
    IF v_order.card_fingerprint IS NOT NULL THEN
        SELECT o.order_number, sum(rdk.release_pairs(o.id, v_release.id)) OVER () AS pairs INTO v_other
          FROM public.orders o
         WHERE o.release_id = v_release.id AND o.card_fingerprint = v_order.card_fingerprint AND o.id <> p_order
           AND o.status NOT IN ('pending', 'awaiting_payment', 'canceled', 'refunded')
         ORDER BY o.created_at LIMIT 1;
        IF FOUND AND v_other.pairs + v_pairs > v_release.limit_per_buyer THEN
            v_problem := 'The same card already bought this release''s limit of ' || v_release.limit_per_buyer
                         || ' (' || rdk.order_label(v_other.order_number) || '); check before shipping.';
        END IF;
    END IF;
    v_address := rdk.release_address_key(v_order.shipping_address);
    IF v_problem IS NULL AND v_address IS NOT NULL THEN
        SELECT o.order_number, sum(rdk.release_pairs(o.id, v_release.id)) OVER () AS pairs INTO v_other
          FROM public.orders o
         WHERE o.release_id = v_release.id AND o.id <> p_order AND o.shipping_address IS NOT NULL
           AND rdk.release_address_key(o.shipping_address) = v_address
           AND o.status NOT IN ('pending', 'awaiting_payment', 'canceled', 'refunded')
         ORDER BY o.created_at LIMIT 1;
        IF FOUND AND v_other.pairs + v_pairs > v_release.limit_per_buyer THEN
            v_problem := 'The same shipping address already bought this release''s limit of ' || v_release.limit_per_buyer
                         || ' (' || rdk.order_label(v_other.order_number) || '); check before shipping.';
        END IF;
    END IF;
    -- A late charge event checks again; a sentence already there is not written twice.
    IF v_problem IS NOT NULL AND position(v_problem IN coalesce(v_order.review_reason, '')) = 0 THEN
        UPDATE public.orders
           SET needs_review = true,
               review_reason = left(CASE WHEN needs_review AND review_reason IS NOT NULL THEN review_reason || ' ' ELSE '' END
                                    || v_problem, 500)
         WHERE id = p_order;
    END IF;
END
$function$;
REVOKE ALL ON FUNCTION rdk.release_check_buyer(uuid,jsonb) FROM PUBLIC;

-- rdk.raffle_mail(public.raffle_entries,text)
CREATE OR REPLACE FUNCTION rdk.raffle_mail(p_entry public.raffle_entries, p_kind text)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_to text := rdk.mail_address(p_entry.email);
BEGIN
    -- What the mail says, as at the draw or promotion (the payload is the snapshot, ADR 0018);
    -- never the address itself. A winner's mail carries the claim code of the link.
    IF v_to IS NULL THEN
        RETURN;
    END IF;
    INSERT INTO public.mail_outbox (tenant_id, raffle_entry_id, kind, event_key, recipient, payload)
    SELECT p_entry.tenant_id, p_entry.id, p_kind,
           CASE p_kind WHEN 'raffle_won' THEN 'won:' || p_entry.claim_code ELSE 'lost' END, v_to,
           jsonb_build_object(
               'shop', jsonb_build_object('name', t.name, 'timezone', t.timezone, 'currency', t.currency,
                                          'address', coalesce(s.shop_address, '')),
               'release_id', r.id, 'release_at', r.release_at,
               'product', jsonb_build_object('name', p.name, 'sku', p.sku, 'brand', p.brand, 'colorway', p.colorway,
                                             'price_minor', p.price_minor, 'currency', btrim(p.currency)),
               'size', p_entry.size, 'draw_rank', p_entry.draw_rank,
               'claim_code', CASE WHEN p_kind = 'raffle_won' THEN p_entry.claim_code END,
               'claim_deadline', CASE WHEN p_kind = 'raffle_won' THEN p_entry.claim_deadline END)
      FROM public.releases r
      JOIN public.products p ON p.id = r.product_id
      JOIN public.tenants t ON t.id = r.tenant_id
      LEFT JOIN public.shop_settings s ON s.tenant_id = r.tenant_id
     WHERE r.id = p_entry.release_id
    ON CONFLICT ON CONSTRAINT mail_outbox_one_per_entry_event DO NOTHING;
END
$function$;
REVOKE ALL ON FUNCTION rdk.raffle_mail(public.raffle_entries,text) FROM PUBLIC;

-- rdk.raffle_enter(uuid,text,text)
CREATE OR REPLACE FUNCTION rdk.raffle_enter(p_release uuid, p_email text, p_size text)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenant uuid := rdk.require_service();
    v_release public.releases := rdk.service_release(v_tenant, p_release);
    v_email text := btrim(coalesce(p_email, ''));
    v_key text := rdk.release_email_key(p_email);
    v_size text := nullif(btrim(coalesce(p_size, '')), '');
    v_product public.products;
    v_id bigint;
BEGIN
    IF v_release.allocation <> 'raffle' OR v_release.canceled_at IS NOT NULL THEN
        RAISE EXCEPTION 'This release has no raffle to enter.' USING ERRCODE = 'P0001';
    END IF;
    IF now() < v_release.queue_opens_at THEN
        RAISE EXCEPTION 'Entries for this raffle open at %.', rdk.release_shop_time(v_release.queue_opens_at, v_tenant)
            USING ERRCODE = 'P0001';
    END IF;
    IF now() >= v_release.entries_close_at OR v_release.drawn_at IS NOT NULL THEN
        RAISE EXCEPTION 'Entries for this raffle closed at %.', rdk.release_shop_time(v_release.entries_close_at, v_tenant)
            USING ERRCODE = 'P0001';
    END IF;
    IF v_key IS NULL OR rdk.mail_address(v_email) IS NULL THEN
        RAISE EXCEPTION 'Enter a valid e-mail address; the result of the draw is sent there.' USING ERRCODE = '22023';
    END IF;
    SELECT * INTO v_product FROM public.products p WHERE p.id = v_release.product_id;
    IF v_size IS NULL AND v_product.inventory_strategy = 'per_size' THEN
        RAISE EXCEPTION 'Choose a size.' USING ERRCODE = '22023';
    END IF;
    IF (v_size IS NOT NULL AND v_size !~ '^[0-9]{1,2}(\.5)?$')
       OR (v_release.sizes IS NOT NULL AND NOT v_size = ANY (v_release.sizes))
       OR NOT EXISTS (SELECT 1 FROM public.inventory i WHERE i.product_id = v_product.id AND i.size IS NOT DISTINCT FROM v_size) THEN
        RAISE EXCEPTION 'Size % is not part of this raffle.', left(coalesce(v_size, '(none)'), 10) USING ERRCODE = '22023';
    END IF;
    INSERT INTO public.raffle_entries (tenant_id, release_id, email, email_key, size)
    VALUES (v_tenant, v_release.id, left(v_email, 254), v_key, v_size)
    ON CONFLICT ON CONSTRAINT raffle_entries_one_per_person DO NOTHING
    RETURNING id INTO v_id;
    IF v_id IS NULL THEN
        RAISE EXCEPTION 'This e-mail address has already entered this raffle.' USING ERRCODE = 'P0001';
    END IF;
    RETURN v_id;
END
$function$;
COMMENT ON FUNCTION rdk.raffle_enter(uuid,text,text) IS 'rdk-sync: one raffle entry (e-mail + size) per person while the release''s entries are open';
REVOKE ALL ON FUNCTION rdk.raffle_enter(uuid,text,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.raffle_enter(uuid,text,text) TO rdk_sync;

-- rdk.raffle_claim_status(uuid)
CREATE OR REPLACE FUNCTION rdk.raffle_claim_status(p_code uuid)
 RETURNS TABLE(state text, size text, deadline timestamp with time zone, product_name text, sku text, release_id uuid, timezone text)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenant uuid := rdk.require_service();
BEGIN
    -- No row for an unknown code (or another shop's): the claim page answers 404.
    RETURN QUERY
    SELECT e.state, e.size, e.claim_deadline, p.name, p.sku, e.release_id, t.timezone
      FROM public.raffle_entries e
      JOIN public.releases r ON r.id = e.release_id
      JOIN public.products p ON p.id = r.product_id
      JOIN public.tenants t ON t.id = e.tenant_id
     WHERE e.claim_code = p_code AND e.tenant_id = v_tenant;
END
$function$;
COMMENT ON FUNCTION rdk.raffle_claim_status(uuid) IS 'rdk-sync: the raffle entry behind a winner''s claim link: state, size, deadline, product';
REVOKE ALL ON FUNCTION rdk.raffle_claim_status(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.raffle_claim_status(uuid) TO rdk_sync;

-- rdk.release_sweep()
CREATE OR REPLACE FUNCTION rdk.release_sweep()
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenant uuid := rdk.require_service();
    v_entry public.raffle_entries;
    v_next public.raffle_entries;
    v_hours integer;
    v_moved integer := 0;
BEGIN
    -- Winners whose time ran out without a live order lapse; the next entry of that size that
    -- lost, in draw order, wins in their place. Safe from several processes at once: an entry
    -- another sweep holds is skipped, and one that it already moved no longer matches.
    FOR v_entry IN
        SELECT e.* FROM public.raffle_entries e
         WHERE e.tenant_id = v_tenant AND e.state = 'won' AND e.claim_deadline <= now()
           AND NOT EXISTS (SELECT 1 FROM public.orders o WHERE o.raffle_entry_id = e.id AND o.status <> 'canceled')
         ORDER BY e.claim_deadline, e.id
           FOR UPDATE OF e SKIP LOCKED
    LOOP
        UPDATE public.raffle_entries SET state = 'lapsed', updated_at = now() WHERE id = v_entry.id;
        v_moved := v_moved + 1;
        SELECT r.claim_hours INTO v_hours FROM public.releases r WHERE r.id = v_entry.release_id AND r.canceled_at IS NULL;
        IF v_hours IS NULL THEN
            CONTINUE;  -- canceled: nobody moves up
        END IF;
        SELECT * INTO v_next FROM public.raffle_entries e
         WHERE e.release_id = v_entry.release_id AND e.state = 'lost' AND e.size IS NOT DISTINCT FROM v_entry.size
         ORDER BY e.draw_rank
         LIMIT 1
           FOR UPDATE SKIP LOCKED;
        IF FOUND THEN
            UPDATE public.raffle_entries
               SET state = 'won', claim_code = gen_random_uuid(), claim_deadline = now() + make_interval(hours => v_hours),
                   updated_at = now()
             WHERE id = v_next.id
            RETURNING * INTO v_next;
            PERFORM rdk.raffle_mail(v_next, 'raffle_won');
            v_moved := v_moved + 1;
        END IF;
    END LOOP;
    RETURN v_moved;
END
$function$;
COMMENT ON FUNCTION rdk.release_sweep() IS 'rdk-sync: raffle winners of its shop past their deadline lapse and the next entry of the size wins (mail queued); returns how many entries moved';
REVOKE ALL ON FUNCTION rdk.release_sweep() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.release_sweep() TO rdk_sync;

-- rdk.release_json(public.releases)
CREATE OR REPLACE FUNCTION rdk.release_json(p_release public.releases)
 RETURNS jsonb
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
    -- A release as the audit log keeps it: every setting, never the secret.
    SELECT to_jsonb(p_release) - 'secret' - 'updated_at' - 'created_at' - 'created_by'
$function$;
REVOKE ALL ON FUNCTION rdk.release_json(public.releases) FROM PUBLIC;

-- rdk.release_setting_int(jsonb,text,integer,integer,integer,text)
CREATE OR REPLACE FUNCTION rdk.release_setting_int(p_settings jsonb, p_key text, p_default integer, p_min integer, p_max integer, p_sentence text)
 RETURNS integer
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
BEGIN
    IF coalesce(jsonb_typeof(p_settings -> p_key), 'null') = 'null' THEN
        RETURN p_default;
    END IF;
    IF jsonb_typeof(p_settings -> p_key) <> 'number' OR (p_settings ->> p_key) !~ '^[0-9]{1,9}$'
       OR (p_settings ->> p_key)::integer NOT BETWEEN p_min AND p_max THEN
        RAISE EXCEPTION '%', p_sentence USING ERRCODE = '22023';
    END IF;
    RETURN (p_settings ->> p_key)::integer;
END
$function$;
REVOKE ALL ON FUNCTION rdk.release_setting_int(jsonb,text,integer,integer,integer,text) FROM PUBLIC;

-- rdk.release_setting_time(jsonb,text,text)
CREATE OR REPLACE FUNCTION rdk.release_setting_time(p_settings jsonb, p_key text, p_name text)
 RETURNS timestamp with time zone
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_text text;
BEGIN
    IF coalesce(jsonb_typeof(p_settings -> p_key), 'null') = 'null' THEN
        RETURN NULL;
    END IF;
    v_text := p_settings ->> p_key;
    -- A full date and time with its offset (ISO 8601): never the server's own time zone.
    IF jsonb_typeof(p_settings -> p_key) <> 'string'
       OR v_text !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)$' THEN
        RAISE EXCEPTION 'The % must be a date and time with its offset, such as 2026-12-12T10:00:00+01:00.', p_name
            USING ERRCODE = '22023';
    END IF;
    BEGIN
        RETURN v_text::timestamptz;
    EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format THEN
        RAISE EXCEPTION 'The % is not a real date and time.', p_name USING ERRCODE = '22023';
    END;
END
$function$;
REVOKE ALL ON FUNCTION rdk.release_setting_time(jsonb,text,text) FROM PUBLIC;

-- rdk.set_release(uuid,text,jsonb)
CREATE OR REPLACE FUNCTION rdk.set_release(p_release uuid, p_sku text, p_settings jsonb)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenant uuid := rdk.require_staff(ARRAY['ops', 'admin'], 'Only ops or admin staff can schedule a release.');
    v_old public.releases;
    v_new public.releases;
    v_product public.products;
    v_other public.releases;
    v_key text;
    v_size text;
    v_sizes text[];
    v_release_at timestamptz;
    v_opens timestamptz;
    v_closes timestamptz;
    v_allocation text;
    v_visibility text;
BEGIN
    IF p_settings IS NULL OR jsonb_typeof(p_settings) <> 'object' THEN
        RAISE EXCEPTION 'The release settings must be an object.' USING ERRCODE = '22023';
    END IF;
    FOR v_key IN SELECT jsonb_object_keys(p_settings) LOOP
        IF NOT v_key = ANY (ARRAY['sizes', 'release_at', 'visibility', 'allocation', 'admit_per_minute', 'limit_per_buyer',
                                  'pow_bits', 'queue_opens_at', 'entries_close_at', 'claim_hours']) THEN
            RAISE EXCEPTION 'Unknown release setting "%".', left(v_key, 40) USING ERRCODE = '22023';
        END IF;
    END LOOP;
    SELECT * INTO v_product FROM public.products p
     WHERE p.tenant_id = v_tenant AND p.sku = btrim(coalesce(p_sku, '')) AND NOT p.archived;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'No product with SKU %.', left(btrim(coalesce(p_sku, '')), 64) USING ERRCODE = 'P0002';
    END IF;
    IF p_release IS NOT NULL THEN
        SELECT * INTO v_old FROM public.releases r WHERE r.id = p_release AND r.tenant_id = v_tenant FOR UPDATE;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'No such release.' USING ERRCODE = 'P0002';
        END IF;
        IF v_old.canceled_at IS NOT NULL THEN
            RAISE EXCEPTION 'This release was canceled; schedule a new one.' USING ERRCODE = 'P0001';
        END IF;
        IF v_old.release_at <= now() OR v_old.drawn_at IS NOT NULL THEN
            RAISE EXCEPTION 'This release has started; it can only be canceled.' USING ERRCODE = 'P0001';
        END IF;
        IF v_old.product_id <> v_product.id THEN
            RAISE EXCEPTION 'A release''s product can''t change; cancel it and schedule a new one.' USING ERRCODE = 'P0001';
        END IF;
    ELSE
        SELECT * INTO v_other FROM public.releases r WHERE r.product_id = v_product.id AND r.canceled_at IS NULL;
        IF FOUND THEN
            RAISE EXCEPTION '% already has a release (%); cancel it first.', v_product.name,
                rdk.release_shop_time(v_other.release_at, v_tenant) USING ERRCODE = 'P0001';
        END IF;
    END IF;

    -- Sizes: NULL is every size; else sizes the product has.
    IF coalesce(jsonb_typeof(p_settings -> 'sizes'), 'null') <> 'null' THEN
        IF jsonb_typeof(p_settings -> 'sizes') <> 'array' OR jsonb_array_length(p_settings -> 'sizes') = 0 THEN
            RAISE EXCEPTION 'The sizes of a release are a list of at least one size, or none for every size.' USING ERRCODE = '22023';
        END IF;
        IF v_product.inventory_strategy <> 'per_size' THEN
            RAISE EXCEPTION '% has no sizes; release it whole.', v_product.name USING ERRCODE = '22023';
        END IF;
        v_sizes := '{}';
        FOR v_size IN SELECT btrim(s) FROM jsonb_array_elements_text(p_settings -> 'sizes') s LOOP
            IF NOT EXISTS (SELECT 1 FROM public.inventory i WHERE i.product_id = v_product.id AND i.size = v_size) THEN
                RAISE EXCEPTION 'Size % is not a size of %.', left(v_size, 10), v_product.name USING ERRCODE = '22023';
            END IF;
            IF NOT v_size = ANY (v_sizes) THEN
                v_sizes := v_sizes || v_size;
            END IF;
        END LOOP;
    END IF;

    v_release_at := rdk.release_setting_time(p_settings, 'release_at', 'release time');
    IF v_release_at IS NULL THEN
        RAISE EXCEPTION 'A release needs its release time.' USING ERRCODE = '22023';
    END IF;
    IF v_release_at <= now() THEN
        RAISE EXCEPTION 'The release time % has passed; pick a time in the future.', rdk.release_shop_time(v_release_at, v_tenant)
            USING ERRCODE = '22023';
    END IF;
    IF v_release_at > now() + interval '1 year' THEN
        RAISE EXCEPTION 'A release can be scheduled at most a year ahead.' USING ERRCODE = '22023';
    END IF;
    v_visibility := coalesce(p_settings ->> 'visibility', 'coming_soon');
    IF v_visibility NOT IN ('hidden', 'coming_soon') THEN
        RAISE EXCEPTION 'Before its release a product is either hidden or shown as coming soon.' USING ERRCODE = '22023';
    END IF;
    v_allocation := coalesce(p_settings ->> 'allocation', 'queue');
    IF v_allocation NOT IN ('queue', 'raffle') THEN
        RAISE EXCEPTION 'A release is sold through a waiting room (queue) or a raffle.' USING ERRCODE = '22023';
    END IF;
    v_opens := coalesce(rdk.release_setting_time(p_settings, 'queue_opens_at', 'time the waiting room opens'),
                        v_release_at - interval '30 minutes');
    IF v_opens > v_release_at THEN
        RAISE EXCEPTION 'The waiting room must open by the release time.' USING ERRCODE = '22023';
    END IF;
    v_closes := rdk.release_setting_time(p_settings, 'entries_close_at', 'time raffle entries close');
    IF v_allocation = 'raffle' THEN
        IF v_closes IS NULL THEN
            RAISE EXCEPTION 'A raffle needs the time its entries close.' USING ERRCODE = '22023';
        END IF;
        IF v_closes <= v_opens THEN
            RAISE EXCEPTION 'Raffle entries must close after they open (%).', rdk.release_shop_time(v_opens, v_tenant)
                USING ERRCODE = '22023';
        END IF;
        IF v_closes > v_release_at THEN
            RAISE EXCEPTION 'Raffle entries must close by the release time, so the draw comes before the sale.' USING ERRCODE = '22023';
        END IF;
    ELSIF v_closes IS NOT NULL OR p_settings ? 'claim_hours' AND jsonb_typeof(p_settings -> 'claim_hours') <> 'null' THEN
        RAISE EXCEPTION 'Entry and claim times are for raffles only.' USING ERRCODE = '22023';
    END IF;

    v_new := v_old;
    v_new.tenant_id := v_tenant;
    v_new.product_id := v_product.id;
    v_new.sizes := v_sizes;
    v_new.release_at := v_release_at;
    v_new.visibility := v_visibility;
    v_new.allocation := v_allocation;
    v_new.admit_per_minute := rdk.release_setting_int(p_settings, 'admit_per_minute', 60, 1, 100000,
                                                      'Let between 1 and 100000 shoppers through per minute.');
    v_new.limit_per_buyer := rdk.release_setting_int(p_settings, 'limit_per_buyer', 1, 1, 10,
                                                     'The limit per buyer is between 1 and 10 pairs.');
    v_new.pow_bits := rdk.release_setting_int(p_settings, 'pow_bits', 18, 0, 26,
                                              'The bot check''s cost is between 0 and 26 bits.');
    v_new.queue_opens_at := v_opens;
    v_new.entries_close_at := v_closes;
    v_new.claim_hours := CASE WHEN v_allocation = 'raffle'
                              THEN rdk.release_setting_int(p_settings, 'claim_hours', 48, 1, 168,
                                                           'Winners have between 1 and 168 hours to pay.') END;
    IF p_release IS NULL THEN
        INSERT INTO public.releases (tenant_id, product_id, sizes, release_at, visibility, allocation, admit_per_minute,
                                     limit_per_buyer, pow_bits, queue_opens_at, entries_close_at, claim_hours)
        VALUES (v_tenant, v_new.product_id, v_new.sizes, v_new.release_at, v_new.visibility, v_new.allocation,
                v_new.admit_per_minute, v_new.limit_per_buyer, v_new.pow_bits, v_new.queue_opens_at,
                v_new.entries_close_at, v_new.claim_hours)
        RETURNING * INTO v_new;
        PERFORM rdk.audit_write(v_tenant, 'insert', 'release', v_new.id::text, NULL, rdk.release_json(v_new));
    ELSE
        UPDATE public.releases
           SET sizes = v_new.sizes, release_at = v_new.release_at, visibility = v_new.visibility,
               allocation = v_new.allocation, admit_per_minute = v_new.admit_per_minute,
               limit_per_buyer = v_new.limit_per_buyer, pow_bits = v_new.pow_bits, queue_opens_at = v_new.queue_opens_at,
               entries_close_at = v_new.entries_close_at, claim_hours = v_new.claim_hours, updated_at = now()
         WHERE id = p_release
        RETURNING * INTO v_new;
        IF rdk.release_json(v_new) <> rdk.release_json(v_old) THEN
            PERFORM rdk.audit_write(v_tenant, 'update', 'release', v_new.id::text,
                                    rdk.jsonb_changed(rdk.release_json(v_old), rdk.release_json(v_new), NULL),
                                    rdk.jsonb_changed(rdk.release_json(v_new), rdk.release_json(v_old), NULL));
        END IF;
    END IF;
    RETURN v_new.id;
END
$function$;
COMMENT ON FUNCTION rdk.set_release(uuid,text,jsonb) IS 'Ops/admin: schedule a release of a product of their shop (NULL id) or change one before it starts; every setting checked; audited';
REVOKE ALL ON FUNCTION rdk.set_release(uuid,text,jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.set_release(uuid,text,jsonb) TO rdk_admin, rdk_ops;

-- rdk.cancel_release(uuid,text)
CREATE OR REPLACE FUNCTION rdk.cancel_release(p_release uuid, p_reason text)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenant uuid := rdk.require_staff(ARRAY['ops', 'admin'], 'Only ops or admin staff can cancel a release.');
    v_reason text := rdk.clean_reason(p_reason, true);
    v_release public.releases;
BEGIN
    SELECT * INTO v_release FROM public.releases r WHERE r.id = p_release AND r.tenant_id = v_tenant FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'No such release.' USING ERRCODE = 'P0002';
    END IF;
    IF v_release.canceled_at IS NOT NULL THEN
        RAISE EXCEPTION 'This release was already canceled.' USING ERRCODE = 'P0001';
    END IF;
    -- The product sells as usual from now on; orders already placed stay as they are.
    UPDATE public.releases SET canceled_at = now(), cancel_reason = v_reason, updated_at = now() WHERE id = p_release;
    PERFORM set_config('rdk.reason', v_reason, true);
    PERFORM rdk.audit_write(v_tenant, 'cancel', 'release', p_release::text, jsonb_build_object('canceled_at', NULL),
                            jsonb_build_object('canceled_at', now(), 'reason', v_reason));
END
$function$;
COMMENT ON FUNCTION rdk.cancel_release(uuid,text) IS 'Ops/admin: cancel a release of their shop with a reason (its product sells as usual again); audited';
REVOKE ALL ON FUNCTION rdk.cancel_release(uuid,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.cancel_release(uuid,text) TO rdk_admin, rdk_ops;

-- rdk.release_overview()
CREATE OR REPLACE FUNCTION rdk.release_overview()
 RETURNS TABLE(release_id uuid, sku text, product_name text, sizes text[], release_at timestamp with time zone, visibility text, allocation text, admit_per_minute integer, limit_per_buyer integer, pow_bits integer, queue_opens_at timestamp with time zone, entries_close_at timestamp with time zone, claim_hours integer, drawn_at timestamp with time zone, canceled_at timestamp with time zone, timezone text, entries integer, won integer, claimed integer, sold integer, held integer, stock_left integer)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenant uuid := rdk.current_tenant();
BEGIN
    IF rdk.current_staff_role() IS NULL OR v_tenant IS NULL THEN
        RAISE EXCEPTION 'Sign in with a staff account of this shop first.' USING ERRCODE = '42501';
    END IF;
    -- Newest release first; pairs counted over the release's sizes only.
    RETURN QUERY
    SELECT r.id, p.sku, p.name, r.sizes, r.release_at, r.visibility, r.allocation, r.admit_per_minute, r.limit_per_buyer,
           r.pow_bits, r.queue_opens_at, r.entries_close_at, r.claim_hours, r.drawn_at, r.canceled_at, t.timezone,
           (SELECT count(*)::integer FROM public.raffle_entries e WHERE e.release_id = r.id),
           (SELECT count(*)::integer FROM public.raffle_entries e WHERE e.release_id = r.id AND e.state = 'won'),
           (SELECT count(*)::integer FROM public.raffle_entries e WHERE e.release_id = r.id AND e.state = 'claimed'),
           (SELECT coalesce(sum(rdk.release_pairs(o.id, r.id)), 0)::integer FROM public.orders o
             WHERE o.release_id = r.id AND o.status IN ('paid', 'shipped', 'fulfilled', 'partially_refunded')),
           (SELECT coalesce(sum(rdk.release_pairs(o.id, r.id)), 0)::integer FROM public.orders o
             WHERE o.release_id = r.id AND o.status IN ('pending', 'awaiting_payment')),
           (SELECT coalesce(sum(greatest(i.quantity - i.reserved, 0)), 0)::integer FROM public.inventory i
             WHERE i.product_id = r.product_id AND (r.sizes IS NULL OR i.size = ANY (r.sizes)))
      FROM public.releases r
      JOIN public.products p ON p.id = r.product_id
      JOIN public.tenants t ON t.id = r.tenant_id
     WHERE r.tenant_id = v_tenant
     ORDER BY r.release_at DESC, r.id;
END
$function$;
COMMENT ON FUNCTION rdk.release_overview() IS 'Staff: the shop''s releases with entries, winners, claims, pairs sold and held, and stock left';
REVOKE ALL ON FUNCTION rdk.release_overview() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.release_overview() TO rdk_admin, rdk_ops, rdk_staff;

-- rdk.raffle_draw(uuid,text)
CREATE OR REPLACE FUNCTION rdk.raffle_draw(p_release uuid, p_seed text)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenant uuid := rdk.require_staff(ARRAY['ops', 'admin'], 'Only ops or admin staff can draw a raffle.');
    v_release public.releases;
    v_seed text := btrim(coalesce(p_seed, ''));
    v_left jsonb := '{}';
    v_stock jsonb;
    v_rank integer := 0;
    v_winners integer := 0;
    v_entry public.raffle_entries;
    v_won boolean;
    e record;
BEGIN
    SELECT * INTO v_release FROM public.releases r WHERE r.id = p_release AND r.tenant_id = v_tenant FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'No such release.' USING ERRCODE = 'P0002';
    END IF;
    IF v_release.allocation <> 'raffle' THEN
        RAISE EXCEPTION 'This release is sold through its waiting room; there is nothing to draw.' USING ERRCODE = 'P0001';
    END IF;
    IF v_release.canceled_at IS NOT NULL THEN
        RAISE EXCEPTION 'This release was canceled.' USING ERRCODE = 'P0001';
    END IF;
    IF v_release.drawn_at IS NOT NULL THEN
        RAISE EXCEPTION 'This raffle was drawn at %.', rdk.release_shop_time(v_release.drawn_at, v_tenant) USING ERRCODE = 'P0001';
    END IF;
    IF now() < v_release.entries_close_at THEN
        RAISE EXCEPTION 'Entries are open until %; draw after they close.', rdk.release_shop_time(v_release.entries_close_at, v_tenant)
            USING ERRCODE = 'P0001';
    END IF;
    IF v_seed = '' THEN
        v_seed := encode(gen_random_bytes(32), 'hex');
    ELSIF length(v_seed) > 200 OR v_seed ~ '[[:cntrl:]]' THEN
        RAISE EXCEPTION 'A draw seed has at most 200 printable characters.' USING ERRCODE = '22023';
    END IF;
    -- Pairs each size can give at the draw: what is in stock and not held by an open order
    -- (recorded with the seed).
    SELECT coalesce(jsonb_object_agg(coalesce(i.size, ''), greatest(i.quantity - i.reserved, 0)), '{}') INTO v_stock
      FROM public.inventory i
     WHERE i.product_id = v_release.product_id AND (v_release.sizes IS NULL OR i.size = ANY (v_release.sizes));
    v_left := v_stock;
    -- THE DRAW (docs/DROPS.md): entries in the order of hex sha256(seed || ':' || email_key);
    -- an entry wins while its size has pairs left.
    FOR e IN
        SELECT d.id, d.size, d.draw_key
          FROM (SELECT x.id, x.size, encode(sha256(convert_to(v_seed || ':' || x.email_key, 'UTF8')), 'hex') AS draw_key
                  FROM public.raffle_entries x
                 WHERE x.release_id = v_release.id) d
         ORDER BY d.draw_key COLLATE "C", d.id
    LOOP
        v_rank := v_rank + 1;
        v_won := coalesce((v_left ->> coalesce(e.size, ''))::integer, 0) > 0;
        IF v_won THEN
            v_left := jsonb_set(v_left, ARRAY[coalesce(e.size, '')], to_jsonb((v_left ->> coalesce(e.size, ''))::integer - 1));
            v_winners := v_winners + 1;
        END IF;
        UPDATE public.raffle_entries
           SET state = CASE WHEN v_won THEN 'won' ELSE 'lost' END, draw_rank = v_rank, draw_key = e.draw_key, won_at_draw = v_won,
               claim_code = CASE WHEN v_won THEN gen_random_uuid() END,
               claim_deadline = CASE WHEN v_won THEN now() + make_interval(hours => v_release.claim_hours) END,
               updated_at = now()
         WHERE id = e.id
        RETURNING * INTO v_entry;
        PERFORM rdk.raffle_mail(v_entry, CASE WHEN v_won THEN 'raffle_won' ELSE 'raffle_lost' END);
    END LOOP;
    UPDATE public.releases SET draw_seed = v_seed, draw_stock = v_stock, drawn_at = now(), drawn_by = session_user, updated_at = now()
     WHERE id = v_release.id;
    PERFORM rdk.audit_write(v_tenant, 'draw', 'release', v_release.id::text, NULL,
                            jsonb_build_object('seed', v_seed, 'stock', v_stock, 'entries', v_rank, 'winners', v_winners));
    RETURN v_winners;
END
$function$;
COMMENT ON FUNCTION rdk.raffle_draw(uuid,text) IS 'Ops/admin: draw a closed raffle of their shop once, with the given or a random seed (recorded); winners get a claim link, everyone a mail; audited';
REVOKE ALL ON FUNCTION rdk.raffle_draw(uuid,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.raffle_draw(uuid,text) TO rdk_admin, rdk_ops;

-- rdk.raffle_results(uuid)
CREATE OR REPLACE FUNCTION rdk.raffle_results(p_release uuid)
 RETURNS TABLE(email_hash text, size text, draw_rank integer, state text, draw_key text, seed text)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenant uuid := rdk.current_tenant();
BEGIN
    IF v_tenant IS NULL OR (rdk.current_staff_role() IS NULL AND NOT rdk.is_service()) THEN
        RAISE EXCEPTION 'Sign in with an account of this shop first.' USING ERRCODE = '42501';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM public.releases r WHERE r.id = p_release AND r.tenant_id = v_tenant) THEN
        RAISE EXCEPTION 'No such release.' USING ERRCODE = 'P0002';
    END IF;
    -- For checking a draw: each entry as hex sha256 of its key (an entrant finds their own
    -- line), its size, place and outcome, and the draw key; no address.
    RETURN QUERY
    SELECT encode(sha256(convert_to(e.email_key, 'UTF8')), 'hex'), e.size, e.draw_rank, e.state, e.draw_key, r.draw_seed
      FROM public.raffle_entries e JOIN public.releases r ON r.id = e.release_id
     WHERE e.release_id = p_release
     ORDER BY e.draw_rank NULLS LAST, e.id;
END
$function$;
COMMENT ON FUNCTION rdk.raffle_results(uuid) IS 'Staff and rdk-sync of the shop: a raffle''s entries (hashed key, size, rank, state, draw key) and seed, for anyone to check the draw';
REVOKE ALL ON FUNCTION rdk.raffle_results(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.raffle_results(uuid) TO rdk_admin, rdk_ops, rdk_staff, rdk_sync;
