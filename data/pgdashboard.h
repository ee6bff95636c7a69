#pragma once

#include "data/pglistener.h"
#include "data/pgsession.h"
#include "domain/dashboard.h"

#include <QStringList>
#include <QTimer>

#include <functional>
#include <memory>
#include <string>

class QSocketNotifier;

namespace rdk::data {

/// The dashboard's queries. They read ONLY the aggregate tables of migration 0006 (plus the
/// tenant row, product names for the top list and stock for the low-stock list), never raw
/// orders or page views. Scoped by row-level security to the signed-in staff member's shop.
class PgDashboardSource final : public DashboardSource {
public:
    explicit PgDashboardSource(std::unique_ptr<PgSession> session) : m_session(std::move(session)) {}

    Result<ShopInfo> shop() override;
    Result<QList<DailySales>> sales(const DayRange &range) override;
    Result<QList<DailyVisits>> visits(const DayRange &range) override;
    Result<QList<RankedItem>> top(Dimension dimension, RankMetric metric, const DayRange &range, int limit) override;
    Result<QList<LowStockItem>> lowStock(int threshold, int limit) override;

    /// A factory that opens a new connection per call (one source per worker thread).
    static DashboardSourceFactory factory(std::string connectionString);

private:
    std::unique_ptr<PgSession> m_session;
};

/// LISTENs on the signed-in shop's private "dashboard" channel (the aggregate triggers say which
/// days changed) and "catalog" channel (stock) through a PgListener (migration 0013), and turns
/// the payloads into DashboardChangeFeed signals for `tenantId`, the shop signed in to. A lost connection is retried; when it comes back, everything
/// is reported changed (notifications may have been missed meanwhile).
class PgDashboardFeed final : public DashboardChangeFeed {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PgDashboardFeed)

public:
    PgDashboardFeed(std::string connectionString, QString tenantId, QObject *parent = nullptr);
    /// Listens on sessions the connector opens (the desk's worker sessions: no password here).
    using Connector = PgListener::Connector;
    PgDashboardFeed(Connector connector, QString tenantId, QObject *parent = nullptr);
    ~PgDashboardFeed() override;

    bool start() { return m_listener->start(); }
    bool isListening() const { return m_listener->isListening(); }

    /// Parses one payload of `kind` ("dashboard" or "catalog"; exposed for tests of hostile
    /// payloads).
    void handle(const QString &kind, const QByteArray &payload);

private:
    PgDashboardFeed(Connector connector, std::string connectionString, QString tenantId, QObject *parent);
    void connectionChanged(bool connected);

    QString m_tenantId;
    PgListener *m_listener;   // a child of this feed
    bool m_everConnected = false;
};

/// One difference between an aggregate row and what the raw rows say.
struct AggregateDifference final {
    QString table;
    QString key;       ///< day and channel / product / brand / size
    QString expected;  ///< from raw rows ("-" when there should be no row)
    QString actual;    ///< in the aggregate ("-" when missing)
};

struct RebuildReport final {
    QList<AggregateDifference> differences;
    qint64 salesRows = 0;
    qint64 itemRows = 0;
    qint64 visitRows = 0;
    qint64 elapsedMs = 0;
};

struct BulkSeedOptions final {
    int products = 200;
    qint64 orders = 10000;
    qint64 views = 100000;
    int days = 730;  ///< history length, ending today
};

struct BulkSeedReport final {
    qint64 products = 0;
    qint64 orders = 0;
    qint64 items = 0;
    qint64 views = 0;
    qint64 elapsedMs = 0;
};

/// Owner-only maintenance of the aggregates (rdk-admin).
class PgDashboardMaintenance final {
public:
    explicit PgDashboardMaintenance(PgSession &session) : m_session(session) {}

    /// Recomputes every aggregate of the shop from raw rows, lists what differed, and
    /// replaces the aggregates with the recomputed ones (one transaction; writers wait).
    Result<RebuildReport> rebuild(const QString &tenantSlug);

    /// Realistic bulk data for benchmarks: set-based SQL, in monthly batches so the
    /// aggregate triggers work set-based too.
    Result<BulkSeedReport> seedBulk(const QString &tenantSlug, const BulkSeedOptions &options,
                                    const std::function<void(const QString &)> &progress);

private:
    PgSession &m_session;
};

} // namespace rdk::data
