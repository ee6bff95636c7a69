#include "data/pgreleases.h"

#include "data/pgfunctionerror.h"
#include "data/pgreleaserows.h"
#include "data/pgsessionpqxx.h"
#include "data/pgvalues.h"

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

Error noSuchRelease()
{
    return Error::notFound(u"No such release."_s);
}

} // namespace

Result<QList<Release>> PgReleases::storefrontReleases()
{
    return m_session.transact([&](pqxx::work &tx) -> Result<QList<Release>> {
        QList<Release> releases;
        for (const auto &r : tx.exec(
                 std::string("SELECT release_id::text, product_id::text, sku, ") + kReleaseScheduleColumns +
                 ", (extract(epoch FROM drawn_at) * 1000)::bigint, encode(secret, 'hex'), timezone "
                 "  FROM rdk.storefront_releases()")) {
            Release rel;
            rel.id = text(r[0]);
            rel.productId = text(r[1]);
            rel.sku = text(r[2]);
            readReleaseSchedule(r, 3, rel);
            rel.drawnAt = fromMillis(r[12]);
            rel.secret = QByteArray::fromHex(text(r[13]).toLatin1());
            rel.timeZone = text(r[14]);
            releases.append(rel);
        }
        return releases;
    });
}

Status PgReleases::publishQueue(const QString &releaseId, const QString &process, const QMap<qint64, int> &countsByBucketMs)
{
    if (!isUuid(releaseId))
        return noSuchRelease();
    QJsonObject counts;
    for (auto it = countsByBucketMs.cbegin(); it != countsByBucketMs.cend(); ++it)
        counts.insert(QString::number(it.key()), it.value());
    return m_session.transact([&](pqxx::work &tx) -> Status {
        return keepSentences(tx, [&](pqxx::work &tx) -> Status {
            tx.exec_params("SELECT rdk.queue_publish($1::uuid, $2, $3::jsonb)", str(releaseId), str(process),
                           QJsonDocument(counts).toJson(QJsonDocument::Compact).toStdString());
            return {};
        });
    });
}

Result<QList<QPair<qint64, qint64>>> PgReleases::queueCounts(const QString &releaseId)
{
    if (!isUuid(releaseId))
        return noSuchRelease();
    return m_session.transact([&](pqxx::work &tx) -> Result<QList<QPair<qint64, qint64>>> {
        return keepSentences(tx, [&](pqxx::work &tx) -> Result<QList<QPair<qint64, qint64>>> {
            QList<QPair<qint64, qint64>> buckets;
            for (const auto &r : tx.exec_params("SELECT bucket_ms, count FROM rdk.queue_counts($1::uuid)", str(releaseId)))
                buckets.append({r[0].as<qint64>(), r[1].as<qint64>()});
            return buckets;
        });
    });
}

Result<qint64> PgReleases::enterRaffle(const QString &releaseId, const QString &email, const QString &size)
{
    if (!isUuid(releaseId))
        return noSuchRelease();
    return m_session.transact([&](pqxx::work &tx) -> Result<qint64> {
        return keepSentences(tx, [&](pqxx::work &tx) -> Result<qint64> {
            return tx.exec_params1("SELECT rdk.raffle_enter($1::uuid, $2, $3)", str(releaseId), str(email.left(320)),
                                   orNull(size.left(10)))[0]
                .as<qint64>();
        });
    });
}

Result<std::optional<RaffleClaim>> PgReleases::claimStatus(const QString &claimCode)
{
    if (!isUuid(claimCode))
        return std::optional<RaffleClaim>();
    return m_session.transact([&](pqxx::work &tx) -> Result<std::optional<RaffleClaim>> {
        const auto rows = tx.exec_params("SELECT state, coalesce(size, ''), (extract(epoch FROM deadline) * 1000)::bigint, "
                                         "product_name, sku, release_id::text, timezone FROM rdk.raffle_claim_status($1::uuid)",
                                         str(claimCode));
        if (rows.empty())
            return std::optional<RaffleClaim>();
        RaffleClaim claim;
        claim.state = raffleEntryStateFromString(text(rows[0][0])).value_or(RaffleEntryState::Lost);
        claim.size = text(rows[0][1]);
        claim.deadline = fromMillis(rows[0][2]);
        claim.productName = text(rows[0][3]);
        claim.sku = text(rows[0][4]);
        claim.releaseId = text(rows[0][5]);
        claim.timeZone = text(rows[0][6]);
        return std::optional<RaffleClaim>(claim);
    });
}

Result<int> PgReleases::sweep()
{
    return m_session.transact([&](pqxx::work &tx) -> Result<int> { return tx.exec1("SELECT rdk.release_sweep()")[0].as<int>(); });
}

Result<QPair<QString, QList<RaffleResult>>> PgReleases::results(const QString &releaseId)
{
    return readRaffleResults(m_session, releaseId);
}

Result<std::optional<RaffleRecord>> readRaffleRecord(PgSession &session, const QString &releaseId)
{
    if (!isUuid(releaseId))
        return std::optional<RaffleRecord>();
    return session.transact([&](pqxx::work &tx) -> Result<std::optional<RaffleRecord>> {
        const auto release = tx.exec_params("SELECT coalesce(draw_seed, ''), coalesce(draw_stock, '{}')::text FROM releases "
                                            "WHERE id = $1::uuid",
                                            str(releaseId));
        if (release.empty())
            return std::optional<RaffleRecord>();
        RaffleRecord record;
        record.releaseId = releaseId;
        record.seed = text(release[0][0]);
        const QJsonObject stock = QJsonDocument::fromJson(QByteArray::fromStdString(release[0][1].as<std::string>())).object();
        for (auto it = stock.constBegin(); it != stock.constEnd(); ++it)
            record.stock.append({it.key(), it.value().toInt()});
        for (const auto &r : tx.exec_params("SELECT id, email_key, coalesce(size, ''), coalesce(draw_rank, 0), coalesce(won_at_draw, false) "
                                            "FROM raffle_entries WHERE release_id = $1::uuid ORDER BY id",
                                            str(releaseId)))
            record.entries.append(RaffleRecordEntry{r[0].as<qint64>(), text(r[1]), text(r[2]), r[3].as<int>(), r[4].as<bool>()});
        return std::optional<RaffleRecord>(record);
    });
}

Result<QPair<QString, QList<RaffleResult>>> readRaffleResults(PgSession &session, const QString &releaseId,
                                                              ClaimDeadlines deadlines)
{
    if (!isUuid(releaseId))
        return noSuchRelease();
    // An entry's draw key (sha256 of seed and e-mail key) names it within its raffle, so the
    // staff's read finds its deadline without the e-mail key ever leaving the function.
    const char *sql = deadlines == ClaimDeadlines::Read
                          ? "SELECT r.email_hash, coalesce(r.size, ''), coalesce(r.draw_rank, 0), r.state, coalesce(r.draw_key, ''), "
                            "       coalesce(r.seed, ''), (extract(epoch FROM e.claim_deadline) * 1000)::bigint "
                            "  FROM rdk.raffle_results($1::uuid) WITH ORDINALITY AS r "
                            "  LEFT JOIN raffle_entries e ON e.release_id = $1::uuid AND e.draw_key = r.draw_key "
                            " ORDER BY r.ordinality"
                          : "SELECT email_hash, coalesce(size, ''), coalesce(draw_rank, 0), state, coalesce(draw_key, ''), "
                            "       coalesce(seed, ''), NULL::bigint FROM rdk.raffle_results($1::uuid)";
    return session.transact([&](pqxx::work &tx) -> Result<QPair<QString, QList<RaffleResult>>> {
        return keepSentences(tx, [&](pqxx::work &tx) -> Result<QPair<QString, QList<RaffleResult>>> {
            QPair<QString, QList<RaffleResult>> out;
            for (const auto &r : tx.exec_params(sql, str(releaseId))) {
                out.first = text(r[5]);
                out.second.append(RaffleResult{text(r[0]), text(r[1]), r[2].as<int>(),
                                               raffleEntryStateFromString(text(r[3])).value_or(RaffleEntryState::Entered), text(r[4]),
                                               fromMillis(r[6])});
            }
            return out;
        });
    });
}

} // namespace rdk::data
