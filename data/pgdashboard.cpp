#include "data/pgdashboard.h"

#include "data/pgsessionpqxx.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::Literals::StringLiterals;


namespace rdk::data {
namespace {

std::string isoDay(const QDate &d)
{
    return d.toString(Qt::ISODate).toStdString();
}

QDate dayOf(const pqxx::field &f)
{
    return QDate::fromString(text(f), Qt::ISODate);
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------------------------

Result<ShopInfo> PgDashboardSource::shop()
{
    return m_session->transact([&](pqxx::work &tx) -> Result<ShopInfo> {
        const auto rows = tx.exec("SELECT id::text, name, currency, timezone FROM tenants WHERE id = rdk.current_tenant()");
        if (rows.empty())
            return Error::forbidden(u"This login belongs to no active shop, so there is no dashboard to show."_s);
        return ShopInfo{text(rows[0][0]), text(rows[0][1]), text(rows[0][2]).trimmed(), text(rows[0][3])};
    });
}

Result<QList<DailySales>> PgDashboardSource::sales(const DayRange &range)
{
    return m_session->transact([&](pqxx::work &tx) -> Result<QList<DailySales>> {
        const auto rows = tx.exec_params(
            "SELECT day::text, channel, sum(orders)::bigint, sum(gross_minor)::bigint, sum(refunded_minor)::bigint, "
            "       sum(refunded_orders)::bigint, sum(units)::bigint "
            "  FROM sales_daily WHERE tenant_id = (SELECT rdk.current_tenant()) AND day BETWEEN $1::date AND $2::date "
            " GROUP BY day, channel ORDER BY day, channel",
            isoDay(range.first), isoDay(range.last));
        QList<DailySales> out;
        out.reserve(qsizetype(rows.size()));
        for (const auto &r : rows) {
            out.append({dayOf(r[0]), text(r[1]), r[2].as<qint64>(), r[3].as<qint64>(), r[4].as<qint64>(), r[5].as<qint64>(),
                        r[6].as<qint64>()});
        }
        return out;
    });
}

Result<QList<DailyVisits>> PgDashboardSource::visits(const DayRange &range)
{
    return m_session->transact([&](pqxx::work &tx) -> Result<QList<DailyVisits>> {
        const auto rows = tx.exec_params(
            "SELECT day::text, sum(page_views)::bigint, sum(visitors)::bigint FROM visits_daily "
            " WHERE tenant_id = (SELECT rdk.current_tenant()) AND day BETWEEN $1::date AND $2::date GROUP BY day ORDER BY day",
            isoDay(range.first), isoDay(range.last));
        QList<DailyVisits> out;
        for (const auto &r : rows)
            out.append({dayOf(r[0]), r[1].as<qint64>(), r[2].as<qint64>()});
        return out;
    });
}

Result<QList<RankedItem>> PgDashboardSource::top(Dimension dimension, RankMetric metric, const DayRange &range, int limit)
{
    limit = std::clamp(limit, 1, 100);
    // Fixed statements per dimension and metric: nothing from outside reaches the SQL text.
    const char *order = metric == RankMetric::Revenue ? " ORDER BY revenue DESC, units DESC, key LIMIT $3) "
                                                      : " ORDER BY units DESC, revenue DESC, key LIMIT $3) ";
    std::string sql;
    switch (dimension) {
    case Dimension::Product:
        // Whole months from the monthly table, the days before and after them from the daily one.
        sql = std::string("WITH parts AS ("
                          "  SELECT product_id, units, revenue_minor FROM product_sales_daily "
                          "   WHERE tenant_id = (SELECT rdk.current_tenant()) AND day BETWEEN $1::date AND least($2::date, $4::date - 1) "
                          "  UNION ALL "
                          "  SELECT product_id, units, revenue_minor FROM product_sales_monthly "
                          "   WHERE tenant_id = (SELECT rdk.current_tenant()) AND month >= $4::date AND month < $5::date "
                          "  UNION ALL "
                          "  SELECT product_id, units, revenue_minor FROM product_sales_daily "
                          "   WHERE tenant_id = (SELECT rdk.current_tenant()) AND day BETWEEN greatest($1::date, $5::date) AND $2::date "
                          "     AND $5::date <= $2::date), "
                          "agg AS (SELECT product_id::text AS key, sum(units)::bigint AS units, sum(revenue_minor)::bigint AS revenue "
                          "  FROM parts GROUP BY product_id HAVING sum(units) > 0 OR sum(revenue_minor) > 0") + order +
              "SELECT a.key, coalesce(p.name, 'Deleted product'), coalesce(p.sku, ''), a.units, a.revenue "
              "  FROM agg a LEFT JOIN products p ON p.id = a.key::uuid";
        break;
    case Dimension::Brand:
        sql = std::string("WITH agg AS (SELECT brand AS key, sum(units)::bigint AS units, sum(revenue_minor)::bigint AS revenue "
                          "  FROM brand_sales_daily WHERE tenant_id = (SELECT rdk.current_tenant()) AND day BETWEEN $1::date AND $2::date "
                          " GROUP BY brand HAVING sum(units) > 0 OR sum(revenue_minor) > 0") + order +
              "SELECT key, key, '', units, revenue FROM agg";
        break;
    case Dimension::Size:
        sql = std::string("WITH agg AS (SELECT size AS key, sum(units)::bigint AS units, sum(revenue_minor)::bigint AS revenue "
                          "  FROM size_sales_daily WHERE tenant_id = (SELECT rdk.current_tenant()) AND day BETWEEN $1::date AND $2::date "
                          "   AND size <> ''"  // shoe sizes only: one-size items would drown them out
                          " GROUP BY size HAVING sum(units) > 0 OR sum(revenue_minor) > 0") + order +
              "SELECT key, 'US ' || key, '', units, revenue FROM agg";
        break;
    }
    sql += metric == RankMetric::Revenue ? " ORDER BY 5 DESC, 4 DESC, 1" : " ORDER BY 4 DESC, 5 DESC, 1";
    return m_session->transact([&](pqxx::work &tx) -> Result<QList<RankedItem>> {
        const MonthSpan months = wholeMonths(range);
        const auto rows = dimension == Dimension::Product
                              ? tx.exec_params(sql, isoDay(range.first), isoDay(range.last), limit, isoDay(months.first), isoDay(months.end))
                              : tx.exec_params(sql, isoDay(range.first), isoDay(range.last), limit);
        QList<RankedItem> out;
        for (const auto &r : rows)
            out.append({text(r[0]), text(r[1]), text(r[2]), r[3].as<qint64>(), r[4].as<qint64>()});
        return out;
    });
}

Result<QList<LowStockItem>> PgDashboardSource::lowStock(int threshold, int limit)
{
    threshold = std::clamp(threshold, 0, 1000);
    limit = std::clamp(limit, 1, 200);
    return m_session->transact([&](pqxx::work &tx) -> Result<QList<LowStockItem>> {
        const auto rows = tx.exec_params(
            "SELECT p.id::text, p.sku, p.name, coalesce(i.size, ''), (i.quantity - i.reserved) AS available "
            "  FROM inventory i JOIN products p ON p.id = i.product_id "
            " WHERE i.tenant_id = (SELECT rdk.current_tenant()) AND NOT p.archived AND i.quantity - i.reserved <= $1 "
            " ORDER BY available, p.name, nullif(i.size, '')::numeric NULLS FIRST LIMIT $2",
            threshold, limit);
        QList<LowStockItem> out;
        for (const auto &r : rows)
            out.append({text(r[0]), text(r[1]), text(r[2]), text(r[3]), r[4].as<int>()});
        return out;
    });
}

DashboardSourceFactory PgDashboardSource::factory(std::string connectionString)
{
    return [connectionString = std::move(connectionString)]() -> Result<std::unique_ptr<DashboardSource>> {
        auto session = PgSession::open(connectionString);
        if (!session)
            return session.error();
        return std::unique_ptr<DashboardSource>(new PgDashboardSource(std::move(session).value()));
    };
}

// ---------------------------------------------------------------------------------------------
// Live feed
// ---------------------------------------------------------------------------------------------

namespace {

constexpr qsizetype kMaxPayload = 8000;  // PostgreSQL's own limit is 8000 bytes

} // namespace

PgDashboardFeed::PgDashboardFeed(Connector connector, std::string connectionString, QString tenantId, QObject *parent)
    : DashboardChangeFeed(parent), m_tenantId(std::move(tenantId)),
      m_listener(new PgListener(std::move(connector), std::move(connectionString), {"dashboard", "catalog"},
                                u"dashboard changes"_s, this))
{
    connect(m_listener, &PgListener::notification, this, &PgDashboardFeed::handle);
    connect(m_listener, &PgListener::connectionChanged, this, &PgDashboardFeed::connectionChanged);
}

PgDashboardFeed::PgDashboardFeed(std::string connectionString, QString tenantId, QObject *parent)
    : PgDashboardFeed(Connector{}, std::move(connectionString), std::move(tenantId), parent)
{
}

PgDashboardFeed::PgDashboardFeed(Connector connector, QString tenantId, QObject *parent)
    : PgDashboardFeed(std::move(connector), {}, std::move(tenantId), parent)
{
}

PgDashboardFeed::~PgDashboardFeed() = default;

void PgDashboardFeed::connectionChanged(bool connected)
{
    if (!connected)
        return;
    if (m_everConnected) {
        // Changes may have happened while we weren't listening: everything is stale.
        Q_EMIT salesChanged(m_tenantId, QDate(1970, 1, 1), QDate(9999, 12, 31));
        Q_EMIT stockChanged(m_tenantId);
    }
    m_everConnected = true;
}

void PgDashboardFeed::handle(const QString &kind, const QByteArray &payload)
{
    // The channel is the shop's own (migration 0013); the payload only says what to reload,
    // which is re-read through row-level security.
    if (payload.size() > kMaxPayload || m_tenantId.isEmpty())
        return;
    const QJsonObject o = QJsonDocument::fromJson(payload).object();
    if (kind == u"dashboard"_s && o.value(u"what"_s).toString() == u"sales"_s) {
        const QDate first = QDate::fromString(o.value(u"from"_s).toString(), Qt::ISODate);
        const QDate last = QDate::fromString(o.value(u"to"_s).toString(), Qt::ISODate);
        if (first.isValid() && last.isValid() && first <= last)
            Q_EMIT salesChanged(m_tenantId, first, last);
    } else if (kind == u"catalog"_s && o.value(u"entity"_s).toString() == u"inventory"_s) {
        Q_EMIT stockChanged(m_tenantId);
    }
}

} // namespace rdk::data
