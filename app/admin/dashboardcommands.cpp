#include "app/admin/dashboardcommands.h"

#include "data/pgdashboard.h"

#include <QHash>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

constexpr int kExitDifferences = 2;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 64;
constexpr int kMaxListedDifferences = 200;

struct Parsed final {
    QStringList positional;
    QHash<QString, QString> named;
    QString error;
};

Parsed parse(const QStringList &args, const QStringList &allowed)
{
    Parsed p;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        if (!a.startsWith(u"--"_s)) {
            p.positional.append(a);
            continue;
        }
        const QString key = a.mid(2);
        if (!allowed.contains(key)) {
            p.error = u"unknown option --%1"_s.arg(key.left(40));
            return p;
        }
        if (i + 1 >= args.size()) {
            p.error = u"--%1 needs a value"_s.arg(key);
            return p;
        }
        if (p.named.contains(key)) {
            p.error = u"--%1 given twice"_s.arg(key);
            return p;
        }
        p.named.insert(key, args[++i]);
    }
    return p;
}

/// A whole number in [0, max] written as digits only (no sign, no spaces, no 1e6).
std::optional<qint64> count(const QString &text, qint64 max)
{
    if (text.isEmpty() || text.size() > 12)
        return std::nullopt;
    for (QChar c : text) {
        if (c < u'0' || c > u'9')
            return std::nullopt;
    }
    const qint64 value = text.toLongLong();
    return value <= max ? std::optional<qint64>(value) : std::nullopt;
}

class Commands final {
public:
    Commands(const AdminConfig &config, QTextStream &out, QTextStream &err) : m_config(config), m_out(out), m_err(err) {}

    int fail(const QString &message)
    {
        m_err << "rdk-admin: " << message << Qt::endl;
        return kExitFailed;
    }
    int usage(const QString &message)
    {
        m_err << "rdk-admin: " << message << "\n\n" << dashboardUsage() << Qt::endl;
        return kExitUsage;
    }

    int aggregates(const QStringList &args)
    {
        const Parsed p = parse(args.mid(1), {u"tenant"_s});
        if (!p.error.isEmpty())
            return usage(p.error);
        if (args.value(0) != u"rebuild"_s || !p.positional.isEmpty())
            return usage(u"aggregates rebuild --tenant SLUG"_s);
        const QString slug = p.named.value(u"tenant"_s, m_config.tenant);
        if (slug.isEmpty())
            return usage(u"aggregates rebuild needs --tenant SLUG (or RDK_TENANT)"_s);
        auto session = data::PgSession::open(m_config.databaseUrl.toStdString());
        if (!session)
            return fail(session.error().message);
        data::PgDashboardMaintenance maintenance(**session);
        auto report = maintenance.rebuild(slug);
        if (!report)
            return fail(report.error().message);
        const auto &diffs = report->differences;
        for (qsizetype i = 0; i < diffs.size() && i < kMaxListedDifferences; ++i) {
            const auto &d = diffs[i];
            m_out << "DIFF " << d.table << " " << d.key << ": expected " << d.expected << ", found " << d.actual << '\n';
        }
        if (diffs.size() > kMaxListedDifferences)
            m_out << "... and " << (diffs.size() - kMaxListedDifferences) << " more differences\n";
        if (diffs.isEmpty()) {
            m_out << u"aggregates of %1 match the raw rows (%2 sales rows, %3 product rows, %4 visit rows checked in %5 ms)"_s
                         .arg(slug).arg(report->salesRows).arg(report->itemRows).arg(report->visitRows).arg(report->elapsedMs)
                  << Qt::endl;
            return 0;
        }
        m_out << u"%1 difference(s) found in the aggregates of %2 and fixed from the raw rows in %3 ms"_s.arg(diffs.size())
                     .arg(slug).arg(report->elapsedMs)
              << Qt::endl;
        return kExitDifferences;
    }

    int seedBulk(const QStringList &args)
    {
        const Parsed p = parse(args, {u"tenant"_s, u"products"_s, u"orders"_s, u"views"_s, u"days"_s});
        if (!p.error.isEmpty() || !p.positional.isEmpty())
            return usage(p.error.isEmpty() ? u"seed-bulk takes only --options"_s : p.error);
        const QString slug = p.named.value(u"tenant"_s, m_config.tenant);
        if (slug.isEmpty())
            return usage(u"seed-bulk needs --tenant SLUG (or RDK_TENANT)"_s);
        data::BulkSeedOptions options;
        const auto products = count(p.named.value(u"products"_s, u"200"_s), 100000);
        const auto orders = count(p.named.value(u"orders"_s, u"10000"_s), 20000000);
        const auto views = count(p.named.value(u"views"_s, u"100000"_s), 200000000);
        const auto days = count(p.named.value(u"days"_s, u"730"_s), 3660);
        if (!products)
            return usage(u"--products must be a whole number from 0 to 100000"_s);
        if (!orders)
            return usage(u"--orders must be a whole number from 0 to 20000000"_s);
        if (!views)
            return usage(u"--views must be a whole number from 0 to 200000000"_s);
        if (!days || *days < 1)
            return usage(u"--days must be a whole number from 1 to 3660"_s);
        options.products = int(*products);
        options.orders = *orders;
        options.views = *views;
        options.days = int(*days);
        auto session = data::PgSession::open(m_config.databaseUrl.toStdString());
        if (!session)
            return fail(session.error().message);
        m_out << "seeding " << slug << " with " << options.orders << " orders and " << options.views << " page views over "
              << options.days << " days..." << Qt::endl;
        data::PgDashboardMaintenance maintenance(**session);
        auto report = maintenance.seedBulk(slug, options, [this](const QString &line) { m_out << line << Qt::endl; });
        if (!report)
            return fail(report.error().message);
        m_out << u"seeded %1 products, %2 orders (%3 items), %4 page views in %5 s"_s.arg(report->products).arg(report->orders)
                     .arg(report->items).arg(report->views).arg(double(report->elapsedMs) / 1000.0, 0, 'f', 1)
              << Qt::endl;
        return 0;
    }

private:
    const AdminConfig &m_config;
    QTextStream &m_out;
    QTextStream &m_err;
};

} // namespace

bool isDashboardCommand(const QString &command)
{
    return command == u"aggregates"_s || command == u"seed-bulk"_s;
}

int runDashboardCommand(const QString &command, const QStringList &args, const AdminConfig &config, QTextStream &out,
                        QTextStream &err)
{
    Commands commands(config, out, err);
    return command == u"aggregates"_s ? commands.aggregates(args) : commands.seedBulk(args);
}

QString dashboardUsage()
{
    return uR"(  aggregates rebuild --tenant SLUG          recompute dashboard figures from raw rows; exit 2 if any differed
  seed-bulk --tenant SLUG [--products N] [--orders N] [--views N] [--days N]   benchmark data over N days (730))"_s;
}

} // namespace rdk
