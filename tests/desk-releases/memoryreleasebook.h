#pragma once

// An in-memory ReleaseBook for the Releases window's tests and pictures: a shelf of products
// and releases shared by every book made from it (each UiTaskRunner job gets its own book, as
// with the database), with a sentence to refuse the next save, cancel or draw with, and the
// calls counted. Its draw is the documented one in spirit only (entries in the order given):
// the real draw is the database's, tested in tests/releases and in tst_desk_releases_db.

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
    QHash<QString, QList<RaffleResultRow>> results;   ///< by release id
    QString refuseNext;                               ///< the next save/cancel/draw answers with this sentence
    QList<ReleaseDraft> saved;
    QStringList canceledReasons;
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

    Result<QList<ReleaseSummary>> releases() override
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

    Result<QString> save(const ReleaseDraft &draft) override
    {
        QMutexLocker lock(&m_shelf->mutex);
        note();
        if (auto refused = takeRefusal())
            return *refused;
        const QString key = draft.sku.trimmed().toUpper();
        if (!m_shelf->products.contains(key))
            return Error::notFound(QStringLiteral("No product with SKU %1.").arg(key));
        m_shelf->saved.append(draft);
        const ReleaseProduct product = m_shelf->products.value(key);
        ReleaseSummary *r = nullptr;
        for (auto &existing : m_shelf->releases)
            if (existing.id == draft.id)
                r = &existing;
        if (!r) {
            m_shelf->releases.prepend(ReleaseSummary{});
            r = &m_shelf->releases.first();
            r->id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        }
        r->productId = product.productId;
        r->sku = product.sku;
        r->productName = product.name;
        r->allSizes = draft.allSizes;
        r->sizes = draft.sizes;
        r->releaseAt = draft.releaseAt;
        r->visibility = draft.visibility;
        r->allocation = draft.allocation;
        r->admitPerMinute = draft.admitPerMinute;
        r->limitPerBuyer = draft.limitPerBuyer;
        r->powBits = draft.powBits;
        r->queueOpensAt = draft.queueOpensAt.isValid() ? draft.queueOpensAt : defaultQueueOpensAt(draft.releaseAt);
        r->entriesCloseAt = draft.entriesCloseAt;
        r->claimHours = draft.claimHours;
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
        return Error::notFound(QStringLiteral("The release no longer exists."));
    }

    Result<RaffleDrawOutcome> draw(const QString &releaseId) override
    {
        QMutexLocker lock(&m_shelf->mutex);
        note();
        ++m_shelf->draws;
        if (auto refused = takeRefusal())
            return *refused;
        for (auto &r : m_shelf->releases) {
            if (r.id != releaseId)
                continue;
            r.drawSeed = QStringLiteral("5eed").repeated(16);
            r.drawnAt = QDateTime::currentDateTimeUtc();
            r.drawnBy = QStringLiteral("ops_login");
            RaffleDrawOutcome out{r.drawSeed, 0, 0, r.drawnAt};
            for (auto &row : m_shelf->results[releaseId]) {
                if (row.stage == RaffleEntryStage::Won)
                    ++out.won;
                else
                    ++out.lost;
            }
            r.won = out.won;
            return out;
        }
        return Error::notFound(QStringLiteral("The release no longer exists."));
    }

    Result<QList<RaffleResultRow>> results(const QString &releaseId) override
    {
        QMutexLocker lock(&m_shelf->mutex);
        note();
        return m_shelf->results.value(releaseId);
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
