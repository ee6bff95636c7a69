#include "data/pgimagestore.h"

#include "data/pgsessionpqxx.h"

namespace rdk::data {

Result<QString> PgImageStore::attach(pqxx::work &tx, const QString &productId, const ProcessedImage &image, bool makePrimary)
{
    const auto existing = tx.exec_params(
        "SELECT id::text FROM product_images WHERE product_id = $1::uuid AND content_hash = $2", str(productId),
        str(image.contentHash));
    if (!existing.empty())
        return text(existing[0][0]);

    const auto row = tx.exec_params1(
        "INSERT INTO product_images (tenant_id, product_id, content_hash, position, is_primary) "
        "SELECT p.tenant_id, p.id, $2, coalesce((SELECT max(position) + 1 FROM product_images WHERE product_id = p.id), 0), $3 "
        "FROM products p WHERE p.id = $1::uuid RETURNING id::text, tenant_id::text",
        str(productId), str(image.contentHash), makePrimary);
    const QString imageId = text(row[0]);
    for (const ImageVariant &v : image.variants) {
        const pqxx::binarystring bytes(v.bytes.constData(), static_cast<size_t>(v.bytes.size()));
        tx.exec_params(
            "INSERT INTO product_image_variants (tenant_id, image_id, variant, file_name, mime, width, height, byte_size, data) "
            "VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7, $8, $9)",
            text(row[1]).toStdString(), str(imageId), str(v.variant), str(v.fileName), str(v.mime), v.width, v.height,
            static_cast<int>(v.bytes.size()), bytes);
    }
    if (makePrimary)
        tx.exec_params("UPDATE product_images SET is_primary = (id = $2::uuid) WHERE product_id = $1::uuid", str(productId),
                       str(imageId));
    return imageId;
}

} // namespace rdk::data
