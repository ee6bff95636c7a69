#include "data/pgreleases.h"

#include "data/pgfunctionerror.h"
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
                 "SELECT release_id::text, product_id::text, sku, coalesce(array_to_string(sizes, ','), ''), "
                 "       (extract(epoch FROM release_at) * 1000)::bigint, visibility, allocation, admit_per_minute, "
                 "       limit_per_buyer, pow_bits, (extract(epoch FROM queue_opens_at) * 1000)::bigint, "
                 "       (extract(epoch FROM entries_close_at) * 1000)::bigint, (extract(epoch FROM drawn_at) * 1000)::bigint, "
                 "       encode(secret, 'hex'), timezone "
                 "  FROM rdk.storefront_releases()")) {
            Release rel;
            rel.id = text(r[0]);
            rel.productId = text(r[1]);
            rel.sku = text(r[2]);
            rel.sizes = text(r[3]).split(u',', Qt::SkipEmptyParts);
            rel.releaseAt = fromMillis(r[4]);
            rel.visibility = releaseVisibilityFromString(text(r[5])).value_or(ReleaseVisibility::ComingSoon);
            rel.allocation = releaseAllocationFromString(text(r[6])).value_or(ReleaseAllocation::Queue);
            rel.admitPerMinute = r[7].as<int>();
            rel.limitPerBuyer = r[8].as<int>();
            rel.powBits = r[9].as<int>();
            rel.queueOpensAt = fromMillis(r[10]);
            rel.entriesCloseAt = fromMillis(r[11]);
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

Result<QPair<QString, QList<RaffleResult>>> readRaffleResults(PgSession &session, const QString &releaseId)
{
    if (!isUuid(releaseId))
        return noSuchRelease();
    return session.transact([&](pqxx::work &tx) -> Result<QPair<QString, QList<RaffleResult>>> {
        return keepSentences(tx, [&](pqxx::work &tx) -> Result<QPair<QString, QList<RaffleResult>>> {
            QPair<QString, QList<RaffleResult>> out;
            for (const auto &r : tx.exec_params("SELECT email_hash, coalesce(size, ''), coalesce(draw_rank, 0), state, "
                                                "coalesce(draw_key, ''), coalesce(seed, '') FROM rdk.raffle_results($1::uuid)",
                                                str(releaseId))) {
                out.first = text(r[5]);
                out.second.append(RaffleResult{text(r[0]), text(r[1]), r[2].as<int>(),
                                               raffleEntryStateFromString(text(r[3])).value_or(RaffleEntryState::Entered), text(r[4])});
            }
            return out;
        });
    });
}

} // namespace rdk::data
