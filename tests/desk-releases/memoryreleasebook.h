#pragma once

// An in-memory ReleaseBook for the Releases window's tests and pictures: a shelf of products
// and releases shared by every book made from it (each UiTaskRunner job gets its own book, as
// with the database), with a sentence to refuse the next save, cancel or draw with, and the
// calls counted. It does not draw: the entries' outcomes are what the test puts in `results`
// (the real draw is the database's, tested in tests/releases and in tst_desk_releases_db).

#include "domain/releasebook.h"

#include <QHash>
#include <QMutex>
#include <QThread>
#include <QUuid>

#include <memory>

namespace rdk::test {

struct ReleaseShelf final {
    QMutex mutex;
    QHash<QString, ReleaseProduct> products;   ///< by SKU
    QList<ReleaseSummary> releases;
    QHash<QString, QList<RaffleResult>> results;      ///< by release id
    QString refuseNext;                               ///< the next save/cancel/draw answers with this sentence
    QList<QPair<QString, ReleaseSettings>> saved;     ///< (release id, settings) as sent
    QStringList canceledReasons;
    QHash<QString, QString> seeds;                    ///< recorded seeds by release id
    int reads = 0;
    int draws = 0;
    QThread *uiThread = nullptr;                      ///< calls on it are counted here: there must be none
    int callsOnUiThread = 0;

    void addProduct(const QString &sku, const QString &name, const QStringList &sizes)
    {
        products.insert(sku, ReleaseProduct{QUuid::createUuid().toString(QUuid::WithoutBraces), sku, name, sizes});
    }
};

class MemoryReleaseBook final : public ReleaseBook {
public:
    explicit MemoryReleaseBook(std::shared_ptr<ReleaseShelf> shelf) : m_shelf(std::move(shelf)) {}

    static ReleaseBookFactory factory(std::shared_ptr<ReleaseShelf> shelf)
    {
        return [shelf]() -> Result<std::unique_ptr<ReleaseBook>> { return std::unique_ptr<ReleaseBook>(new MemoryReleaseBook(shelf)); };
    }

    Result<QList<ReleaseSummary>> overview() override
    {
        QMutexLocker lock(&m_shelf->mutex);
        note();
        ++m_shelf->reads;
        return m_shelf->releases;
    }

    Result<ReleaseProduct> product(const QString &sku) override
    {
        QMutexLocker lock(&m_shelf->mutex);
        note();
        const QString key = sku.trimmed().toUpper();
        if (!m_shelf->products.contains(key))
            return Error::notFound(QStringLiteral("No product with SKU %1.").arg(key));
        return m_shelf->products.value(key);
    }

    Result<QString> save(const QString &releaseId, const ReleaseSettings &settings) override
    {
        QMutexLocker lock(&m_shelf->mutex);
        note();
        if (auto refused = takeRefusal())
            return *refused;
        const QString key = settings.sku.trimmed().toUpper();
        if (!m_shelf->products.contains(key))
            return Error::notFound(QStringLiteral("No product with SKU %1.").arg(key));
        m_shelf->saved.append({releaseId, settings});
        const ReleaseProduct product = m_shelf->products.value(key);
        ReleaseSummary *r = nullptr;
        for (auto &existing : m_shelf->releases)
            if (existing.id == releaseId)
                r = &existing;
        if (!r) {
            m_shelf->releases.prepend(ReleaseSummary{});
            r = &m_shelf->releases.first();
            r->id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        }
        r->sku = product.sku;
        r->productName = product.name;
        r->sizes = settings.sizes;
        r->releaseAt = settings.releaseAt;
        r->visibility = settings.visibility;
        r->allocation = settings.allocation;
        r->admitPerMinute = settings.admitPerMinute.value_or(DefaultAdmitPerMinute);
        r->limitPerBuyer = settings.limitPerBuyer.value_or(1);
        r->powBits = settings.powBits.value_or(DefaultProofOfWorkBits);
        r->queueOpensAt = settings.queueOpensAt.isValid() ? settings.queueOpensAt : defaultQueueOpensAt(settings.releaseAt);
        r->entriesCloseAt = settings.entriesCloseAt;
        r->claimHours = settings.claimHours.value_or(0);
        return r->id;
    }

    Status cancel(const QString &releaseId, const QString &reason) override
    {
        QMutexLocker lock(&m_shelf->mutex);
        note();
        if (auto refused = takeRefusal())
            return *refused;
        for (auto &r : m_shelf->releases) {
            if (r.id == releaseId) {
                r.canceledAt = QDateTime::currentDateTimeUtc();
                m_shelf->canceledReasons.append(reason);
                return {};
            }
        }
        return Error::notFound(QStringLiteral("No such release."));
    }

    /// Marks the release drawn; the entries' outcomes are whatever the test put in `results`.
    Result<int> draw(const QString &releaseId, const QString &seed) override
    {
        QMutexLocker lock(&m_shelf->mutex);
        note();
        ++m_shelf->draws;
        if (auto refused = takeRefusal())
            return *refused;
        for (auto &r : m_shelf->releases) {
            if (r.id != releaseId)
                continue;
            m_shelf->seeds[releaseId] = seed.isEmpty() ? QStringLiteral("5eed").repeated(16) : seed;
            r.drawnAt = QDateTime::currentDateTimeUtc();
            int won = 0;
            for (const auto &row : std::as_const(m_shelf->results[releaseId]))
                won += row.state == RaffleEntryState::Won ? 1 : 0;
            r.won = won;
            return won;
        }
        return Error::notFound(QStringLiteral("No such release."));
    }

    Result<QPair<QString, QList<RaffleResult>>> results(const QString &releaseId) override
    {
        QMutexLocker lock(&m_shelf->mutex);
        note();
        return QPair<QString, QList<RaffleResult>>(m_shelf->seeds.value(releaseId), m_shelf->results.value(releaseId));
    }

private:
    void note()
    {
        if (m_shelf->uiThread && QThread::currentThread() == m_shelf->uiThread)
            ++m_shelf->callsOnUiThread;
    }

    std::optional<Error> takeRefusal()
    {
        if (m_shelf->refuseNext.isEmpty())
            return std::nullopt;
        Error e = Error::invalid(m_shelf->refuseNext);
        m_shelf->refuseNext.clear();
        return e;
    }

    std::shared_ptr<ReleaseShelf> m_shelf;
};

} // namespace rdk::test
