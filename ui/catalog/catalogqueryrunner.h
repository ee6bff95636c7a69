#pragma once

#include "domain/catalog.h"
#include "ui/common/uitaskrunner.h"

#include <QImage>
#include <QObject>

#include <functional>
#include <memory>
#include <type_traits>

namespace rdk {

/// Makes a CatalogReader with a database session of its own. Called once on each worker
/// thread, on that thread; a null result means "no database" (the error is reported).
using CatalogReaderFactory = std::function<Result<std::unique_ptr<CatalogReader>>()>;

/// Runs catalog list queries and thumbnail loads off the UI thread on the desk's UiTaskRunner:
/// one worker thread for queries, one for thumbnails (so a screenful of pictures never delays a keystroke's search),
/// each with its own reader. Results come back as signals on the runner's thread. A query
/// that a newer one has overtaken is skipped if it has not started, and its answer dropped
/// if it has.
class CatalogQueryRunner final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CatalogQueryRunner)

public:
    explicit CatalogQueryRunner(CatalogReaderFactory factory, QObject *parent = nullptr);
    ~CatalogQueryRunner() override;

    /// `generation` grows with each new query; pages of older generations are not run.
    void requestPage(quint64 generation, const ProductQuery &query);
    void requestThumbnail(const QString &variantId);
    void requestBrands();

    /// Runs `job(reader)` with the query lane's reader, after the queries asked before it;
    /// `done` gets its result on this object's thread while `receiver` still exists.
    template <typename Job, typename Done>
    void runWithReader(QObject *receiver, Job job, Done done)
    {
        using R = std::invoke_result_t<Job &, CatalogReader &>;
        auto readers = m_queryReader;
        m_queries->run(receiver, [readers, job = std::move(job)]() mutable -> R {
            auto reader = readers->get();
            if (!reader)
                return R(reader.error());
            return job(**reader);
        }, std::move(done));
    }

Q_SIGNALS:
    void pageReady(quint64 generation, int offset, const rdk::ProductListPage &page);
    void pageFailed(quint64 generation, const QString &message);
    void thumbnailReady(const QString &variantId, const QImage &image);
    void brandsReady(const QStringList &brands);

private:
    std::shared_ptr<LaneResource<CatalogReader>> m_queryReader;
    std::shared_ptr<LaneResource<CatalogReader>> m_thumbnailReader;
    UiTaskRunner *m_queries;
    UiTaskRunner *m_thumbnails;
    LatestRequest m_latest;
};

} // namespace rdk
