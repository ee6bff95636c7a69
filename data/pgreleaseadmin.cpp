#include "data/pgreleaseadmin.h"

#include "data/pgfunctionerror.h"
#include "data/pgreleaserows.h"
#include "data/pgreleases.h"
#include "data/pgsessionpqxx.h"
#include "data/pgvalues.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace rdk::data {
namespace {

bool isUuid(const QString &id)
{
    static const QRegularExpression uuid(u"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"_s);
    return uuid.match(id).hasMatch();
}

QString isoUtc(const QDateTime &t)
{
    return t.toUTC().toString(Qt::ISODateWithMs);
}

} // namespace

QByteArray PgReleaseAdmin::settingsJson(const ReleaseSettings &s)
{
    QJsonObject json;
    if (!s.sizes.isEmpty())
        json.insert(u"sizes"_s, QJsonArray::fromStringList(s.sizes));
    if (s.releaseAt.isValid())
        json.insert(u"release_at"_s, isoUtc(s.releaseAt));
    json.insert(u"visibility"_s, toString(s.visibility));
    json.insert(u"allocation"_s, toString(s.allocation));
    if (s.admitPerMinute)
        json.insert(u"admit_per_minute"_s, *s.admitPerMinute);
    if (s.limitPerBuyer)
        json.insert(u"limit_per_buyer"_s, *s.limitPerBuyer);
    if (s.powBits)
        json.insert(u"pow_bits"_s, *s.powBits);
    if (s.queueOpensAt.isValid())
        json.insert(u"queue_opens_at"_s, isoUtc(s.queueOpensAt));
    if (s.allocation == ReleaseAllocation::Raffle) {
        if (s.entriesCloseAt.isValid())
            json.insert(u"entries_close_at"_s, isoUtc(s.entriesCloseAt));
        if (s.claimHours)
            json.insert(u"claim_hours"_s, *s.claimHours);
    }
    return QJsonDocument(json).toJson(QJsonDocument::Compact);
}

Result<QList<ReleaseSummary>> PgReleaseAdmin::overview()
{
    return m_session->transact([&](pqxx::work &tx) -> Result<QList<ReleaseSummary>> {
        return keepSentences(tx, [&](pqxx::work &tx) -> Result<QList<ReleaseSummary>> {
            QList<ReleaseSummary> list;
            for (const auto &r : tx.exec(
                     std::string("SELECT release_id::text, sku, product_name, ") + kReleaseScheduleColumns +
                     ", coalesce(claim_hours, 0), (extract(epoch FROM drawn_at) * 1000)::bigint, "
                     "       (extract(epoch FROM canceled_at) * 1000)::bigint, "
                     "       timezone, entries, won, claimed, sold, held, stock_left "
                     "  FROM rdk.release_overview()")) {
                ReleaseSummary s;
                s.id = text(r[0]);
                s.sku = text(r[1]);
                s.productName = text(r[2]);
                readReleaseSchedule(r, 3, s);
                s.claimHours = r[12].as<int>();
                s.drawnAt = fromMillis(r[13]);
                s.canceledAt = fromMillis(r[14]);
                s.timeZone = text(r[15]);
                s.entries = r[16].as<int>();
                s.won = r[17].as<int>();
                s.claimed = r[18].as<int>();
                s.sold = r[19].as<int>();
                s.held = r[20].as<int>();
                s.stockLeft = r[21].as<int>();
                list.append(s);
            }
            return list;
        });
    });
}

Result<QString> PgReleaseAdmin::save(const QString &releaseId, const ReleaseSettings &settings)
{
    if (!releaseId.isEmpty() && !isUuid(releaseId))
        return Error::notFound(u"No such release."_s);
    return m_session->transact(
        [&](pqxx::work &tx) -> Result<QString> {
            return keepSentences(tx, [&](pqxx::work &tx) -> Result<QString> {
                return text(tx.exec_params1("SELECT rdk.set_release($1::uuid, $2, $3::jsonb)::text", orNull(releaseId),
                                            str(settings.sku.trimmed()), settingsJson(settings).toStdString())[0]);
            });
        },
        releaseId.isEmpty() ? u"schedule release"_s : u"change release"_s);
}

Status PgReleaseAdmin::cancel(const QString &releaseId, const QString &reason)
{
    if (!isUuid(releaseId))
        return Error::notFound(u"No such release."_s);
    return m_session->transact(
        [&](pqxx::work &tx) -> Status {
            return keepSentences(tx, [&](pqxx::work &tx) -> Status {
                tx.exec_params("SELECT rdk.cancel_release($1::uuid, $2)", str(releaseId), str(reason));
                return {};
            });
        },
        reason);
}

Result<int> PgReleaseAdmin::draw(const QString &releaseId, const QString &seed)
{
    if (!isUuid(releaseId))
        return Error::notFound(u"No such release."_s);
    return m_session->transact(
        [&](pqxx::work &tx) -> Result<int> {
            return keepSentences(tx, [&](pqxx::work &tx) -> Result<int> {
                return tx.exec_params1("SELECT rdk.raffle_draw($1::uuid, $2)", str(releaseId), orNull(seed.trimmed()))[0].as<int>();
            });
        },
        u"raffle draw"_s);
}

Result<QPair<QString, QList<RaffleResult>>> PgReleaseAdmin::results(const QString &releaseId)
{
    return readRaffleResults(*m_session, releaseId, ClaimDeadlines::Read);
}

} // namespace rdk::data
