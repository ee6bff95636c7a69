#pragma once

// The photos of a product, as screens and tools see them: upload, list, reorder, choose the
// primary one, remove. No Qt GUI and no SQL here; data/ implements it on the image pipeline
// and PostgreSQL storage.

#include "domain/result.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

namespace rdk {

/// Largest file an upload may be: checked before the file is even read.
inline constexpr qint64 MaxImageUploadBytes = 20 * 1024 * 1024;

/// One stored rendition of a photo ("original", "thumb", "medium", "large"). `fileName` is
/// the content-hashed key the storefront serves it under (product-{sku}-{hash}-{variant}.jpg).
struct ProductImageVariant final {
    QString variant;
    QString fileName;
    QString mime;
    int width = 0;
    int height = 0;
    qint64 byteSize = 0;
};

/// A photo of a product, in display order.
struct ProductImage final {
    QString id;
    QString contentHash;
    int position = 0;
    bool primary = false;
    QList<ProductImageVariant> variants;
    QByteArray thumbJpeg;   ///< the "thumb" variant's bytes, for grids

    /// The variant called `name`, or nullptr.
    const ProductImageVariant *variant(const QString &name) const
    {
        for (const ProductImageVariant &v : variants) {
            if (v.variant == name)
                return &v;
        }
        return nullptr;
    }
};

/// What became of one uploaded file.
struct UploadedImage final {
    QString imageId;
    bool alreadyPresent = false;  ///< identical bytes were attached before: nothing new stored
};

class ImageLibrary {
public:
    virtual ~ImageLibrary() = default;

    /// Validates the file by its content (JPEG, PNG or WebP; at most 20 MB and 50 megapixels,
    /// the pixel count read from the header before decoding), renders thumb/medium/large and
    /// stores them with the original, all or nothing. `product` is the product's id or SKU.
    /// A refused file stores nothing; the error message names `fileName` and the reason. The
    /// first photo of a product becomes its primary photo.
    virtual Result<UploadedImage> upload(const QString &product, const QString &fileName, const QByteArray &bytes) = 0;
    /// The product's photos in display order.
    virtual Result<QList<ProductImage>> list(const QString &product) = 0;
    /// Puts the product's photos in this order; the list must name each of them exactly once.
    virtual Status reorder(const QString &product, const QStringList &imageIdsInOrder) = 0;
    virtual Status setPrimary(const QString &product, const QString &imageId) = 0;
    /// Deletes the photo and its variants; if it was primary, the first remaining one becomes primary.
    virtual Status remove(const QString &product, const QString &imageId) = 0;
};

/// Opens a library with its own database session, on the thread that will use it.
using ImageLibraryFactory = std::function<Result<std::unique_ptr<ImageLibrary>>()>;

} // namespace rdk
