-- Module customers: customers of a shop, found and attached at the counter, linked from paid online orders.
-- Re-runnable: applied whole, in one transaction, whenever this file's checksum changes.
-- This file is the one place to change these functions (ADR 0011); keep each GRANT next to its function.
--
-- Who sees what: ops and admin see e-mail and phone in full; plain staff see the name, the
-- e-mail as j•••@example.com and the phone as its last two digits, because they may not read
-- orders.customer_email either (0010). Staff find a customer by name, or by the whole e-mail
-- or phone number the customer tells them: a prefix search would let them spell out addresses
-- they may not see one letter at a time. rdk-sync never reads customers.

-- rdk.customer_email_key(text)
CREATE OR REPLACE FUNCTION rdk.customer_email_key(p_email text)
 RETURNS text
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v text := lower(btrim(p_email));
BEGIN
    -- A customer's e-mail as stored and matched (trimmed, lower case), or NULL when there is none
    -- or it is not a complete address of at most 254 characters.
    -- plpgsql, not sql: see rdk.is_service() (ADR 0028).
    RETURN CASE WHEN length(v) <= 254 AND v ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' THEN v END;
END
$function$;
REVOKE ALL ON FUNCTION rdk.customer_email_key(text) FROM PUBLIC;

-- rdk.customer_clean_email(text)
CREATE OR REPLACE FUNCTION rdk.customer_clean_email(p_email text)
 RETURNS text
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v text := lower(btrim(coalesce(p_email, '')));
BEGIN
    IF v = '' THEN
        RETURN NULL;
    END IF;
    IF length(v) > 254 THEN
        RAISE EXCEPTION 'An e-mail address has at most 254 characters.' USING ERRCODE = '22023';
    END IF;
    IF rdk.customer_email_key(v) IS NULL THEN
        RAISE EXCEPTION 'That e-mail address is not complete; it looks like name@example.com.' USING ERRCODE = '22023';
    END IF;
    RETURN v;
END
$function$;
REVOKE ALL ON FUNCTION rdk.customer_clean_email(text) FROM PUBLIC;

-- rdk.customer_clean_phone(text)
CREATE OR REPLACE FUNCTION rdk.customer_clean_phone(p_phone text)
 RETURNS text
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v text := btrim(coalesce(p_phone, ''));
    v_digits text;
BEGIN
    IF v = '' THEN
        RETURN NULL;
    END IF;
    IF length(v) > 40 OR v !~ '^\+?[0-9 ()./-]+$' THEN
        RAISE EXCEPTION 'A phone number has digits only (spaces, dashes, brackets and a leading + are fine).' USING ERRCODE = '22023';
    END IF;
    v_digits := regexp_replace(v, '[^0-9]', '', 'g');
    IF length(v_digits) NOT BETWEEN 6 AND 15 THEN
        RAISE EXCEPTION 'A phone number has 6 to 15 digits.' USING ERRCODE = '22023';
    END IF;
    RETURN CASE WHEN left(v, 1) = '+' THEN '+' ELSE '' END || v_digits;
END
$function$;
REVOKE ALL ON FUNCTION rdk.customer_clean_phone(text) FROM PUBLIC;

-- rdk.customer_clean_name(text)
CREATE OR REPLACE FUNCTION rdk.customer_clean_name(p_name text)
 RETURNS text
 LANGUAGE plpgsql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v text := regexp_replace(btrim(coalesce(p_name, '')), '[[:space:]]+', ' ', 'g');
BEGIN
    IF v = '' THEN
        RAISE EXCEPTION 'Give the customer''s name.' USING ERRCODE = '22023';
    END IF;
    IF length(v) > 120 THEN
        RAISE EXCEPTION 'A customer''s name has at most 120 characters.' USING ERRCODE = '22023';
    END IF;
    IF v ~ '[[:cntrl:]]' THEN
        RAISE EXCEPTION 'A customer''s name can''t contain control characters.' USING ERRCODE = '22023';
    END IF;
    RETURN v;
END
$function$;
REVOKE ALL ON FUNCTION rdk.customer_clean_name(text) FROM PUBLIC;

-- rdk.customer_mask_email(text)
CREATE OR REPLACE FUNCTION rdk.customer_mask_email(p_email text)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
    SELECT CASE WHEN p_email IS NULL THEN NULL
                ELSE left(p_email, 1) || '•••@' || split_part(p_email, '@', 2) END
$function$;
REVOKE ALL ON FUNCTION rdk.customer_mask_email(text) FROM PUBLIC;

-- rdk.customer_mask_phone(text)
CREATE OR REPLACE FUNCTION rdk.customer_mask_phone(p_phone text)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
    SELECT CASE WHEN p_phone IS NULL THEN NULL ELSE '•••• ' || right(p_phone, 2) END
$function$;
REVOKE ALL ON FUNCTION rdk.customer_mask_phone(text) FROM PUBLIC;

-- rdk.customer_rows(uuid,boolean,uuid[])
-- The one shape every reader returns, for the given customers of a shop only (the order counts
-- cost an index probe each, so readers pick their rows first): e-mail and phone in full for
-- ops/admin, masked for staff.
CREATE OR REPLACE FUNCTION rdk.customer_rows(p_tenant uuid, p_full boolean, p_ids uuid[])
 RETURNS TABLE(customer_id uuid, name text, email text, phone text, marketing_consent boolean,
               consent_at timestamptz, consent_source text, created_at timestamptz, order_count bigint,
               last_order_at timestamptz, email_full boolean)
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
    SELECT c.id, c.name,
           CASE WHEN p_full THEN c.email ELSE rdk.customer_mask_email(c.email) END,
           CASE WHEN p_full THEN c.phone ELSE rdk.customer_mask_phone(c.phone) END,
           c.marketing_consent, c.consent_at, c.consent_source, c.created_at,
           (SELECT count(*) FROM public.orders o WHERE o.tenant_id = c.tenant_id AND o.customer_id = c.id),
           (SELECT max(o.created_at) FROM public.orders o WHERE o.tenant_id = c.tenant_id AND o.customer_id = c.id),
           p_full
      FROM public.customers c
     WHERE c.tenant_id = p_tenant AND c.id = ANY (p_ids)
     ORDER BY array_position(p_ids, c.id)
$function$;
REVOKE ALL ON FUNCTION rdk.customer_rows(uuid,boolean,uuid[]) FROM PUBLIC;

-- rdk.customer_reader()
-- The caller's shop for a read, and whether they may see e-mail and phone in full.
CREATE OR REPLACE FUNCTION rdk.customer_reader(OUT tenant uuid, OUT full_access boolean)
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_role text := rdk.current_staff_role();
BEGIN
    tenant := rdk.current_tenant();
    IF v_role IS NULL OR tenant IS NULL THEN
        RAISE EXCEPTION 'Sign in with a staff account of this shop first.' USING ERRCODE = '42501';
    END IF;
    full_access := v_role IN ('ops', 'admin');
END
$function$;
REVOKE ALL ON FUNCTION rdk.customer_reader() FROM PUBLIC;

-- rdk.customer_save(uuid,text,text,text,boolean)
CREATE OR REPLACE FUNCTION rdk.customer_save(p_customer uuid, p_name text, p_email text, p_phone text, p_consent boolean,
                                             OUT customer_id uuid, OUT created boolean)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenant uuid := rdk.require_staff(ARRAY['staff', 'ops', 'admin'], 'Sign in with a staff account of this shop first.');
    v_full boolean := rdk.current_staff_role() IN ('ops', 'admin');
    v_name text := rdk.customer_clean_name(p_name);
    v_email text := rdk.customer_clean_email(p_email);
    v_phone text := rdk.customer_clean_phone(p_phone);
    v_row public.customers;
    v_other uuid;
BEGIN
    IF p_customer IS NULL THEN
        -- Same e-mail, same customer: the one the shop already has is the answer. Nothing of
        -- theirs is overwritten by whoever typed the address; a missing phone is filled in and
        -- a yes to marketing given at the counter is recorded.
        IF v_email IS NOT NULL THEN
            SELECT * INTO v_row FROM public.customers c WHERE c.tenant_id = v_tenant AND c.email = v_email FOR UPDATE;
            IF FOUND THEN
                UPDATE public.customers c
                   SET phone = coalesce(c.phone, v_phone),
                       marketing_consent = c.marketing_consent OR coalesce(p_consent, false),
                       consent_at = CASE WHEN NOT c.marketing_consent AND coalesce(p_consent, false) THEN now() ELSE c.consent_at END,
                       consent_source = CASE WHEN NOT c.marketing_consent AND coalesce(p_consent, false) THEN 'counter' ELSE c.consent_source END,
                       updated_at = now()
                 WHERE c.id = v_row.id
                   AND (c.phone IS NULL AND v_phone IS NOT NULL OR NOT c.marketing_consent AND coalesce(p_consent, false));
                customer_id := v_row.id;
                created := false;
                RETURN;
            END IF;
        END IF;
        INSERT INTO public.customers (tenant_id, name, email, phone, marketing_consent, consent_at, consent_source)
        VALUES (v_tenant, v_name, v_email, v_phone, coalesce(p_consent, false),
                CASE WHEN coalesce(p_consent, false) THEN now() END,
                CASE WHEN coalesce(p_consent, false) THEN 'counter' END)
        ON CONFLICT (tenant_id, email) DO NOTHING
        RETURNING id INTO customer_id;
        created := customer_id IS NOT NULL;
        IF NOT created THEN  -- the same address saved a moment ago at another till
            SELECT c.id INTO customer_id FROM public.customers c WHERE c.tenant_id = v_tenant AND c.email = v_email;
        END IF;
        RETURN;
    END IF;

    SELECT * INTO v_row FROM public.customers c WHERE c.id = p_customer AND c.tenant_id = v_tenant FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'That customer no longer exists.' USING ERRCODE = 'P0002';
    END IF;
    -- An edit: NULL keeps the e-mail or phone, '' removes it. Staff see both masked, so they may
    -- add one the customer has not got yet, but not replace or remove one they can't read.
    IF p_email IS NULL THEN
        v_email := v_row.email;
    END IF;
    IF p_phone IS NULL THEN
        v_phone := v_row.phone;
    END IF;
    IF NOT v_full AND (v_row.email IS NOT NULL AND v_email IS DISTINCT FROM v_row.email
                       OR v_row.phone IS NOT NULL AND v_phone IS DISTINCT FROM v_row.phone) THEN
        RAISE EXCEPTION 'Only ops or admin staff can change or remove a customer''s e-mail or phone number.' USING ERRCODE = '42501';
    END IF;
    IF v_email IS NOT NULL AND v_email IS DISTINCT FROM v_row.email THEN
        SELECT c.id INTO v_other FROM public.customers c WHERE c.tenant_id = v_tenant AND c.email = v_email AND c.id <> v_row.id;
        IF FOUND THEN
            RAISE EXCEPTION 'Another customer already has this e-mail address.' USING ERRCODE = 'P0001';
        END IF;
    END IF;
    UPDATE public.customers c
       SET name = v_name, email = v_email, phone = v_phone,
           marketing_consent = coalesce(p_consent, c.marketing_consent),
           consent_at = CASE WHEN coalesce(p_consent, c.marketing_consent) IS DISTINCT FROM c.marketing_consent THEN now() ELSE c.consent_at END,
           consent_source = CASE WHEN coalesce(p_consent, c.marketing_consent) IS DISTINCT FROM c.marketing_consent THEN 'counter' ELSE c.consent_source END,
           updated_at = now()
     WHERE c.id = v_row.id;
    customer_id := v_row.id;
    created := false;
END
$function$;
COMMENT ON FUNCTION rdk.customer_save(uuid,text,text,text,boolean) IS 'Staff: create (NULL id; an existing e-mail returns that customer) or edit a customer of their shop; e-mail/phone changes need ops/admin once set';
REVOKE ALL ON FUNCTION rdk.customer_save(uuid,text,text,text,boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.customer_save(uuid,text,text,text,boolean) TO rdk_admin, rdk_ops, rdk_staff;

-- rdk.customer_search(text,integer)
CREATE OR REPLACE FUNCTION rdk.customer_search(p_query text, p_limit integer)
 RETURNS TABLE(customer_id uuid, name text, email text, phone text, marketing_consent boolean,
               consent_at timestamptz, consent_source text, created_at timestamptz, order_count bigint,
               last_order_at timestamptz, email_full boolean)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_reader record := rdk.customer_reader();
    v_q text := lower(regexp_replace(btrim(coalesce(p_query, '')), '[[:space:]]+', ' ', 'g'));
    v_digits text := regexp_replace(v_q, '[^0-9]', '', 'g');
    v_phone_like boolean := v_q ~ '^\+?[0-9 ()./-]+$' AND length(regexp_replace(v_q, '[^0-9]', '', 'g')) >= 3;
    v_limit integer := least(greatest(coalesce(p_limit, 20), 1), 50);
    v_like text := replace(replace(replace(v_q, '\', '\\'), '%', '\%'), '_', '\_');
    v_ids uuid[];
BEGIN
    IF length(v_q) > 254 THEN
        RAISE EXCEPTION 'Search for at most 254 characters.' USING ERRCODE = '22023';
    END IF;
    -- Pick the rows first (indexes: name trigrams, e-mail, phone, created_at), then dress them.
    -- An empty query lists the newest customers.
    SELECT array_agg(m.id ORDER BY m.ord) INTO v_ids
      FROM (SELECT c.id, row_number() OVER (ORDER BY (v_q <> '' AND lower(c.name) LIKE v_like || '%') DESC,
                                                     CASE WHEN v_q = '' THEN c.created_at END DESC,
                                                     lower(c.name), c.id) AS ord
              FROM public.customers c
             WHERE c.tenant_id = v_reader.tenant
               AND (v_q = ''
                    OR lower(c.name) LIKE '%' || v_like || '%'
                    OR (v_reader.full_access AND c.email LIKE v_like || '%')
                    OR (NOT v_reader.full_access AND c.email = v_q)
                    OR (v_phone_like AND v_reader.full_access AND regexp_replace(c.phone, '[^0-9]', '', 'g') LIKE '%' || v_digits || '%')
                    OR (v_phone_like AND NOT v_reader.full_access AND length(v_digits) >= 6
                        AND (regexp_replace(c.phone, '[^0-9]', '', 'g') = v_digits
                             OR (length(v_digits) >= 9 AND right(regexp_replace(c.phone, '[^0-9]', '', 'g'), length(v_digits)) = v_digits))))
             ORDER BY (v_q <> '' AND lower(c.name) LIKE v_like || '%') DESC,
                      CASE WHEN v_q = '' THEN c.created_at END DESC, lower(c.name), c.id
             LIMIT v_limit) m;
    RETURN QUERY SELECT * FROM rdk.customer_rows(v_reader.tenant, v_reader.full_access, coalesce(v_ids, '{}'));
END
$function$;
COMMENT ON FUNCTION rdk.customer_search(text,integer) IS 'Staff: customers of their shop by name, e-mail or phone (staff: whole e-mail or number only), at most 50; e-mail and phone masked for staff';
REVOKE ALL ON FUNCTION rdk.customer_search(text,integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.customer_search(text,integer) TO rdk_admin, rdk_ops, rdk_staff;

-- rdk.customer_get(uuid)
CREATE OR REPLACE FUNCTION rdk.customer_get(p_customer uuid)
 RETURNS TABLE(customer_id uuid, name text, email text, phone text, marketing_consent boolean,
               consent_at timestamptz, consent_source text, created_at timestamptz, order_count bigint,
               last_order_at timestamptz, email_full boolean)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_reader record := rdk.customer_reader();
BEGIN
    RETURN QUERY SELECT * FROM rdk.customer_rows(v_reader.tenant, v_reader.full_access, ARRAY[p_customer]);
END
$function$;
COMMENT ON FUNCTION rdk.customer_get(uuid) IS 'Staff: one customer of their shop (no row when not theirs); e-mail and phone masked for staff';
REVOKE ALL ON FUNCTION rdk.customer_get(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.customer_get(uuid) TO rdk_admin, rdk_ops, rdk_staff;

-- rdk.customer_orders(uuid)
CREATE OR REPLACE FUNCTION rdk.customer_orders(p_customer uuid)
 RETURNS TABLE(order_id uuid, order_number bigint, channel text, status text, currency text, total_minor bigint,
               refunded_minor bigint, created_at timestamptz, paid_at timestamptz)
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_reader record := rdk.customer_reader();
BEGIN
    IF NOT EXISTS (SELECT 1 FROM public.customers c WHERE c.id = p_customer AND c.tenant_id = v_reader.tenant) THEN
        RAISE EXCEPTION 'That customer no longer exists.' USING ERRCODE = 'P0002';
    END IF;
    RETURN QUERY
    SELECT o.id, o.order_number, o.channel, o.status, o.currency::text, o.total_minor, o.refunded_minor, o.created_at, o.paid_at
      FROM public.orders o
     WHERE o.tenant_id = v_reader.tenant AND o.customer_id = p_customer
     ORDER BY o.created_at DESC, o.order_number DESC
     LIMIT 500;
END
$function$;
COMMENT ON FUNCTION rdk.customer_orders(uuid) IS 'Staff: the latest 500 orders of one customer of their shop, newest first';
REVOKE ALL ON FUNCTION rdk.customer_orders(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.customer_orders(uuid) TO rdk_admin, rdk_ops, rdk_staff;

-- rdk.pos_attach_customer(uuid,uuid)
CREATE OR REPLACE FUNCTION rdk.pos_attach_customer(p_order uuid, p_customer uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenant uuid := rdk.require_staff(ARRAY['staff', 'ops', 'admin'], 'Sign in with a staff account of this shop first.');
    v_order public.orders := rdk.lock_order(v_tenant, p_order);
    v_label text := rdk.order_label(v_order.order_number);
BEGIN
    IF v_order.channel <> 'pos' THEN
        RAISE EXCEPTION '% is an online order; its customer comes from the checkout.', v_label USING ERRCODE = '22023';
    END IF;
    IF v_order.status NOT IN ('pending', 'awaiting_payment') THEN
        RAISE EXCEPTION '% is %; a customer can be added only before it is paid.', v_label, replace(v_order.status, '_', ' ')
            USING ERRCODE = 'P0001';
    END IF;
    IF p_customer IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM public.customers c WHERE c.id = p_customer AND c.tenant_id = v_tenant) THEN
        RAISE EXCEPTION 'That customer no longer exists.' USING ERRCODE = 'P0002';
    END IF;
    IF v_order.customer_id IS NOT DISTINCT FROM p_customer THEN
        RETURN;
    END IF;
    UPDATE public.orders SET customer_id = p_customer WHERE id = p_order;
    PERFORM rdk.audit_write(v_tenant, CASE WHEN p_customer IS NULL THEN 'detach_customer' ELSE 'attach_customer' END,
                            'order', p_order::text,
                            jsonb_build_object('customer_id', v_order.customer_id),
                            jsonb_build_object('order_number', v_order.order_number, 'customer_id', p_customer));
END
$function$;
COMMENT ON FUNCTION rdk.pos_attach_customer(uuid,uuid) IS 'Staff: set (or with NULL clear) the customer of an unpaid counter sale of their shop; audited';
REVOKE ALL ON FUNCTION rdk.pos_attach_customer(uuid,uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.pos_attach_customer(uuid,uuid) TO rdk_admin, rdk_ops, rdk_staff;

-- rdk.orders_link_customer()
-- An online order that becomes paid joins the customer with its e-mail, or makes one. It runs
-- inside the payment's transaction and never refuses it: an address that is not well formed
-- (the column allows any text) just leaves the order without a customer.
CREATE OR REPLACE FUNCTION rdk.orders_link_customer()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_email text := rdk.customer_email_key(NEW.customer_email);
    v_name text;
    v_id uuid;
BEGIN
    IF v_email IS NULL THEN
        RETURN NEW;
    END IF;
    SELECT c.id INTO v_id FROM public.customers c WHERE c.tenant_id = NEW.tenant_id AND c.email = v_email;
    IF NOT FOUND THEN
        v_name := left(regexp_replace(coalesce(nullif(btrim(NEW.shipping_address ->> 'name'), ''), split_part(v_email, '@', 1)),
                                      '[[:cntrl:][:space:]]+', ' ', 'g'), 120);
        INSERT INTO public.customers (tenant_id, name, email)
        VALUES (NEW.tenant_id, coalesce(nullif(btrim(v_name), ''), split_part(v_email, '@', 1)), v_email)
        ON CONFLICT (tenant_id, email) DO NOTHING
        RETURNING id INTO v_id;
        IF v_id IS NULL THEN  -- created by a concurrent payment a moment ago
            SELECT c.id INTO v_id FROM public.customers c WHERE c.tenant_id = NEW.tenant_id AND c.email = v_email;
        END IF;
    END IF;
    NEW.customer_id := v_id;
    RETURN NEW;
END
$function$;
REVOKE ALL ON FUNCTION rdk.orders_link_customer() FROM PUBLIC;

-- rdk.audit_customers()
-- Who created or changed a customer and what changed; marketing consent with its old and new
-- value. E-mail, phone and name values stay out of the append-only log (only which of them
-- changed), so erasing a customer's personal data never means editing the audit trail.
CREATE OR REPLACE FUNCTION rdk.audit_customers()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_before jsonb := '{}';
    v_after jsonb := '{}';
    v_field text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM rdk.audit_write(NEW.tenant_id, 'insert', 'customer', NEW.id::text, NULL,
                                jsonb_build_object('marketing_consent', NEW.marketing_consent,
                                                   'consent_source', NEW.consent_source,
                                                   'has_email', NEW.email IS NOT NULL, 'has_phone', NEW.phone IS NOT NULL));
        RETURN NULL;
    END IF;
    -- Each changed field with placeholders for its values, so the log reads "email (not logged)
    -- → (changed)" and keeps no personal data.
    FOREACH v_field IN ARRAY ARRAY['name', 'email', 'phone'] LOOP
        IF (to_jsonb(OLD) -> v_field) IS DISTINCT FROM (to_jsonb(NEW) -> v_field) THEN
            v_before := v_before || jsonb_build_object(v_field, '(not logged)');
            v_after := v_after || jsonb_build_object(v_field, '(changed)');
        END IF;
    END LOOP;
    IF OLD.marketing_consent IS DISTINCT FROM NEW.marketing_consent THEN
        PERFORM rdk.audit_write(NEW.tenant_id, 'marketing_consent', 'customer', NEW.id::text,
                                jsonb_build_object('marketing_consent', OLD.marketing_consent),
                                jsonb_build_object('marketing_consent', NEW.marketing_consent,
                                                   'consent_source', NEW.consent_source, 'consent_at', NEW.consent_at));
    END IF;
    IF v_after <> '{}'::jsonb THEN
        PERFORM rdk.audit_write(NEW.tenant_id, 'update', 'customer', NEW.id::text, v_before, v_after);
    END IF;
    RETURN NULL;
END
$function$;
REVOKE ALL ON FUNCTION rdk.audit_customers() FROM PUBLIC;

CREATE OR REPLACE TRIGGER customers_audit AFTER INSERT OR UPDATE ON public.customers FOR EACH ROW EXECUTE FUNCTION rdk.audit_customers();
CREATE OR REPLACE TRIGGER orders_4_link_customer BEFORE UPDATE OF status ON public.orders FOR EACH ROW WHEN (((new.channel = 'online'::text) AND (new.status = 'paid'::text) AND (old.status IS DISTINCT FROM 'paid'::text) AND (new.customer_id IS NULL) AND (new.customer_email IS NOT NULL))) EXECUTE FUNCTION rdk.orders_link_customer();
