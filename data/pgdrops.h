#pragma once

// rdk-sync's calls into the release SQL API (issue 15, module releases.sql) for its waiting
// room and raffle pages: each is one SECURITY DEFINER function granted to rdk_sync only.

#include "data/pgsession.h"
#include "domain/result.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace rdk::data {

/// A release as rdk.storefront_releases() gives it to its shop's rdk-sync.
struct DropRelease final {
    QString id;
    QString productId;
    QString sku;
    QStringList sizes;      ///< empty: every size of the product
    QDateTime releaseAt;
    bool hidden = false;    ///< visibility 'hidden' (else 'coming_soon')
    bool raffle = false;    ///< allocation 'raffle' (else 'queue')
    int admitPerMinute = 60;
    int limitPerBuyer = 1;
    int powBits = 18;
    QDateTime queueOpensAt;
    QDateTime entriesCloseAt;
    QDateTime drawnAt;
    QByteArray secret;      ///< never logged, never sent to a browser
    QString timeZone;

    bool covers(const QString &size) const { return sizes.isEmpty() || sizes.contains(size); }
};

/// A raffle entry behind a claim link (rdk.raffle_claim_status).
struct DropClaim final {
    QString state;
    QString size;
    QDateTime deadline;
    QString productName;
    QString sku;
    QString releaseId;
    QString timeZone;
};

class PgDrops final {
public:
    explicit PgDrops(PgSession &session) : m_session(session) {}

    Result<QList<DropRelease>> releases();
    /// Replaces this process's ticket counts (bucket start in unix ms -> tickets).
    Status publishQueue(const QString &releaseId, const QString &process, const QMap<qint64, qint64> &counts);
    /// Every process's counts, summed per bucket.
    Result<QMap<qint64, qint64>> queueCounts(const QString &releaseId);
    /// One raffle entry; the database's sentence when refused (already entered, window, size).
    Result<qint64> raffleEnter(const QString &releaseId, const QString &email, const QString &size);
    Result<std::optional<DropClaim>> claimStatus(const QString &code);
    /// Passes lapsed raffle wins on; how many entries moved.
    Result<int> sweep();

private:
    PgSession &m_session;
};

} // namespace rdk::data
