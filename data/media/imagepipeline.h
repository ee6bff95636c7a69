#pragma once

#include "domain/result.h"

#include <QByteArray>
#include <QList>
#include <QString>

class QImage;

namespace rdk {

/// One stored rendition of a product photo. `variant` is "original", "thumb", "medium" or
/// "large"; `bytes` is the encoded file, ready to store and serve as `mime`.
struct ImageVariant final {
    QString variant;
    QString fileName;
    QString mime;
    int width = 0;
    int height = 0;
    QByteArray bytes;
};

/// What an upload turns into. `contentHash` is the SHA-256 (lowercase hex) of the uploaded
/// bytes, so the same file uploaded twice gets the same hash and the same file names.
struct ProcessedImage final {
    QString contentHash;
    QList<ImageVariant> variants; ///< original, thumb, medium, large, in that order

    /// The variant called `name`, or nullptr.
    const ImageVariant *variant(const QString &name) const;
};

/// Upper bounds an upload must stay within. The pixel bound is checked from the header,
/// before anything is decoded, so a small file claiming a huge canvas costs nothing.
struct ImageLimits final {
    qint64 maxBytes = 20 * 1024 * 1024;
    qint64 maxPixels = 50'000'000;
};

/// "image/jpeg", "image/png" or "image/webp", from the magic bytes only (never a file
/// extension); anything else is refused with a reason a shop owner understands.
Result<QString> sniffImageType(const QByteArray &bytes);

/// Validates an uploaded product photo and renders the stored variants: the untouched
/// original plus JPEG thumb (longest edge 200), medium (800) and large (1600), never
/// upscaled, EXIF orientation applied, converted to sRGB with transparency flattened on
/// white. Files are named `product-{sku}-{hash16}-{variant}.{ext}`. Errors name
/// `sourceName` and the reason. Keeps no state, so it may run on any thread.
Result<ProcessedImage> processProductImage(const QByteArray &bytes, const QString &sku,
                                           const QString &sourceName,
                                           const ImageLimits &limits = {});

/// `image` as a baseline JPEG (quality 0-100); transparency is flattened on white.
/// Returns an empty array only if the JPEG plugin is missing.
QByteArray encodeJpeg(const QImage &image, int quality = 85);

} // namespace rdk
