#pragma once

#include "data/media/imagepipeline.h"
#include "data/pgsession.h"
#include "domain/imagelibrary.h"

#include <memory>

namespace rdk::data {

/// Product photos on the image pipeline and PostgreSQL storage (PgImageStore). Staff sessions
/// work on their own shop; `tenantId` scopes owner connections (tools, tests).
class PgImageLibrary final : public ImageLibrary {
public:
    explicit PgImageLibrary(PgSession &session, QString tenantId = {}, ImageLimits limits = {});
    /// Owns its session (one opened for a worker thread).
    PgImageLibrary(std::unique_ptr<PgSession> owned, QString tenantId = {});
    /// A library with its own connection, for a worker thread.
    static Result<std::unique_ptr<ImageLibrary>> open(const std::string &connectionString, QString tenantId = {});

    Result<UploadedImage> upload(const QString &product, const QString &fileName, const QByteArray &bytes) override;
    Result<QList<ProductImage>> list(const QString &product) override;
    Status reorder(const QString &product, const QStringList &imageIdsInOrder) override;
    Status setPrimary(const QString &product, const QString &imageId) override;
    Status remove(const QString &product, const QString &imageId) override;

private:
    std::unique_ptr<PgSession> m_owned;
    PgSession &m_session;
    QString m_tenantId;
    ImageLimits m_limits;
};

} // namespace rdk::data
