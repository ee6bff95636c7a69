#pragma once

// Drop day in rdk-sync (issue 15, ADR 0030): the waiting room, its proof of work and tickets,
// the raffle's pages, the release-time cache purge, and the ticket check at checkout. Routes
// are registered by SyncServer::addDropRoutes (one call in addRoutes); the handlers run on the
// server's worker pool like every other route.

#include "domain/checkout.h"
#include "domain/proofofwork.h"
#include "domain/release.h"
#include "domain/result.h"
#include "domain/storefront.h"
#include "sync/queueboard.h"
#include "sync/storefront/storefrontpages.h"

#include <QDateTime>
#include <QHash>
#include <QHttpServer>
#include <QMap>
#include <QMutex>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <atomic>
#include <optional>
#include <variant>

namespace rdk::sync {

class SyncServer;
struct RequestInfo;

class DropRoutes final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DropRoutes)

public:
    /// Lives on the server's thread and is owned by `server`, which outlives it.
    explicit DropRoutes(SyncServer &server);
    ~DropRoutes() override;

    void addRoutes(QHttpServer &http);
    /// Starts the once-a-second refresh (releases, queue counts) and the release-time purges.
    void start();
    void stop();

    /// What a product's page shows for its release (nothing when it has none).
    ProductPageExtras productExtras(const StorefrontProduct &product) const;
    /// Product id -> "Drops Sat 12 Dec, 10:00" for the catalog's cards of coming releases.
    QHash<QString, QString> catalogBadges() const;
    /// The passes a checkout needs for release lines: the shopper's admitted waiting-room ticket
    /// (from the request's cookie). Forbidden with a sentence when the turn hasn't come.
    Status attachPasses(CheckoutRequest &cart, const QByteArray &cookieHeader) const;

    /// This process's name in rdk.queue_publish (host, pid and start time).
    const QString &processName() const { return m_process; }

private:
    std::optional<Release> releaseForSku(const QString &rawSku) const;
    std::optional<Release> releaseById(const QString &id) const;

    QHttpServerResponse challenge(const RequestInfo &info, const QString &sku);
    QHttpServerResponse join(const RequestInfo &info, const QString &sku);
    QHttpServerResponse room(const RequestInfo &info, const QString &sku);
    QHttpServerResponse status(const RequestInfo &info, const QString &sku);
    QHttpServerResponse enter(const RequestInfo &info, const QString &sku);
    QHttpServerResponse entered(const RequestInfo &info, const QString &sku);
    QHttpServerResponse claim(const RequestInfo &info, const QString &sku, const QString &code);
    QHttpServerResponse payClaim(const RequestInfo &info, const QString &sku, const QString &code);

    /// The raffle entry a claim link names, its code and product checked; or the page that says
    /// why there is none (404, or 503 when the database can't be asked).
    struct FoundClaim {
        QString code;
        QString sku;
        RaffleClaim entry;
    };
    std::variant<FoundClaim, QHttpServerResponse> findClaim(const RequestInfo &info, const QString &sku, const QString &rawCode);

    /// A refused join or entry: the page again with the sentence, as 400.
    QHttpServerResponse refusedJoin(const RequestInfo &info, const Release &release, const QString &sentence);
    /// The proof of work and honeypot of a posted form; an empty string when they pass.
    QString checkProof(const Release &release, const QUrlQuery &form, qint64 nowSecs);
    /// The shopper's valid ticket of `release`, if the request carries one.
    std::optional<QByteArray> ticketOf(const Release &release, const QByteArray &cookieHeader, qint64 *joinedAtMs = nullptr) const;

    /// Runs on the pool once a second: reads the releases, publishes this process's counts and
    /// reads back every process's. Then (on the server's thread) arms the purges.
    void refresh();
    /// Keeps `releases` as this process's list; returns the cache tags of releases that are new,
    /// changed or gone (their pages must be rendered again).
    QSet<QString> takeReleases(const QList<Release> &releases);
    /// Re-reads the releases' product names and sizes for the drop pages.
    void readProductNames(const QList<Release> &releases);
    /// Publishes this process's new tickets and reads back every process's counts.
    void exchangeQueueCounts(const QList<Release> &releases);
    void armPurge();
    void purgeDue();

    SyncServer &m_server;
    QString m_process;
    QueueBoard m_board;
    UsedChallenges m_used;

    mutable QMutex m_mutex;
    QHash<QString, Release> m_releases;      // by id
    QHash<QString, QString> m_releaseBySku;  // normalised SKU -> id
    QHash<QString, QString> m_names;         // release id -> product name (for the drop pages)
    QHash<QString, QStringList> m_sizes;     // release id -> the product's sizes
    bool m_loaded = false;

    QTimer m_refreshTimer;
    std::atomic_bool m_refreshing{false};
    std::atomic_bool m_stopped{false};
    int m_ticks = 0;
    QTimer m_purgeTimer;
    QMap<qint64, QSet<QString>> m_purges;    // unix ms -> cache tags to drop then (server thread only)
    qint64 m_purgedUpTo = 0;                 // instants up to here are done (server thread only)
};

} // namespace rdk::sync
