#include "data/pgimagelibrary.h"

#include "data/pgimagestore.h"
#include "data/pgsessionpqxx.h"

#include <QCryptographicHash>
#include <QFileInfo>
#include <QHash>
#include <QSet>

using namespace Qt::Literals::StringLiterals;

namespace rdk::data {
namespace {

const QString kUploadReason = u"image upload"_s;

struct ProductRef final {
    QString id;
    QString sku;
};

// `product` is an id or a SKU; the shop is the given one (owner) or the caller's (staff).
Result<ProductRef> findProduct(pqxx::work &tx, const QString &product, const QString &tenantId, bool lock)
{
    const auto rows = tx.exec_params(
        std::string("SELECT id::text, sku FROM products "
                    "WHERE tenant_id = coalesce(nullif($2, '')::uuid, rdk.current_tenant()) "
                    "AND (id::text = $1 OR sku = upper(btrim($1)))")
            + (lock ? " FOR UPDATE" : ""),
        str(product), str(tenantId));
    if (rows.empty())
        return Error::notFound(u"The product no longer exists; save it before adding photos."_s);
    return ProductRef{text(rows[0][0]), text(rows[0][1])};
}

std::string uuidArray(const QStringList &ids)
{
    return (u"{"_s + ids.join(u',') + u"}"_s).toStdString();
}

bool looksLikeUuid(const QString &id)
{
    static const QString hex = u"0123456789abcdef"_s;
    if (id.size() != 36)
        return false;
    for (qsizetype i = 0; i < id.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? id[i] != u'-' : !hex.contains(id[i].toLower()))
            return false;
    }
    return true;
}

QString shownName(const QString &fileName)
{
    const QString name = QFileInfo(fileName).fileName();
    return name.isEmpty() ? u"image"_s : name;
}

/// Checks the photo id, locks the product row of this shop, then runs `change(tx, product id)`
/// in the same transaction.
template <typename Change>
Status changePhoto(PgSession &session, const QString &tenantId, const QString &product, const QString &imageId,
                   Change &&change)
{
    if (!looksLikeUuid(imageId))
        return Error::notFound(u"That photo no longer exists."_s);
    return session.transact([&](pqxx::work &tx) -> Status {
        auto ref = findProduct(tx, product, tenantId, true);
        if (!ref)
            return ref.error();
        return change(tx, ref->id);
    });
}

} // namespace

PgImageLibrary::PgImageLibrary(PgSession &session, QString tenantId, ImageLimits limits)
    : m_session(session), m_tenantId(std::move(tenantId)), m_limits(limits)
{
}

PgImageLibrary::PgImageLibrary(std::unique_ptr<PgSession> owned, QString tenantId)
    : m_owned(std::move(owned)), m_session(*m_owned), m_tenantId(std::move(tenantId))
{
}

Result<std::unique_ptr<ImageLibrary>> PgImageLibrary::open(const std::string &connectionString, QString tenantId)
{
    auto session = PgSession::open(connectionString);
    if (!session)
        return session.error();
    return std::unique_ptr<ImageLibrary>(new PgImageLibrary(std::move(session).value(), std::move(tenantId)));
}

Result<UploadedImage> PgImageLibrary::upload(const QString &product, const QString &fileName, const QByteArray &bytes)
{
    const QString name = shownName(fileName);
    if (bytes.size() > m_limits.maxBytes) // before hashing or anything else touches the bytes
        return processProductImage(bytes, u"X"_s, name, m_limits).error();
    const QString hash = QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());

    // Known bytes are recognised by their hash before any pixel work; the lookup also gives
    // the SKU the file names are built from. No transaction stays open while we decode.
    struct Known {
        ProductRef product;
        QString existingId;
    };
    auto known = m_session.transact([&](pqxx::work &tx) -> Result<Known> {
        auto ref = findProduct(tx, product, m_tenantId, false);
        if (!ref)
            return ref.error();
        const auto rows = tx.exec_params("SELECT id::text FROM product_images WHERE product_id = $1::uuid AND content_hash = $2",
                                         str(ref->id), str(hash));
        return Known{*ref, rows.empty() ? QString() : text(rows[0][0])};
    });
    if (!known)
        return known.error();
    if (!known->existingId.isEmpty())
        return UploadedImage{known->existingId, true};

    const Result<ProcessedImage> processed = processProductImage(bytes, known->product.sku, name, m_limits);
    if (!processed)
        return processed.error();

    auto stored = m_session.transact(
        [&](pqxx::work &tx) -> Result<UploadedImage> {
            auto ref = findProduct(tx, known->product.id, m_tenantId, true); // serialises uploads per product
            if (!ref)
                return ref.error();
            const bool hadImage = !tx.exec_params("SELECT 1 FROM product_images WHERE product_id = $1::uuid AND content_hash = $2",
                                                  str(ref->id), str(hash)).empty();
            const bool hasPrimary = !tx.exec_params("SELECT 1 FROM product_images WHERE product_id = $1::uuid AND is_primary",
                                                    str(ref->id)).empty();
            auto id = PgImageStore::attach(tx, ref->id, *processed, !hasPrimary);
            if (!id)
                return id.error();
            return UploadedImage{*id, hadImage};
        },
        kUploadReason);
    if (!stored)
        return Error{stored.error().code, name + u": could not be saved: "_s + stored.error().message, stored.error().field};
    return stored;
}

Result<QList<ProductImage>> PgImageLibrary::list(const QString &product)
{
    return m_session.transact([&](pqxx::work &tx) -> Result<QList<ProductImage>> {
        auto ref = findProduct(tx, product, m_tenantId, false);
        if (!ref)
            return ref.error();
        const auto rows = tx.exec_params(
            "SELECT i.id::text, i.content_hash, i.position, i.is_primary, v.variant, v.file_name, v.mime, v.width, "
            "v.height, v.byte_size, CASE WHEN v.variant = 'thumb' THEN v.data END "
            "FROM product_images i JOIN product_image_variants v ON v.image_id = i.id "
            "WHERE i.product_id = $1::uuid ORDER BY i.position, i.created_at, i.id, v.id",
            str(ref->id));
        QList<ProductImage> images;
        for (const auto &r : rows) {
            const QString id = text(r[0]);
            if (images.isEmpty() || images.last().id != id)
                images.append(ProductImage{id, text(r[1]), r[2].as<int>(), r[3].as<bool>(), {}, {}});
            ProductImage &image = images.last();
            image.variants.append(ProductImageVariant{text(r[4]), text(r[5]), text(r[6]), r[7].as<int>(),
                                                      r[8].as<int>(), r[9].as<qint64>()});
            if (!r[10].is_null()) {
                const pqxx::binarystring thumb(r[10]);
                image.thumbJpeg = QByteArray(reinterpret_cast<const char *>(thumb.data()), qsizetype(thumb.size()));
            }
        }
        return images;
    });
}

Status PgImageLibrary::reorder(const QString &product, const QStringList &imageIdsInOrder)
{
    return m_session.transact([&](pqxx::work &tx) -> Status {
        auto ref = findProduct(tx, product, m_tenantId, true);
        if (!ref)
            return ref.error();
        QSet<QString> current;
        for (const auto &r : tx.exec_params("SELECT id::text FROM product_images WHERE product_id = $1::uuid", str(ref->id)))
            current.insert(text(r[0]));
        const QSet<QString> wanted(imageIdsInOrder.cbegin(), imageIdsInOrder.cend());
        if (wanted != current || wanted.size() != imageIdsInOrder.size())
            return Error::conflict(u"The photos changed meanwhile; reload them and try again."_s);
        tx.exec_params(
            "UPDATE product_images i SET position = o.ord - 1 FROM unnest($2::uuid[]) WITH ORDINALITY AS o(id, ord) "
            "WHERE i.id = o.id AND i.product_id = $1::uuid AND i.position IS DISTINCT FROM o.ord - 1",
            str(ref->id), uuidArray(imageIdsInOrder));
        return {};
    });
}

Status PgImageLibrary::setPrimary(const QString &product, const QString &imageId)
{
    return changePhoto(m_session, m_tenantId, product, imageId, [&](pqxx::work &tx, const QString &productId) -> Status {
        if (tx.exec_params("SELECT 1 FROM product_images WHERE product_id = $1::uuid AND id = $2::uuid", str(productId), str(imageId)).empty())
            return Error::notFound(u"That photo no longer exists."_s);
        tx.exec_params("UPDATE product_images SET is_primary = (id = $2::uuid) "
                       "WHERE product_id = $1::uuid AND is_primary IS DISTINCT FROM (id = $2::uuid)",
                       str(productId), str(imageId));
        return {};
    });
}

Status PgImageLibrary::remove(const QString &product, const QString &imageId)
{
    return changePhoto(m_session, m_tenantId, product, imageId, [&](pqxx::work &tx, const QString &productId) -> Status {
        const auto removed = tx.exec_params("DELETE FROM product_images WHERE product_id = $1::uuid AND id = $2::uuid RETURNING is_primary",
                                            str(productId), str(imageId));
        if (removed.empty())
            return Error::notFound(u"That photo no longer exists."_s);
        // Close the gap in the order, and keep a primary photo while any is left.
        tx.exec_params(
            "UPDATE product_images i SET position = o.rn - 1, is_primary = CASE WHEN $2 THEN o.rn = 1 ELSE i.is_primary END "
            "FROM (SELECT id, row_number() OVER (ORDER BY position, created_at, id) AS rn FROM product_images "
            "      WHERE product_id = $1::uuid) o WHERE i.id = o.id",
            str(productId), removed[0][0].as<bool>());
        return {};
    });
}

} // namespace rdk::data
