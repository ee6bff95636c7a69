#include "ui/catalog/catalogqueryrunner.h"

#include <QPointer>
#include <QThread>

using namespace Qt::Literals::StringLiterals;

namespace rdk {

/// A thread plus the reader that lives (and dies) on it. `context` belongs to the thread,
/// so functors posted to it run there; the reader is created on first use, on that thread.
struct CatalogQueryRunner::Worker {
    explicit Worker(CatalogReaderFactory f) : factory(std::move(f))
    {
        context = new QObject;
        context->moveToThread(&thread);
        QObject::connect(&thread, &QThread::finished, context, [this] {
            reader.reset();  // close the connection on its own thread
            delete context;
        });
        thread.start();
    }

    ~Worker()
    {
        thread.quit();
        thread.wait();
    }

    /// The reader of this thread, made on first use; null (with `error`) when it can't be.
    CatalogReader *ensureReader(QString *error)
    {
        if (!reader) {
            auto made = factory();
            if (!made) {
                *error = made.error().message;
                return nullptr;
            }
            reader = std::move(made).value();
        }
        return reader.get();
    }

    CatalogReaderFactory factory;
    QThread thread;
    QObject *context = nullptr;
    std::unique_ptr<CatalogReader> reader;
};

CatalogQueryRunner::CatalogQueryRunner(CatalogReaderFactory factory, QObject *parent)
    : QObject(parent),
      m_queries(std::make_unique<Worker>(factory)),
      m_thumbnails(std::make_unique<Worker>(factory)),
      m_latest(std::make_shared<std::atomic<quint64>>(0))
{
    m_queries->thread.setObjectName(u"catalog-queries"_s);
    m_thumbnails->thread.setObjectName(u"catalog-thumbnails"_s);
}

CatalogQueryRunner::~CatalogQueryRunner() = default;

void CatalogQueryRunner::requestPage(quint64 generation, const ProductQuery &query)
{
    quint64 seen = m_latest->load();
    while (seen < generation && !m_latest->compare_exchange_weak(seen, generation)) {
    }
    QPointer<CatalogQueryRunner> self(this);
    Worker *worker = m_queries.get();
    auto latest = m_latest;
    QMetaObject::invokeMethod(worker->context, [=] {
        if (generation < latest->load())
            return;  // overtaken by a newer keystroke before it started
        QString error;
        CatalogReader *reader = worker->ensureReader(&error);
        Result<ProductListPage> page = reader ? reader->listRows(query) : Result<ProductListPage>(Error::unavailable(error));
        QMetaObject::invokeMethod(self, [=] {
            if (!self)
                return;
            if (page.ok())
                Q_EMIT self->pageReady(generation, query.offset, page.value());
            else
                Q_EMIT self->pageFailed(generation, page.error().message);
        });
    });
}

void CatalogQueryRunner::requestThumbnail(const QString &variantId)
{
    QPointer<CatalogQueryRunner> self(this);
    Worker *worker = m_thumbnails.get();
    QMetaObject::invokeMethod(worker->context, [=] {
        QString error;
        CatalogReader *reader = worker->ensureReader(&error);
        if (!reader)
            return;
        Result<QByteArray> bytes = reader->thumbnail(variantId);
        QImage image;
        if (bytes.ok() && !bytes->isEmpty()) {
            image = QImage::fromData(bytes.value());
            if (!image.isNull())
                image = image.scaled(96, 96, Qt::KeepAspectRatio, Qt::SmoothTransformation);
        }
        QMetaObject::invokeMethod(self, [=] {
            if (self)
                Q_EMIT self->thumbnailReady(variantId, image);
        });
    });
}

void CatalogQueryRunner::requestBrands()
{
    QPointer<CatalogQueryRunner> self(this);
    Worker *worker = m_thumbnails.get();
    QMetaObject::invokeMethod(worker->context, [=] {
        QString error;
        CatalogReader *reader = worker->ensureReader(&error);
        if (!reader)
            return;
        Result<QStringList> brands = reader->brands();
        if (!brands)
            return;
        const QStringList list = brands.value();
        QMetaObject::invokeMethod(self, [=] {
            if (self)
                Q_EMIT self->brandsReady(list);
        });
    });
}

} // namespace rdk
