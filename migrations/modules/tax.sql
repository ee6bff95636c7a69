-- Module tax: a shop's sales tax rates and the one rule that computes a counter sale's tax.
-- Re-runnable: applied whole, in one transaction, whenever this file's checksum changes.
-- This file is the one place to change these functions (ADR 0011); keep each GRANT next to its function.
--
-- The rule (domain/tax.h computes the same for the cart before the sale; the database is the
-- authority, and tests run one table of cases through both):
--   1. Each line's net is its price times quantity minus its own discount.
--   2. The cart discount is shared over the lines in proportion to their nets: each line gets
--      floor(D * net / sum), and the minor units left over go one each to the lines with the
--      largest remainders (ties: the earlier line). So the shares add up to D exactly and no
--      line's share exceeds its net.
--   3. Each line's taxable amount is its net minus its share. For every active rate (in parts
--      per million of the amount: 8.875 % = 88750):
--        prices exclude tax: tax = taxable * rate / 1e6
--        prices include tax: tax = taxable * rate / (1e6 + sum of the active rates)
--      rounded to the minor unit, halves away from zero (all amounts are >= 0, so halves up),
--      per line and per rate. The order's tax is the sum; nothing is rounded twice.

-- rdk.tax_split(bigint[],bigint,bigint[],boolean)
CREATE OR REPLACE FUNCTION rdk.tax_split(p_nets bigint[], p_order_discount bigint, p_rates_ppm bigint[], p_inclusive boolean)
 RETURNS TABLE(line_no integer, share_minor bigint, rate_no integer, tax_minor bigint)
 LANGUAGE sql
 IMMUTABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
    WITH l AS (
        SELECT n.ord::integer AS line_no, n.net::numeric AS net
          FROM unnest(p_nets) WITH ORDINALITY AS n(net, ord)
    ), tot AS (
        SELECT coalesce(sum(l.net), 0) AS total FROM l
    ), s AS (
        SELECT l.line_no, l.net,
               CASE WHEN tot.total = 0 THEN 0 ELSE div(coalesce(p_order_discount, 0) * l.net, tot.total) END AS base,
               CASE WHEN tot.total = 0 THEN 0 ELSE mod(coalesce(p_order_discount, 0) * l.net, tot.total) END AS rem
          FROM l, tot
    ), r AS (
        SELECT s.line_no, s.net, s.base,
               row_number() OVER (ORDER BY s.rem DESC, s.line_no) AS rk,
               coalesce(p_order_discount, 0) - sum(s.base) OVER () AS leftover
          FROM s
    ), sh AS (
        SELECT r.line_no, r.net, r.base + CASE WHEN r.rk <= r.leftover THEN 1 ELSE 0 END AS share FROM r
    ), rates AS (
        SELECT t.ord::integer AS rate_no, t.ppm::numeric AS ppm
          FROM unnest(p_rates_ppm) WITH ORDINALITY AS t(ppm, ord)
    ), sum_rates AS (
        SELECT coalesce(sum(rates.ppm), 0) AS ppm FROM rates
    )
    SELECT sh.line_no, sh.share::bigint, rates.rate_no,
           (CASE WHEN p_inclusive
                 THEN div(2 * (sh.net - sh.share) * rates.ppm + (1000000 + sum_rates.ppm), 2 * (1000000 + sum_rates.ppm))
                 ELSE div(2 * (sh.net - sh.share) * rates.ppm + 1000000, 2000000) END)::bigint
      FROM sh CROSS JOIN rates CROSS JOIN sum_rates
     ORDER BY sh.line_no, rates.rate_no
$function$;
COMMENT ON FUNCTION rdk.tax_split(bigint[],bigint,bigint[],boolean) IS 'The tax rule: cart discount shared over line nets, then tax per line per rate (parts per million), halves up';
REVOKE ALL ON FUNCTION rdk.tax_split(bigint[],bigint,bigint[],boolean) FROM PUBLIC;

-- rdk.tax_rates_json(uuid)
CREATE OR REPLACE FUNCTION rdk.tax_rates_json(p_tenant uuid)
 RETURNS jsonb
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
    SELECT coalesce(jsonb_agg(jsonb_build_object('name', t.name, 'rate_percent', t.rate_percent::text, 'active', t.active)
                              ORDER BY t.position), '[]'::jsonb)
      FROM public.tax_rates t WHERE t.tenant_id = p_tenant
$function$;
REVOKE ALL ON FUNCTION rdk.tax_rates_json(uuid) FROM PUBLIC;

-- rdk.set_tax_settings(boolean,jsonb)
CREATE OR REPLACE FUNCTION rdk.set_tax_settings(p_prices_include_tax boolean, p_rates jsonb)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'public', 'rdk', 'pg_temp'
AS $function$
DECLARE
    v_tenant uuid := rdk.require_staff(ARRAY['admin'], 'Only an administrator can change the shop''s tax rates.');
    v_before jsonb := rdk.tax_rates_json(v_tenant);
    v_after jsonb;
    v_rate jsonb;
    v_name text;
    v_percent text;
    v_names text[] := '{}';
    v_position integer := 0;
BEGIN
    IF p_prices_include_tax IS NULL THEN
        RAISE EXCEPTION 'Say whether the shop''s prices include tax.' USING ERRCODE = '22023';
    END IF;
    IF p_rates IS NULL OR jsonb_typeof(p_rates) <> 'array' THEN
        RAISE EXCEPTION 'The tax rates must be a list.' USING ERRCODE = '22023';
    END IF;
    IF jsonb_array_length(p_rates) > 10 THEN
        RAISE EXCEPTION 'A shop can have at most 10 tax rates.' USING ERRCODE = '22023';
    END IF;
    FOR v_rate IN SELECT value FROM jsonb_array_elements(p_rates) LOOP
        v_position := v_position + 1;
        IF jsonb_typeof(v_rate) <> 'object' OR jsonb_typeof(v_rate -> 'name') IS DISTINCT FROM 'string'
           OR jsonb_typeof(v_rate -> 'rate_percent') IS DISTINCT FROM 'string'
           OR coalesce(jsonb_typeof(v_rate -> 'active'), 'boolean') <> 'boolean' THEN
            RAISE EXCEPTION 'Tax rate % is malformed.', v_position USING ERRCODE = '22023';
        END IF;
        v_name := btrim(v_rate ->> 'name');
        IF length(v_name) NOT BETWEEN 1 AND 40 OR v_name ~ '[[:cntrl:]]' THEN
            RAISE EXCEPTION 'Tax rate % needs a name of 1 to 40 characters.', v_position USING ERRCODE = '22023';
        END IF;
        IF lower(v_name) = ANY (v_names) THEN
            RAISE EXCEPTION 'Two tax rates are named %.', v_name USING ERRCODE = '22023';
        END IF;
        v_names := v_names || lower(v_name);
        v_percent := btrim(v_rate ->> 'rate_percent');
        IF v_percent !~ '^[0-9]{1,3}(\.[0-9]{1,4})?$' OR v_percent::numeric > 100 THEN
            RAISE EXCEPTION 'The rate of % must be a percentage from 0 to 100 with at most four decimals.', v_name
                USING ERRCODE = '22023';
        END IF;
    END LOOP;

    DELETE FROM public.tax_rates t WHERE t.tenant_id = v_tenant;
    INSERT INTO public.tax_rates (tenant_id, position, name, rate_percent, active)
    SELECT v_tenant, e.ord::integer, btrim(e.value ->> 'name'), btrim(e.value ->> 'rate_percent')::numeric(7,4),
           coalesce((e.value ->> 'active')::boolean, true)
      FROM jsonb_array_elements(p_rates) WITH ORDINALITY AS e(value, ord);
    v_after := rdk.tax_rates_json(v_tenant);
    IF v_after IS DISTINCT FROM v_before THEN
        PERFORM rdk.audit_write(v_tenant, 'update', 'tax_rates', v_tenant::text,
                                jsonb_build_object('rates', v_before), jsonb_build_object('rates', v_after));
    END IF;
    -- The tenant's audit trigger records this change.
    UPDATE public.tenants SET prices_include_tax = p_prices_include_tax
     WHERE id = v_tenant AND prices_include_tax IS DISTINCT FROM p_prices_include_tax;
END
$function$;
COMMENT ON FUNCTION rdk.set_tax_settings(boolean,jsonb) IS 'Admin: replace the shop''s tax rates ([{name, rate_percent as text, active}]) and say whether prices include tax; audited';
REVOKE ALL ON FUNCTION rdk.set_tax_settings(boolean,jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rdk.set_tax_settings(boolean,jsonb) TO rdk_admin, rdk_ops, rdk_staff;
