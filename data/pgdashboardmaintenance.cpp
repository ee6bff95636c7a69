// rdk-admin's aggregate maintenance: rebuild (compare with raw rows, fix) and seed-bulk.
#include "data/pgdashboard.h"

#include "data/pgsessionpqxx.h"

#include <QElapsedTimer>

using namespace Qt::Literals::StringLiterals;

namespace rdk::data {
namespace {

std::string isoDay(const QDate &d)
{
    return d.toString(Qt::ISODate).toStdString();
}

// Each comparison yields (key, expected, actual) for rows that differ; all-zero rows count as
// absent on both sides (a sale moved to another day leaves a zero row behind).
const char *kCompareSales = R"SQL(
WITH e AS (SELECT day, channel, orders::bigint, gross_minor, refunded_minor, refunded_orders::bigint, units::bigint
             FROM rdk.dash_expected_sales($1::uuid)),
     a AS (SELECT day, channel, sum(orders)::bigint AS orders, sum(gross_minor)::bigint AS gross_minor,
                  sum(refunded_minor)::bigint AS refunded_minor, sum(refunded_orders)::bigint AS refunded_orders,
                  sum(units)::bigint AS units
             FROM public.sales_daily WHERE tenant_id = $1::uuid GROUP BY day, channel
           HAVING sum(orders) <> 0 OR sum(gross_minor) <> 0 OR sum(refunded_minor) <> 0 OR sum(units) <> 0
                  OR sum(refunded_orders) <> 0)
SELECT coalesce(e.day, a.day)::text || ' ' || coalesce(e.channel, a.channel),
       CASE WHEN e.day IS NULL THEN '-' ELSE format('orders=%s gross=%s refunded=%s refunded_orders=%s units=%s',
            e.orders, e.gross_minor, e.refunded_minor, e.refunded_orders, e.units) END,
       CASE WHEN a.day IS NULL THEN '-' ELSE format('orders=%s gross=%s refunded=%s refunded_orders=%s units=%s',
            a.orders, a.gross_minor, a.refunded_minor, a.refunded_orders, a.units) END
  FROM e FULL JOIN a ON a.day = e.day AND a.channel = e.channel
 WHERE (e.orders, e.gross_minor, e.refunded_minor, e.refunded_orders, e.units)
       IS DISTINCT FROM (a.orders, a.gross_minor, a.refunded_minor, a.refunded_orders, a.units)
 ORDER BY 1
)SQL";

const char *kCompareItems = R"SQL(
WITH e AS (SELECT kind, day, key, units::bigint, revenue_minor FROM rdk.dash_expected_items($1::uuid)
            WHERE units <> 0 OR revenue_minor <> 0),
     r AS (SELECT 'product' AS kind, day, product_id::text AS key, units, revenue_minor
             FROM public.product_sales_daily WHERE tenant_id = $1::uuid
           UNION ALL
           SELECT 'product_month', month, product_id::text, units, revenue_minor
             FROM public.product_sales_monthly WHERE tenant_id = $1::uuid
           UNION ALL
           SELECT 'brand', day, brand, units, revenue_minor FROM public.brand_sales_daily WHERE tenant_id = $1::uuid
           UNION ALL
           SELECT 'size', day, size, units, revenue_minor FROM public.size_sales_daily WHERE tenant_id = $1::uuid),
     a AS (SELECT kind, day, key, sum(units)::bigint AS units, sum(revenue_minor)::bigint AS revenue_minor
             FROM r GROUP BY kind, day, key HAVING sum(units) <> 0 OR sum(revenue_minor) <> 0)
SELECT coalesce(e.kind, a.kind) || ' ' || coalesce(e.day, a.day)::text || ' ' || coalesce(nullif(coalesce(e.key, a.key), ''), '(no size)'),
       CASE WHEN e.day IS NULL THEN '-' ELSE format('units=%s revenue=%s', e.units, e.revenue_minor) END,
       CASE WHEN a.day IS NULL THEN '-' ELSE format('units=%s revenue=%s', a.units, a.revenue_minor) END
  FROM e FULL JOIN a ON a.kind = e.kind AND a.day = e.day AND a.key = e.key
 WHERE (e.units, e.revenue_minor) IS DISTINCT FROM (a.units, a.revenue_minor)
 ORDER BY 1
)SQL";

const char *kCompareVisits = R"SQL(
WITH e AS (SELECT day, page_views, visitors::bigint FROM rdk.dash_expected_visits($1::uuid)),
     a AS (SELECT day, sum(page_views)::bigint AS page_views, sum(visitors)::bigint AS visitors
             FROM public.visits_daily WHERE tenant_id = $1::uuid GROUP BY day
           HAVING sum(page_views) <> 0 OR sum(visitors) <> 0)
SELECT coalesce(e.day, a.day)::text,
       CASE WHEN e.day IS NULL THEN '-' ELSE format('page_views=%s visitors=%s', e.page_views, e.visitors) END,
       CASE WHEN a.day IS NULL THEN '-' ELSE format('page_views=%s visitors=%s', a.page_views, a.visitors) END
  FROM e FULL JOIN a ON a.day = e.day
 WHERE (e.page_views, e.visitors) IS DISTINCT FROM (a.page_views, a.visitors)
 ORDER BY 1
)SQL";

int collect(pqxx::work &tx, const char *sql, const std::string &tenant, const QString &table, QList<AggregateDifference> &out)
{
    const auto rows = tx.exec_params(sql, tenant);
    for (const auto &r : rows)
        out.append({table, text(r[0]), text(r[1]), text(r[2])});
    return int(rows.size());
}

void rewriteSales(pqxx::work &tx, const std::string &tenant)
{
    tx.exec_params("DELETE FROM public.sales_daily WHERE tenant_id = $1::uuid", tenant);
    tx.exec_params("INSERT INTO public.sales_daily (tenant_id, day, channel, slot, orders, gross_minor, refunded_minor, "
                   "refunded_orders, units) SELECT $1::uuid, day, channel, 0, orders, gross_minor, refunded_minor, "
                   "refunded_orders, units FROM rdk.dash_expected_sales($1::uuid)",
                   tenant);
}

void rewriteItems(pqxx::work &tx, const std::string &tenant)
{
    for (const char *table : {"product_sales_daily", "product_sales_monthly", "brand_sales_daily", "size_sales_daily"})
        tx.exec_params(std::string("DELETE FROM public.") + table + " WHERE tenant_id = $1::uuid", tenant);
    tx.exec_params("INSERT INTO public.product_sales_daily (tenant_id, day, product_id, units, revenue_minor) "
                   "SELECT $1::uuid, day, key::uuid, units, revenue_minor FROM rdk.dash_expected_items($1::uuid) WHERE kind = 'product'",
                   tenant);
    tx.exec_params("INSERT INTO public.product_sales_monthly (tenant_id, month, product_id, units, revenue_minor) "
                   "SELECT $1::uuid, day, key::uuid, units, revenue_minor FROM rdk.dash_expected_items($1::uuid) WHERE kind = 'product_month'",
                   tenant);
    tx.exec_params("INSERT INTO public.brand_sales_daily (tenant_id, day, brand, units, revenue_minor) "
                   "SELECT $1::uuid, day, key, units, revenue_minor FROM rdk.dash_expected_items($1::uuid) WHERE kind = 'brand'",
                   tenant);
    tx.exec_params("INSERT INTO public.size_sales_daily (tenant_id, day, size, units, revenue_minor) "
                   "SELECT $1::uuid, day, key, units, revenue_minor FROM rdk.dash_expected_items($1::uuid) WHERE kind = 'size'",
                   tenant);
}

void rewriteVisits(pqxx::work &tx, const std::string &tenant)
{
    tx.exec_params("DELETE FROM public.visits_daily WHERE tenant_id = $1::uuid", tenant);
    tx.exec_params("DELETE FROM public.visitor_days WHERE tenant_id = $1::uuid", tenant);
    tx.exec_params("INSERT INTO public.visitor_days (tenant_id, day, visitor_hash) "
                   "SELECT DISTINCT v.tenant_id, (v.viewed_at AT TIME ZONE t.timezone)::date, v.visitor_hash "
                   "  FROM public.page_views v JOIN public.tenants t ON t.id = v.tenant_id WHERE v.tenant_id = $1::uuid",
                   tenant);
    tx.exec_params("INSERT INTO public.visits_daily (tenant_id, day, slot, page_views, visitors) "
                   "SELECT $1::uuid, day, 0, page_views, visitors FROM rdk.dash_expected_visits($1::uuid)",
                   tenant);
}

Result<std::string> tenantIdOf(pqxx::work &tx, const QString &slug)
{
    const auto rows = tx.exec_params("SELECT id::text FROM public.tenants WHERE slug = $1", str(slug.left(64)));
    if (rows.empty())
        return Error::notFound(u"No shop with slug '%1'."_s.arg(slug.left(64)));
    return rows[0][0].as<std::string>();
}

} // namespace

Result<RebuildReport> PgDashboardMaintenance::rebuild(const QString &tenantSlug)
{
    QElapsedTimer timer;
    timer.start();
    return m_session.transact(
        [&](pqxx::work &tx) -> Result<RebuildReport> {
            auto tenant = tenantIdOf(tx, tenantSlug);
            if (!tenant)
                return tenant.error();
            // Writers (the triggers) wait until this transaction ends; readers carry on. Taking
            // the lock first means every sale committed before it is in the raw rows we read.
            tx.exec("LOCK TABLE public.sales_daily, public.product_sales_daily, public.product_sales_monthly, public.brand_sales_daily, "
                    "public.size_sales_daily, public.visits_daily, public.visitor_days IN EXCLUSIVE MODE");
            RebuildReport report;
            if (collect(tx, kCompareSales, *tenant, u"sales_daily"_s, report.differences) > 0)
                rewriteSales(tx, *tenant);
            if (collect(tx, kCompareItems, *tenant, u"item sales"_s, report.differences) > 0)
                rewriteItems(tx, *tenant);
            if (collect(tx, kCompareVisits, *tenant, u"visits_daily"_s, report.differences) > 0)
                rewriteVisits(tx, *tenant);
            report.salesRows = tx.exec_params1("SELECT count(*) FROM public.sales_daily WHERE tenant_id = $1::uuid", *tenant)[0].as<qint64>();
            report.itemRows = tx.exec_params1("SELECT count(*) FROM public.product_sales_daily WHERE tenant_id = $1::uuid", *tenant)[0].as<qint64>();
            report.visitRows = tx.exec_params1("SELECT count(*) FROM public.visits_daily WHERE tenant_id = $1::uuid", *tenant)[0].as<qint64>();
            report.elapsedMs = timer.elapsed();
            return report;
        },
        u"aggregates rebuild"_s);
}

// ---------------------------------------------------------------------------------------------
// seed-bulk
// ---------------------------------------------------------------------------------------------
namespace {

// Products: a skewed catalog (a few brands dominate), per-size stock in US men's sizes.
const char *kSeedProducts = R"SQL(
WITH base AS (SELECT coalesce(max(substring(sku FROM 6)::integer), 0) AS n FROM public.products
               WHERE tenant_id = $1::uuid AND sku ~ '^BULK-[0-9]+$')
INSERT INTO public.products (tenant_id, sku, name, brand, colorway, condition, price_minor, currency,
                             inventory_strategy, size_system, size_run, published)
SELECT $1::uuid, 'BULK-' || lpad((base.n + g)::text, 6, '0'),
       (ARRAY['Air Max 90','Dunk Low','Jordan 1 High','Yeezy 350','Gel-Lyte III','990v5','Old Skool','Chuck 70',
              'Air Force 1','Samba OG','Gazelle','Superstar','Club C','Suede Classic','2002R','Kayano 14'])[1 + (g * 7) % 16]
         || ' ' || (ARRAY['Panda','Bred','Chicago','Triple White','Sail','Mocha','University Blue','Zebra','Volt','Grey Fog'])[1 + (g * 3) % 10],
       (ARRAY['Nike','Nike','Nike','Jordan','Jordan','Adidas','Adidas','New Balance','ASICS','Vans','Converse','Reebok','Puma'])
         [1 + floor(13 * power(random(), 1.6))::integer],
       (ARRAY['Black/White','White/Red','Sail/Grey','Blue/White','Bone'])[1 + g % 5],
       CASE WHEN random() < 0.15 THEN 'used' ELSE 'new' END,
       (8000 + floor(random() * 32) * 1000 + 995)::bigint, $2, 'per_size', 'mens',
       ARRAY['7','7.5','8','8.5','9','9.5','10','10.5','11','11.5','12','13'], true
  FROM base, generate_series(1, $3::integer) g
RETURNING id
)SQL";

const char *kSeedInventory = R"SQL(
INSERT INTO public.inventory (tenant_id, product_id, size, quantity)
SELECT p.tenant_id, p.id, s, floor(random() * random() * 14)::integer
  FROM public.products p, unnest(p.size_run) s
 WHERE p.tenant_id = $1::uuid AND p.sku ~ '^BULK-[0-9]+$'
   AND NOT EXISTS (SELECT 1 FROM public.inventory i WHERE i.product_id = p.id)
)SQL";

// How many orders / views each shop day gets: weekly rhythm (weekends busy), seasons (a
// December peak, a summer dip), slow growth over the two years, and noise.
const char *kSeedDays = R"SQL(
CREATE TEMP TABLE bulk_days ON COMMIT DROP AS
WITH d AS (
    SELECT day::date AS day, i
      FROM generate_series((now() AT TIME ZONE $1)::date - ($2::integer - 1), (now() AT TIME ZONE $1)::date, interval '1 day')
           WITH ORDINALITY AS s(day, i)
), w AS (
    SELECT day, i,
           (CASE extract(isodow FROM day) WHEN 6 THEN 1.45 WHEN 7 THEN 1.25 WHEN 5 THEN 1.15 WHEN 1 THEN 0.85 ELSE 0.95 END)
         * (1 + 0.18 * cos(2 * pi() * (extract(doy FROM day) - 350) / 365.0))
         * (CASE WHEN extract(month FROM day) = 11 AND extract(day FROM day) BETWEEN 24 AND 30 THEN 1.8 ELSE 1 END)
         * (0.7 + 0.6 * i / $2::numeric)
         * (0.85 + 0.3 * random()) AS weight
      FROM d
)
SELECT day, weight / sum(weight) OVER () AS share FROM w
)SQL";

const char *kSeedProductIndex = R"SQL(
CREATE TEMP TABLE bulk_products ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY random()) - 1 AS idx, id, price_minor, size_run
  FROM public.products WHERE tenant_id = $1::uuid AND NOT archived
)SQL";

// One month of orders into a staging table first, then orders and items in two statements.
const char *kSeedOrdersStage = R"SQL(
CREATE TEMP TABLE bulk_stage ON COMMIT DROP AS
WITH counts AS (
    SELECT day, round($2::numeric * share)::integer AS n FROM bulk_days WHERE day BETWEEN $3::date AND $4::date
), o AS (
    SELECT gen_random_uuid() AS id,
           ((c.day + make_interval(secs => (9 * 3600 + floor(random() * 12 * 3600))::integer)) AT TIME ZONE $1) AS at,
           CASE WHEN random() < 0.68 THEN 'online' ELSE 'pos' END AS channel,
           random() AS r, random() AS r2,
           floor($5 * power(random(), 2.2))::integer AS p1,
           CASE WHEN random() < 0.18 THEN floor($5 * power(random(), 2.2))::integer END AS p2,
           CASE WHEN random() < 0.1 THEN 2 ELSE 1 END AS q1
      FROM counts c, generate_series(1, c.n)
)
SELECT o.id, o.at, o.channel,
       CASE WHEN o.r < 0.030 THEN 'canceled'
            WHEN o.r < 0.045 THEN 'refunded'
            WHEN o.r < 0.060 THEN 'partially_refunded'
            WHEN o.at > now() - interval '3 days' THEN (CASE WHEN o.r2 < 0.1 THEN 'pending' ELSE 'paid' END)
            ELSE 'fulfilled' END AS status,
       a.id AS prod1, a.size_run[1 + floor(random() * cardinality(a.size_run))::integer] AS size1, o.q1, a.price_minor AS price1,
       b.id AS prod2, b.size_run[1 + floor(random() * cardinality(b.size_run))::integer] AS size2, b.price_minor AS price2
  FROM o JOIN bulk_products a ON a.idx = o.p1 LEFT JOIN bulk_products b ON b.idx = o.p2
)SQL";

const char *kSeedOrdersInsert = R"SQL(
INSERT INTO public.orders (id, tenant_id, channel, status, currency, subtotal_minor, shipping_minor, total_minor, refunded_minor,
                           customer_email, created_at, paid_at, canceled_at, fulfilled_at)
SELECT s.id, $1::uuid, s.channel, s.status, $2, sub, ship, sub + ship,
       CASE s.status WHEN 'refunded' THEN sub + ship WHEN 'partially_refunded' THEN (sub + ship) / 3 ELSE 0 END,
       CASE WHEN s.channel = 'online' THEN 'buyer' || (abs(hashtext(s.id::text)) % 50000) || '@example.com' END,
       s.at, CASE WHEN s.status NOT IN ('pending', 'canceled') THEN s.at + interval '90 seconds' END,
       CASE WHEN s.status = 'canceled' THEN s.at + interval '30 minutes' END,
       CASE WHEN s.status = 'fulfilled' THEN s.at + interval '2 days' END
  FROM bulk_stage s,
       LATERAL (SELECT s.price1 * s.q1 + coalesce(s.price2, 0) AS sub,
                       CASE WHEN s.channel = 'online' THEN 995 ELSE 0 END::bigint AS ship) t
)SQL";

const char *kSeedItemsInsert = R"SQL(
INSERT INTO public.order_items (tenant_id, order_id, product_id, sku, name, size, quantity, unit_price_minor, line_total_minor, created_at)
SELECT $1::uuid, s.id, p.id, p.sku, p.name, x.size, x.q, x.price, x.price * x.q, s.at
  FROM bulk_stage s
 CROSS JOIN LATERAL (VALUES (s.prod1, s.size1, s.q1, s.price1), (s.prod2, s.size2, 1, s.price2)) AS x(prod, size, q, price)
  JOIN public.products p ON p.id = x.prod
)SQL";

// Page views: each day's views come from a pool of a third as many visitors, some of whom
// look at many pages (repeat visitors); the visitor id is per day like the storefront's.
const char *kSeedViews = R"SQL(
INSERT INTO public.page_views (tenant_id, viewed_at, visitor_hash, path, product_id)
SELECT $1::uuid, v.at, substring(decode(md5(v.day::text || ':' || v.visitor), 'hex') FROM 1 FOR 16),
       CASE WHEN v.pick < 0 THEN '/' ELSE '/products/' || p.sku END,
       p.id
  FROM (SELECT c.day, ((c.day + make_interval(secs => floor(random() * 86400)::integer)) AT TIME ZONE $3) AS at,
               floor(greatest(c.n / 3, 1) * power(random(), 1.5))::integer AS visitor,
               CASE WHEN random() < 0.25 THEN -1 ELSE floor($4 * power(random(), 2.2))::integer END AS pick
          FROM (SELECT day, round($2::numeric * share)::integer AS n FROM bulk_days
                 WHERE day BETWEEN $5::date AND $6::date) c,
               generate_series(1, c.n)) v
  LEFT JOIN bulk_products bp ON bp.idx = v.pick
  LEFT JOIN public.products p ON p.id = bp.id
)SQL";

struct QuietTrigger final {
    const char *table;
    const char *trigger;
};
constexpr QuietTrigger kQuietTriggers[] = {
    {"orders", "orders_0_fill_tenant"}, {"orders", "orders_1_keep_author"}, {"orders", "orders_notify"},
    {"order_items", "order_items_0_fill_tenant"}, {"page_views", "page_views_0_fill_tenant"}};

void setQuietTriggers(pqxx::work &tx, bool enabled)
{
    for (const QuietTrigger &q : kQuietTriggers)
        tx.exec(std::string("ALTER TABLE public.") + q.table + (enabled ? " ENABLE" : " DISABLE") + " TRIGGER " + q.trigger);
}

} // namespace

Result<BulkSeedReport> PgDashboardMaintenance::seedBulk(const QString &tenantSlug, const BulkSeedOptions &options,
                                                       const std::function<void(const QString &)> &progress)
{
    if (options.products < 0 || options.products > 100000)
        return Error::invalid(u"--products must be between 0 and 100000."_s, u"products"_s);
    if (options.orders < 0 || options.orders > 20000000)
        return Error::invalid(u"--orders must be between 0 and 20000000."_s, u"orders"_s);
    if (options.views < 0 || options.views > 200000000)
        return Error::invalid(u"--views must be between 0 and 200000000."_s, u"views"_s);
    if (options.days < 1 || options.days > 3660)
        return Error::invalid(u"The history must be 1 to 3660 days long."_s, u"days"_s);
    auto say = [&](const QString &line) {
        if (progress)
            progress(line);
    };
    QElapsedTimer timer;
    timer.start();
    return m_session.transact(
        [&](pqxx::work &tx) -> Result<BulkSeedReport> {
            const auto t = tx.exec_params("SELECT id::text, currency, timezone FROM public.tenants WHERE slug = $1", str(tenantSlug.left(64)));
            if (t.empty())
                return Error::notFound(u"No shop with slug '%1'. Create it first: rdk-admin tenant create %1 --name ..."_s.arg(tenantSlug.left(64)));
            const std::string tenant = t[0][0].as<std::string>();
            const std::string currency = t[0][1].as<std::string>();
            const std::string zone = t[0][2].as<std::string>();
            BulkSeedReport report;
            tx.exec("SELECT setseed(0.4242)");
            // Row triggers that have nothing to do for the owner's bulk rows (tenant given,
            // author kept) or must not fire a million times (a POS NOTIFY per order) are off
            // for this transaction only; the aggregate triggers and every constraint stay on,
            // so the benchmark measures the real aggregate path. Writers of these tables wait
            // until the seed commits.
            setQuietTriggers(tx, false);
            if (options.products > 0) {
                report.products = qint64(tx.exec_params(kSeedProducts, tenant, currency, options.products).size());
                tx.exec_params(kSeedInventory, tenant);
                say(u"  %1 products with per-size stock (%2 s)"_s.arg(report.products).arg(double(timer.elapsed()) / 1000.0, 0, 'f', 1));
            }
            tx.exec_params(kSeedProductIndex, tenant);
            const qint64 catalogSize = tx.exec("SELECT count(*) FROM bulk_products")[0][0].as<qint64>();
            if (catalogSize == 0 && (options.orders > 0 || options.views > 0))
                return Error::invalid(u"The shop has no products to sell: add --products N."_s, u"products"_s);
            tx.exec_params(kSeedDays, zone, options.days);
            const QDate today = QDate::fromString(text(tx.exec("SELECT max(day)::text FROM bulk_days")[0][0]), Qt::ISODate);
            const QDate first = today.addDays(-(options.days - 1));
            // Month by month: each batch is a few set-based statements, and so are the triggers.
            for (QDate from = first; from <= today; from = from.addMonths(1)) {
                const QDate to = std::min(today, from.addMonths(1).addDays(-1));
                if (options.orders > 0) {
                    tx.exec_params(kSeedOrdersStage, zone, options.orders, isoDay(from), isoDay(to), catalogSize);
                    report.orders += tx.exec_params(kSeedOrdersInsert, tenant, currency).affected_rows();
                    report.items += tx.exec_params(kSeedItemsInsert, tenant).affected_rows();
                    tx.exec("DROP TABLE bulk_stage");
                }
                if (options.views > 0)
                    report.views += tx.exec_params(kSeedViews, tenant, options.views, zone, catalogSize, isoDay(from), isoDay(to)).affected_rows();
                say(u"  up to %1: %2 orders, %3 page views (%4 s)"_s.arg(to.toString(Qt::ISODate)).arg(report.orders)
                        .arg(report.views).arg(double(timer.elapsed()) / 1000.0, 0, 'f', 1));
            }
            setQuietTriggers(tx, true);
            report.elapsedMs = timer.elapsed();
            return report;
        },
        u"bulk seed"_s);
}

} // namespace rdk::data
