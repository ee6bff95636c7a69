#include "ui/catalog/catalogqueryrunner.h"

using namespace Qt::Literals::StringLiterals;

namespace rdk {

CatalogQueryRunner::CatalogQueryRunner(CatalogReaderFactory factory, QObject *parent)
    : QObject(parent),
      m_queryReader(std::make_shared<LaneResource<CatalogReader>>(factory)),
      m_thumbnailReader(std::make_shared<LaneResource<CatalogReader>>(factory)),
      m_queries(new UiTaskRunner(UiTaskRunner::Options{u"catalog-queries"_s}, this)),
      m_thumbnails(new UiTaskRunner(UiTaskRunner::Options{u"catalog-thumbnails"_s}, this))
{
}

CatalogQueryRunner::~CatalogQueryRunner() = default;

void CatalogQueryRunner::requestPage(quint64 generation, const ProductQuery &query)
{
    auto readers = m_queryReader;
    m_queries->run(this, m_latest.ticket(generation), [readers, query]() -> Result<ProductListPage> {
        auto reader = readers->get();
        if (!reader)
            return Error::unavailable(reader.error().message);
        return (*reader)->listRows(query);
    }, [this, generation, offset = query.offset](const Result<ProductListPage> &page) {
        if (page.ok())
            Q_EMIT pageReady(generation, offset, page.value());
        else
            Q_EMIT pageFailed(generation, page.error().message);
    });
}

void CatalogQueryRunner::requestThumbnail(const QString &variantId)
{
    auto readers = m_thumbnailReader;
    m_thumbnails->run(this, [readers, variantId]() -> Result<QImage> {
        auto reader = readers->get();
        if (!reader)
            return reader.error();
        Result<QByteArray> bytes = (*reader)->thumbnail(variantId);
        QImage image;
        if (bytes.ok() && !bytes->isEmpty()) {
            image = QImage::fromData(bytes.value());
            if (!image.isNull())
                image = image.scaled(96, 96, Qt::KeepAspectRatio, Qt::SmoothTransformation);
        }
        return image;
    }, [this, variantId](const Result<QImage> &image) {
        if (image.ok())
            Q_EMIT thumbnailReady(variantId, image.value());
    });
}

void CatalogQueryRunner::requestBrands()
{
    auto readers = m_thumbnailReader;
    m_thumbnails->run(this, [readers]() -> Result<QStringList> {
        auto reader = readers->get();
        if (!reader)
            return reader.error();
        return (*reader)->brands();
    }, [this](const Result<QStringList> &brands) {
        if (brands.ok())
            Q_EMIT brandsReady(brands.value());
    });
}

} // namespace rdk
