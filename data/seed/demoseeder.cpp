#include "data/seed/demoseeder.h"

#include "data/demo/democatalog.h"
#include "data/media/imagepipeline.h"
#include "data/media/placeholdersneaker.h"
#include "data/pgimagestore.h"
#include "data/pgrepositories.h"
#include "data/pgsessionpqxx.h"
#include "domain/orderlist.h"

#include <QImage>

using namespace Qt::Literals::StringLiterals;

namespace rdk::data {
namespace {

constexpr int kPhotoWidth = 1600;
constexpr int kPhotoHeight = 1200;

Result<OrderTotals> totalsFor(const DemoOrder &order, const QString &currency)
{
    const Money zero = Money::zero(currency);
    // Online orders pay a flat shipping fee; counter sales don't.
    const Money shipping = order.channel == OrderChannel::Online ? Money::of(995, currency).value() : zero;
    return computeTotals(order.lines, shipping, zero, zero, zero);
}

} // namespace

Result<SeedReport> DemoSeeder::seed(const QString &tenantSlug, const QDateTime &now,
                                    const std::function<void(const QString &)> &progress)
{
    auto say = [&](const QString &line) {
        if (progress)
            progress(line);
    };
    return m_session.transact(
        [&](pqxx::work &tx) -> Result<SeedReport> {
            const auto tenant = tx.exec_params("SELECT id::text, currency FROM tenants WHERE slug = $1", str(tenantSlug));
            if (tenant.empty())
                return Error::notFound(u"No shop with slug '%1'. Create it first: rdk-admin tenant create %1 --name ..."_s.arg(tenantSlug));
            const QString tenantId = text(tenant[0][0]);
            const QString currency = text(tenant[0][1]).trimmed();
            SeedReport report;
            if (tx.exec_params1("SELECT count(*) FROM products WHERE tenant_id = $1::uuid", str(tenantId))[0].as<int>() > 0) {
                report.alreadySeeded = true;
                return report;
            }

            QHash<QString, QString> idBySku;
            QList<Product> catalog = demoCatalog(currency);
            for (Product &p : catalog) {
                p.tenantId = tenantId;
                auto created = PgProductRepository::insert(tx, p);
                if (!created)
                    return Error{created.error().code, p.sku + u": "_s + created.error().message, {}};
                p.id = created->id;
                idBySku.insert(p.sku, p.id);
                ++report.products;

                const QImage photo = renderPlaceholderSneaker(qHash(p.sku), kPhotoWidth, kPhotoHeight);
                auto processed = processProductImage(encodeJpeg(photo), p.sku, p.sku + u".jpg"_s);
                if (!processed)
                    return processed.error();
                auto attached = PgImageStore::attach(tx, p.id, *processed, true);
                if (!attached)
                    return attached.error();
                ++report.images;
                if (report.products % 12 == 0)
                    say(u"  %1 of %2 products with photos"_s.arg(report.products).arg(catalog.size()));
            }

            const QList<DemoOrder> orders = demoOrders(catalog, now);
            for (const DemoOrder &d : orders) {
                auto totals = totalsFor(d, currency);
                if (!totals)
                    return totals.error();
                Order order;
                order.tenantId = tenantId;
                order.channel = d.channel;
                order.status = d.status;
                order.lines = d.lines;
                order.totals = *totals;
                order.refunded = d.status == OrderStatus::Refunded ? totals->total : Money::zero(currency);
                if (d.status == OrderStatus::PartiallyRefunded)
                    order.refunded = Money::of(totals->total.minor() / 2, currency).value();
                order.customerEmail = d.customerEmail;
                order.createdAt = d.createdAt;
                if (countsAsSale(d.status))   // paid at some point; awaiting payment is not
                    order.paidAt = d.createdAt.addSecs(90);
                auto stored = PgOrderRepository::insert(tx, order);
                if (!stored)
                    return stored.error();
                ++report.orders;
            }
            // How they were paid, as the counter and the storefront record it: online orders by
            // card, about a third of the counter's in cash (tendered rounded up to $10), the rest
            // by card; the Orders list and the dashboards then show a real mix.
            tx.exec_params(
                "UPDATE orders "
                "   SET payment_method = CASE WHEN channel = 'pos' AND order_number % 3 = 0 THEN 'cash' ELSE 'card' END, "
                "       cash_tendered_minor = CASE WHEN channel = 'pos' AND order_number % 3 = 0 "
                "                                  THEN (total_minor + 999) / 1000 * 1000 END "
                " WHERE tenant_id = $1::uuid AND paid_at IS NOT NULL AND payment_method IS NULL",
                str(tenantId));
            say(u"  %1 orders over the last four weeks"_s.arg(report.orders));

            // One sales tax rate, added to the prices, so the counter shows tax from the first
            // sale (the past orders above were taken before the shop charged it). Admins change
            // it in rdk-desk (Shop > Sales tax...).
            tx.exec_params("INSERT INTO tax_rates (tenant_id, position, name, rate_percent) "
                           "SELECT $1::uuid, 1, 'NY sales tax', 8.875 "
                           " WHERE NOT EXISTS (SELECT 1 FROM tax_rates WHERE tenant_id = $1::uuid)",
                           str(tenantId));
            say(u"  a sales tax rate of 8.875 %, added to the prices at the counter"_s);
            // Where and how online orders go out, and the shop's own texts (rdk-desk: Shop >
            // Online orders...). Stripe's tax stays off: the sandbox's 10 % is no real rate.
            // (A database older than migration 0021, as the upgrade test seeds, has no settings.)
            if (tx.exec1("SELECT to_regclass('public.shop_settings') IS NOT NULL")[0].as<bool>()) {
                tx.exec_params("INSERT INTO shop_settings (tenant_id, ship_countries, collect_phone, shop_address, contact_text, "
                               "                           shipping_policy, returns_policy) "
                               "VALUES ($1::uuid, '{US,CA}', true, $2, $3, $4, $5) ON CONFLICT (tenant_id) DO NOTHING",
                               str(tenantId), "Real Deal Kickz\n212 Bedford Ave\nBrooklyn, NY 11249",
                               "Questions about a size, a pair or your order? Call (718) 555-0142 or write to "
                               "hello@realdealkickz.example. The shop is open Tuesday to Sunday, 11:00 to 19:00.",
                               "Orders placed before 14:00 ship the same day from Brooklyn.\n\nStandard shipping takes 3 to 5 "
                               "business days and is free from $150. Express arrives in 1 to 2 business days. Canada: 5 to 10 "
                               "business days, duties paid by the buyer.",
                               "Return unworn pairs in their original box within 30 days for a refund to your card.\n\n"
                               "Pre-owned pairs and items marked final sale can't be returned. Bring the receipt or your "
                               "order number; exchanges for another size are done at the counter.");
                tx.exec_params("INSERT INTO shipping_options (tenant_id, position, kind, label, amount_minor, free_above_minor) "
                               "SELECT $1::uuid, o.position, o.kind, o.label, o.amount_minor, o.free_above_minor "
                               "  FROM (VALUES (1, 'free_above', 'Standard (3-5 days)', 900::bigint, 15000::bigint), "
                               "               (2, 'flat', 'Express (1-2 days)', 2500, NULL), "
                               "               (3, 'pickup', 'Pick up in Brooklyn', 0, NULL)) "
                               "       AS o(position, kind, label, amount_minor, free_above_minor) "
                               " WHERE NOT EXISTS (SELECT 1 FROM shipping_options WHERE tenant_id = $1::uuid)",
                               str(tenantId));
                say(u"  ships to the US and Canada: standard (free from $150), express, pickup in the shop"_s);
            }
            // Two drops to come (rdk-desk: Shop > Releases...): a pair sold through the waiting
            // room the day after tomorrow at 10:00 shop time, and a raffle whose entries are
            // open until then. Their pages show the countdown; the database makes each secret.
            if (tx.exec1("SELECT to_regclass('public.releases') IS NOT NULL")[0].as<bool>()) {
                const auto releases = tx.exec_params(
                    "WITH shop AS (SELECT t.id, t.timezone FROM tenants t WHERE t.id = $1::uuid), "
                    "     at AS (SELECT ((date_trunc('day', now() AT TIME ZONE s.timezone) + interval '2 days 10 hours') "
                    "                    AT TIME ZONE s.timezone) AS release_at FROM shop s), "
                    "     picked AS (SELECT p.id, row_number() OVER (ORDER BY p.sku) AS n FROM products p "
                    "                 WHERE p.tenant_id = $1::uuid AND p.published AND NOT p.archived "
                    "                   AND p.inventory_strategy = 'per_size' "
                    "                   AND NOT EXISTS (SELECT 1 FROM releases r WHERE r.tenant_id = $1::uuid)) "
                    "INSERT INTO releases (tenant_id, product_id, release_at, visibility, allocation, admit_per_minute, "
                    "                      limit_per_buyer, queue_opens_at, entries_close_at, claim_hours) "
                    "SELECT $1::uuid, p.id, at.release_at + CASE WHEN p.n = 1 THEN interval '0' ELSE interval '1 day' END, "
                    "       'coming_soon', CASE WHEN p.n = 1 THEN 'queue' ELSE 'raffle' END, 120, 1, "
                    "       CASE WHEN p.n = 1 THEN at.release_at - interval '30 minutes' ELSE now() END, "
                    "       CASE WHEN p.n = 2 THEN at.release_at END, CASE WHEN p.n = 2 THEN 24 END "
                    "  FROM picked p, at WHERE p.n <= 2",
                    str(tenantId));
                if (releases.affected_rows() > 0)
                    say(u"  two drops to come: one through the waiting room, one by raffle (entries open now)"_s);
            }
            // The paid online orders' buyers become customers, as paying online makes them
            // (module customers.sql); these orders were written paid, so no payment ran.
            const auto customers = tx.exec_params(
                "INSERT INTO customers (tenant_id, name, email, created_at, updated_at) "
                "SELECT DISTINCT ON (e.email) o.tenant_id, "
                "       btrim(initcap(regexp_replace(replace(split_part(e.email, '@', 1), '.', ' '), '[0-9]+', '', 'g'))), "
                "       e.email, o.created_at, o.created_at "
                "  FROM orders o, rdk.customer_email_key(o.customer_email) e(email) "
                " WHERE o.tenant_id = $1::uuid AND o.channel = 'online' AND o.paid_at IS NOT NULL AND e.email IS NOT NULL "
                " ORDER BY e.email, o.created_at "
                "ON CONFLICT (tenant_id, email) DO NOTHING",
                str(tenantId));
            tx.exec_params("UPDATE orders o SET customer_id = c.id FROM customers c "
                           " WHERE o.tenant_id = $1::uuid AND c.tenant_id = o.tenant_id AND c.email = rdk.customer_email_key(o.customer_email) "
                           "   AND o.channel = 'online' AND o.paid_at IS NOT NULL",
                           str(tenantId));
            say(u"  %1 customers from the paid online orders"_s.arg(customers.affected_rows()));

            // Storefront visits for the same four weeks, so the dashboard's visitor and
            // conversion figures have something to show: 40-120 visitors a day, 1-5 pages
            // each, mostly product pages. Visitor ids are opaque 16-byte hashes, as the
            // storefront stores them; every time lies before `now`.
            const auto views = tx.exec_params(
                "WITH p AS (SELECT id, sku, row_number() OVER (ORDER BY sku) AS n, count(*) OVER () AS total "
                "             FROM products WHERE tenant_id = $1::uuid AND published) "
                "INSERT INTO page_views (tenant_id, viewed_at, visitor_hash, path, product_id) "
                "SELECT $1::uuid, $2::timestamptz - make_interval(days => d.d, secs => 60 + (v.v * 997 + k.k * 61) % 86000), "
                "       decode(md5(d.d || ':' || v.v), 'hex'), "
                "       CASE WHEN k.k = 1 THEN '/' ELSE '/products/' || p.sku END, "
                "       CASE WHEN k.k = 1 THEN NULL ELSE p.id END "
                "  FROM generate_series(0, 27) AS d(d) "
                " CROSS JOIN LATERAL generate_series(1, 40 + (d.d * 37) % 80) AS v(v) "
                " CROSS JOIN LATERAL generate_series(1, 1 + (v.v * 7 + d.d) % 5) AS k(k) "
                "  JOIN p ON p.n = 1 + (d.d * 131 + v.v * 17 + k.k * 7) % p.total",
                str(tenantId), str(now.toUTC().toString(Qt::ISODateWithMs)));
            say(u"  %1 storefront page views over the same weeks"_s.arg(views.affected_rows()));
            return report;
        },
        u"demo seed"_s);
}

} // namespace rdk::data
