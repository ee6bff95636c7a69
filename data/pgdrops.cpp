#include "data/pgdrops.h"

#include "data/pgfunctionerror.h"
#include "data/pgsessionpqxx.h"
#include "data/pgvalues.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::Literals::StringLiterals;

namespace rdk::data {
namespace {

constexpr const char *kMillis = "(extract(epoch from %1) * 1000)::bigint";

std::string millis(const char *column)
{
    return QString::fromLatin1(kMillis).arg(QLatin1StringView(column)).toStdString();
}

} // namespace

Result<QList<DropRelease>> PgDrops::releases()
{
    return m_session.transact([&](pqxx::work &tx) -> Result<QList<DropRelease>> {
        return keepSentences(tx, [&](pqxx::work &tx) -> Result<QList<DropRelease>> {
            const pqxx::result rows = tx.exec(
                "SELECT release_id::text, product_id::text, sku, coalesce(array_to_string(sizes, ','), ''), "
                + millis("release_at") + ", visibility, allocation, admit_per_minute, limit_per_buyer, pow_bits, "
                + millis("queue_opens_at") + ", " + millis("entries_close_at") + ", " + millis("drawn_at")
                + ", encode(secret, 'hex'), timezone FROM rdk.storefront_releases()");
            QList<DropRelease> out;
            for (const pqxx::row &r : rows) {
                DropRelease d;
                d.id = text(r[0]);
                d.productId = text(r[1]);
                d.sku = text(r[2]);
                d.sizes = text(r[3]).split(u',', Qt::SkipEmptyParts);
                d.releaseAt = fromMillis(r[4]);
                d.hidden = text(r[5]) == u"hidden"_s;
                d.raffle = text(r[6]) == u"raffle"_s;
                d.admitPerMinute = r[7].as<int>();
                d.limitPerBuyer = r[8].as<int>();
                d.powBits = r[9].as<int>();
                d.queueOpensAt = fromMillis(r[10]);
                d.entriesCloseAt = fromMillis(r[11]);
                d.drawnAt = fromMillis(r[12]);
                d.secret = QByteArray::fromHex(text(r[13]).toLatin1());
                d.timeZone = text(r[14]);
                out.append(d);
            }
            return out;
        });
    });
}

Status PgDrops::publishQueue(const QString &releaseId, const QString &process, const QMap<qint64, qint64> &counts)
{
    QJsonObject object;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        object.insert(QString::number(it.key()), it.value());
    const std::string json = QJsonDocument(object).toJson(QJsonDocument::Compact).toStdString();
    return m_session.transact([&](pqxx::work &tx) -> Status {
        return keepSentences(tx, [&](pqxx::work &tx) -> Status {
            tx.exec_params("SELECT rdk.queue_publish($1::uuid, $2, $3::jsonb)", str(releaseId), str(process.left(200)), json);
            return {};
        });
    });
}

Result<QMap<qint64, qint64>> PgDrops::queueCounts(const QString &releaseId)
{
    return m_session.transact([&](pqxx::work &tx) -> Result<QMap<qint64, qint64>> {
        return keepSentences(tx, [&](pqxx::work &tx) -> Result<QMap<qint64, qint64>> {
            QMap<qint64, qint64> out;
            for (const pqxx::row &r : tx.exec_params("SELECT bucket_ms, count FROM rdk.queue_counts($1::uuid)", str(releaseId)))
                out.insert(r[0].as<qint64>(), r[1].as<qint64>());
            return out;
        });
    });
}

Result<qint64> PgDrops::raffleEnter(const QString &releaseId, const QString &email, const QString &size)
{
    return m_session.transact([&](pqxx::work &tx) -> Result<qint64> {
        return keepSentences(tx, [&](pqxx::work &tx) -> Result<qint64> {
            return tx.exec_params1("SELECT rdk.raffle_enter($1::uuid, $2, $3)", str(releaseId), str(email.left(254)),
                                   orNull(size.left(10)))[0]
                .as<qint64>();
        });
    });
}

Result<std::optional<DropClaim>> PgDrops::claimStatus(const QString &code)
{
    return m_session.transact([&](pqxx::work &tx) -> Result<std::optional<DropClaim>> {
        return keepSentences(tx, [&](pqxx::work &tx) -> Result<std::optional<DropClaim>> {
            const pqxx::result rows = tx.exec_params(
                "SELECT state, coalesce(size, ''), " + millis("deadline") + ", product_name, sku, release_id::text, timezone "
                "FROM rdk.raffle_claim_status($1::uuid)",
                str(code));
            if (rows.empty())
                return std::optional<DropClaim>();
            const pqxx::row &r = rows[0];
            return std::optional<DropClaim>(DropClaim{text(r[0]), text(r[1]), fromMillis(r[2]), text(r[3]), text(r[4]),
                                                      text(r[5]), text(r[6])});
        });
    });
}

Result<int> PgDrops::sweep()
{
    return m_session.transact([&](pqxx::work &tx) -> Result<int> {
        return keepSentences(tx, [&](pqxx::work &tx) -> Result<int> {
            return tx.exec1("SELECT rdk.release_sweep()")[0].as<int>();
        });
    });
}

} // namespace rdk::data
