#include "data/pgdrawer.h"

#include "data/pgfunctionerror.h"
#include "data/pgsessionpqxx.h"
#include "data/pgvalues.h"

#include <QUuid>

using namespace Qt::Literals::StringLiterals;

namespace rdk::data {
namespace {

constexpr int kMaxReason = 200;
constexpr int kMaxNote = 500;

std::optional<std::string> sessionIdParam(const QString &id)
{
    const QUuid uuid = QUuid::fromString(id.trimmed());
    if (uuid.isNull() || id.size() > 64)
        return std::nullopt;
    return uuid.toString(QUuid::WithoutBraces).toStdString();
}

Error noSuchDrawer()
{
    return Error::notFound(u"That drawer session does not exist."_s);
}

// The caller's open drawer (row-level security shows staff their own; the profile pins it to
// the caller for ops and admin too), with the cash it should hold now.
std::optional<DrawerSession> readOpen(pqxx::work &tx)
{
    const auto rows = tx.exec(
        "SELECT s.id::text, p.display_name, (extract(epoch FROM s.opened_at) * 1000)::bigint, s.float_minor, s.currency, "
        "       s.float_minor + coalesce((SELECT sum(m.amount_minor) FROM drawer_movements m WHERE m.session_id = s.id), 0) "
        "  FROM drawer_sessions s JOIN profiles p ON p.id = s.opened_by "
        " WHERE s.closed_at IS NULL AND s.opened_by = rdk.current_profile_id()");
    if (rows.empty())
        return std::nullopt;
    const auto &r = rows[0];
    const QString currency = text(r[4]).trimmed();
    DrawerSession s;
    s.id = text(r[0]);
    s.openedBy = text(r[1]);
    s.openedAt = fromMillis(r[2]);
    s.floatAmount = Money::of(r[3].as<qint64>(), currency).value();
    s.cash = Money::of(r[5].as<qint64>(), currency).value();
    s.open = true;
    return s;
}

Result<DrawerReport> readReport(pqxx::work &tx, const std::string &id)
{
    const auto row = tx.exec_params1("SELECT rdk.drawer_report($1::uuid)::text", id);
    return DrawerReport::fromJson(QByteArray::fromStdString(row[0].as<std::string>()));
}

std::optional<std::string> countJson(const std::optional<DrawerCount> &count)
{
    return count ? std::optional<std::string>(count->toJson().toStdString()) : std::nullopt;
}

} // namespace

Result<std::optional<DrawerSession>> PgDrawer::current()
{
    return m_session->transact(
        [&](pqxx::work &tx) -> Result<std::optional<DrawerSession>> { return readOpen(tx); });
}

Result<QList<DrawerSession>> PgDrawer::openDrawers()
{
    return m_session->transact([&](pqxx::work &tx) -> Result<QList<DrawerSession>> {
        return keepSentences(tx, [&](pqxx::work &tx) -> Result<QList<DrawerSession>> {
            const auto rows = tx.exec("SELECT session_id::text, opened_by, (extract(epoch FROM opened_at) * 1000)::bigint, currency, "
                                      "       float_minor, cash_minor, mine FROM rdk.drawer_open_sessions()");
            QList<DrawerSession> list;
            for (const auto &r : rows) {
                const QString currency = text(r[3]);
                DrawerSession s;
                s.id = text(r[0]);
                s.openedBy = text(r[1]);
                s.openedAt = fromMillis(r[2]);
                s.floatAmount = Money::of(r[4].as<qint64>(), currency).value();
                s.cash = Money::of(r[5].as<qint64>(), currency).value();
                s.mine = r[6].as<bool>();
                s.open = true;
                list.append(s);
            }
            return list;
        });
    });
}

Result<DrawerSession> PgDrawer::open(const Money &floatAmount, const std::optional<DrawerCount> &count)
{
    if (floatAmount.isNegative())
        return Error::invalid(u"The float can't be negative."_s, u"float"_s);
    return m_session->transact(
        [&](pqxx::work &tx) -> Result<DrawerSession> {
            return keepSentences(tx, [&](pqxx::work &tx) -> Result<DrawerSession> {
                // Only the count goes when there is one: the database adds it up itself.
                tx.exec_params("SELECT rdk.drawer_open($1, $2::jsonb)",
                               count ? std::optional<qint64>() : std::optional<qint64>(floatAmount.minor()), countJson(count));
                auto open = readOpen(tx);
                if (!open)
                    return Error::internal(u"The drawer was opened but could not be read back."_s);
                return *open;
            });
        },
        u"drawer opened"_s);
}

Result<DrawerSession> PgDrawer::pay(DrawerPayKind kind, const Money &amount, const QString &reason)
{
    if (reason.trimmed().isEmpty())
        return Error::invalid(u"Give a reason."_s, u"reason"_s);
    if (reason.trimmed().size() > kMaxReason)
        return Error::invalid(u"The reason must be at most %1 characters."_s.arg(kMaxReason), u"reason"_s);
    return m_session->transact([&](pqxx::work &tx) -> Result<DrawerSession> {
        return keepSentences(tx, [&](pqxx::work &tx) -> Result<DrawerSession> {
            tx.exec_params("SELECT rdk.drawer_pay($1, $2, $3)", kind == DrawerPayKind::PaidIn ? "paid_in" : "paid_out",
                           amount.minor(), str(reason.trimmed()));
            auto open = readOpen(tx);
            if (!open)
                return Error::internal(u"The drawer could not be read back."_s);
            return *open;
        });
    });
}

Result<DrawerReport> PgDrawer::close(const QString &sessionId, const Money &counted, const std::optional<DrawerCount> &count,
                                     const QString &note)
{
    const auto id = sessionIdParam(sessionId);
    if (!id)
        return noSuchDrawer();
    if (note.trimmed().size() > kMaxNote)
        return Error::invalid(u"The note must be at most %1 characters."_s.arg(kMaxNote), u"note"_s);
    return m_session->transact([&](pqxx::work &tx) -> Result<DrawerReport> {
        return keepSentences(tx, [&](pqxx::work &tx) -> Result<DrawerReport> {
            tx.exec_params("SELECT rdk.drawer_close($1::uuid, $2, $3::jsonb, $4)", *id,
                           count ? std::optional<qint64>() : std::optional<qint64>(counted.minor()), countJson(count),
                           orNull(note.trimmed()));
            return readReport(tx, *id);
        });
    });
}

Result<DrawerReport> PgDrawer::report(const QString &sessionId)
{
    const auto id = sessionIdParam(sessionId);
    if (!id)
        return noSuchDrawer();
    return m_session->transact([&](pqxx::work &tx) -> Result<DrawerReport> {
        return keepSentences(tx, [&](pqxx::work &tx) { return readReport(tx, *id); });
    });
}

} // namespace rdk::data
