#include "data/media/imagepipeline.h"

#include <QBuffer>
#include <QByteArrayView>
#include <QColorSpace>
#include <QCryptographicHash>
#include <QFileInfo>
#include <QImage>
#include <QImageReader>
#include <QImageWriter>
#include <QPainter>

#include <array>
#include <cstring>
#include <limits>

using namespace Qt::Literals::StringLiterals;

namespace rdk {

namespace {

constexpr int kVariantJpegQuality = 82;

enum class Kind { Jpeg, Png, WebP };

struct KindInfo {
    Kind kind;
    const char *qtFormat;   // QImageReader plugin key
    QString mime;
    QString extension;
    QString label;          // how the owner knows the format
};

KindInfo kindInfo(Kind kind)
{
    switch (kind) {
    case Kind::Jpeg: return {kind, "jpeg", u"image/jpeg"_s, u"jpg"_s, u"JPEG"_s};
    case Kind::Png: return {kind, "png", u"image/png"_s, u"png"_s, u"PNG"_s};
    case Kind::WebP: return {kind, "webp", u"image/webp"_s, u"webp"_s, u"WebP"_s};
    }
    Q_UNREACHABLE();
    return {kind, "jpeg", u"image/jpeg"_s, u"jpg"_s, u"JPEG"_s};
}

uchar byteAt(QByteArrayView d, qsizetype i) { return static_cast<uchar>(d[i]); }

quint32 be32(QByteArrayView d, qsizetype i)
{
    return (quint32(byteAt(d, i)) << 24) | (quint32(byteAt(d, i + 1)) << 16)
        | (quint32(byteAt(d, i + 2)) << 8) | quint32(byteAt(d, i + 3));
}

quint32 le32(QByteArrayView d, qsizetype i)
{
    return quint32(byteAt(d, i)) | (quint32(byteAt(d, i + 1)) << 8)
        | (quint32(byteAt(d, i + 2)) << 16) | (quint32(byteAt(d, i + 3)) << 24);
}

bool startsWith(QByteArrayView d, QByteArrayView magic) { return d.startsWith(magic); }

// Formats people actually try to upload, so the refusal can say what the file is and what
// to do; "not a JPEG" alone leaves an iPhone owner guessing.
QString recognisedOtherFormat(QByteArrayView d)
{
    if (startsWith(d, "GIF87a") || startsWith(d, "GIF89a"))
        return u"it is a GIF"_s;
    if (startsWith(d, "BM") && d.size() >= 14)
        return u"it is a BMP"_s;
    if (startsWith(d, QByteArrayView("II*\0", 4)) || startsWith(d, QByteArrayView("MM\0*", 4)))
        return u"it is a TIFF"_s;
    if (d.size() >= 12 && d.sliced(4, 4) == "ftyp") {
        const QByteArrayView brand = d.sliced(8, 4);
        if (brand == "avif" || brand == "avis")
            return u"it is an AVIF image; save it as JPEG first"_s;
        if (brand == "heic" || brand == "heix" || brand == "mif1" || brand == "msf1")
            return u"it is a HEIC photo; export it as JPEG first"_s;
        return u"it looks like a video or HEIC file"_s;
    }
    if (startsWith(d, "%PDF"))
        return u"it is a PDF document"_s;
    if (startsWith(d, QByteArrayView("\0\0\1\0", 4)))
        return u"it is an icon (ICO) file"_s;
    // Text (including SVG, HTML, or a note renamed to .jpg): no control bytes besides
    // whitespace in the first block.
    const qsizetype n = qMin<qsizetype>(d.size(), 512);
    bool text = n > 0;
    for (qsizetype i = 0; i < n && text; ++i) {
        const uchar c = byteAt(d, i);
        text = c >= 0x20 || c == '\n' || c == '\r' || c == '\t';
    }
    if (text)
        return u"it is a text file"_s;
    return {};
}

std::optional<Kind> sniffKind(QByteArrayView d)
{
    if (d.size() >= 3 && byteAt(d, 0) == 0xFF && byteAt(d, 1) == 0xD8 && byteAt(d, 2) == 0xFF)
        return Kind::Jpeg;
    if (startsWith(d, "\x89PNG\r\n\x1a\n"))
        return Kind::Png;
    if (d.size() >= 12 && startsWith(d, "RIFF") && d.sliced(8, 4) == "WEBP")
        return Kind::WebP;
    return std::nullopt;
}

enum class Damage { None, Truncated, Corrupt };

// Walks the JPEG marker structure the way libjpeg does, without decoding. libjpeg itself
// only *warns* on a cut-off file and pads the missing rows with grey, and Qt reports that
// as success, so a half-uploaded photo would otherwise be published. Refuses what libjpeg
// treats as fatal (unknown markers, a second SOI/SOF) and anything that ends before the
// EOI of the primary image. Bytes after that EOI (MPF, "motion photo" videos) are allowed:
// the picture itself is complete.
Damage inspectJpeg(QByteArrayView d)
{
    const qsizetype n = d.size();
    qsizetype pos = 2; // past SOI
    bool sawFrame = false;
    bool sawScan = false;
    while (true) {
        // Like libjpeg's next_marker(): stray bytes before a marker are skipped.
        while (pos < n && byteAt(d, pos) != 0xFF)
            ++pos;
        while (pos < n && byteAt(d, pos) == 0xFF)
            ++pos;
        if (pos >= n)
            return Damage::Truncated;
        const uchar marker = byteAt(d, pos++);
        if (marker == 0xD9) // EOI
            return sawScan ? Damage::None : Damage::Corrupt;
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7))
            continue; // standalone TEM / RSTn: no length
        if (marker == 0x00 || marker == 0xD8 || (marker >= 0x02 && marker <= 0xBF))
            return Damage::Corrupt; // stuffed zero, second SOI or a reserved marker
        if (pos + 2 > n)
            return Damage::Truncated;
        const qsizetype length = (qsizetype(byteAt(d, pos)) << 8) | byteAt(d, pos + 1);
        if (length < 2)
            return Damage::Corrupt;
        if (pos + length > n)
            return Damage::Truncated;
        const bool isFrame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8
            && marker != 0xCC;
        if (isFrame) {
            if (sawFrame)
                return Damage::Corrupt;
            sawFrame = true;
        }
        pos += length;
        if (marker != 0xDA) // not SOS
            continue;
        if (!sawFrame)
            return Damage::Corrupt;
        sawScan = true;
        // Entropy-coded data: 0xFF is followed by 0x00 (stuffing), RSTn or fill bytes;
        // anything else is the next marker.
        while (true) {
            const void *ff = std::memchr(d.data() + pos, 0xFF, size_t(n - pos));
            if (!ff)
                return Damage::Truncated;
            pos = static_cast<const char *>(ff) - d.data();
            qsizetype next = pos + 1;
            while (next < n && byteAt(d, next) == 0xFF)
                ++next;
            if (next >= n)
                return Damage::Truncated;
            const uchar m = byteAt(d, next);
            if (m == 0x00 || (m >= 0xD0 && m <= 0xD7)) {
                pos = next + 1;
                continue;
            }
            pos = next - 1; // the marker loop starts at its 0xFF
            break;
        }
    }
}

// Chunks must be whole and the stream must reach IEND; libpng would report the CRC of a
// damaged IDAT, but a simply cut-off file is better named as such.
Damage inspectPng(QByteArrayView d)
{
    const qsizetype n = d.size();
    qsizetype pos = 8;
    bool first = true;
    bool sawData = false;
    while (true) {
        if (pos + 8 > n)
            return Damage::Truncated;
        const quint32 length = be32(d, pos);
        const QByteArrayView type = d.sliced(pos + 4, 4);
        if (length > 0x7FFFFFFFu)
            return Damage::Corrupt;
        for (char c : type) {
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
                return Damage::Corrupt;
        }
        if (first && type != "IHDR")
            return Damage::Corrupt;
        first = false;
        if (pos + 12 + qsizetype(length) > n)
            return Damage::Truncated;
        if (type == "IDAT")
            sawData = true;
        if (type == "IEND")
            return sawData ? Damage::None : Damage::Corrupt;
        pos += 12 + qsizetype(length);
    }
}

// RIFF container: the declared size and every chunk must fit in the file.
Damage inspectWebP(QByteArrayView d)
{
    const qsizetype n = d.size();
    const qsizetype riffEnd = 8 + qsizetype(le32(d, 4));
    if (riffEnd < 12 + 8)
        return Damage::Corrupt;
    if (riffEnd > n)
        return Damage::Truncated;
    qsizetype pos = 12;
    while (pos < riffEnd) {
        if (pos + 8 > riffEnd)
            return Damage::Truncated;
        const qsizetype size = qsizetype(le32(d, pos + 4));
        pos += 8 + size + (size & 1);
        if (pos > riffEnd + 1) // the last chunk's pad byte may be missing in the wild
            return Damage::Truncated;
    }
    return Damage::None;
}

Damage inspect(Kind kind, QByteArrayView d)
{
    switch (kind) {
    case Kind::Jpeg: return inspectJpeg(d);
    case Kind::Png: return inspectPng(d);
    case Kind::WebP: return inspectWebP(d);
    }
    return Damage::Corrupt;
}

QString megabytes(qint64 bytes)
{
    return QString::number(double(bytes) / (1024.0 * 1024.0), 'f', bytes % (1024 * 1024) ? 1 : 0)
        + u" MB"_s;
}

QString megapixels(qint64 pixels)
{
    return QString::number(double(pixels) / 1'000'000.0, 'f', pixels % 1'000'000 ? 1 : 0)
        + u" megapixels"_s;
}

// File names travel into URLs and storage keys: keep them to [a-z0-9-] whatever the SKU.
QString fileNameStem(const QString &sku)
{
    QString stem;
    stem.reserve(sku.size());
    for (const QChar c : sku.toLower()) {
        const char16_t u = c.unicode();
        const bool safe = (u >= u'a' && u <= u'z') || (u >= u'0' && u <= u'9') || u == u'-';
        stem.append(safe ? c : QChar(u'-'));
    }
    return stem;
}

// Rounded, unlike QSize::scaled (which truncates 1066.67 to 1066).
QSize fitWithin(QSize size, int longestEdge)
{
    const int w = size.width();
    const int h = size.height();
    if (w <= longestEdge && h <= longestEdge)
        return size; // never upscale
    if (w >= h)
        return {longestEdge, qMax(1, qRound(double(h) * longestEdge / w))};
    return {qMax(1, qRound(double(w) * longestEdge / h)), longestEdge};
}

QImage scaledTo(const QImage &image, QSize target)
{
    if (target == image.size())
        return image;
    return image.scaled(target, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
}

// Opaque RGB32 with transparency laid over white (the colour of the storefront behind a
// product shot). Stays 32-bit so the next smooth scale doesn't convert it again.
QImage flattenedOnWhite(const QImage &image)
{
    if (!image.hasAlphaChannel())
        return image.format() == QImage::Format_RGB32 ? image : image.convertToFormat(QImage::Format_RGB32);
    QImage flat(image.size(), QImage::Format_RGB32);
    flat.setColorSpace(image.colorSpace());
    flat.fill(Qt::white);
    {
        QPainter painter(&flat);
        painter.drawImage(0, 0, image);
    }
    return flat;
}

QByteArray writeJpeg(const QImage &image, int quality)
{
    QByteArray out;
    QBuffer buffer(&out);
    buffer.open(QIODevice::WriteOnly);
    QImageWriter writer(&buffer, QByteArrayLiteral("jpeg"));
    writer.setQuality(qBound(0, quality, 100));
    writer.setOptimizedWrite(true); // optimal Huffman tables: a few % smaller, ~free
    // 8-bit RGB, three channels: what a baseline JPEG holds; alpha was flattened before.
    if (!writer.write(image.convertToFormat(QImage::Format_RGB888)))
        return {};
    return out;
}

} // namespace

const ImageVariant *ProcessedImage::variant(const QString &name) const
{
    for (const ImageVariant &v : variants) {
        if (v.variant == name)
            return &v;
    }
    return nullptr;
}

Result<QString> sniffImageType(const QByteArray &bytes)
{
    if (bytes.isEmpty())
        return Error::invalid(u"the file is empty"_s, u"image"_s);
    if (const auto kind = sniffKind(bytes))
        return kindInfo(*kind).mime;
    const QString what = recognisedOtherFormat(bytes);
    return Error::invalid(what.isEmpty() ? u"not a JPEG, PNG or WebP image"_s
                                         : u"not a JPEG, PNG or WebP image (%1)"_s.arg(what),
                          u"image"_s);
}

QByteArray encodeJpeg(const QImage &image, int quality)
{
    if (image.isNull())
        return {};
    return writeJpeg(flattenedOnWhite(image), quality);
}

Result<ProcessedImage> processProductImage(const QByteArray &bytes, const QString &sku,
                                           const QString &sourceName, const ImageLimits &limits)
{
    // The owner knows the file by its name, not the temporary path it was read from.
    const QString shownName = sourceName.isEmpty() ? u"image"_s : QFileInfo(sourceName).fileName();
    const auto refuse = [&shownName](const QString &reason) {
        return Error::invalid(shownName + u": "_s + reason, u"image"_s);
    };

    const QString stem = fileNameStem(sku.trimmed());
    if (stem.isEmpty())
        return Error::invalid(shownName + u": the product needs a SKU before it can have photos"_s,
                              u"sku"_s);

    // Cheapest checks first: size, then type, then the header, and only then decode.
    if (bytes.isEmpty())
        return refuse(u"the file is empty"_s);
    if (bytes.size() > limits.maxBytes)
        return refuse(u"the file is %1; photos can be at most %2"_s.arg(megabytes(bytes.size()),
                                                                        megabytes(limits.maxBytes)));
    const Result<QString> mime = sniffImageType(bytes);
    if (!mime)
        return refuse(mime.error().message);
    const KindInfo info = kindInfo(*sniffKind(bytes));

    QBuffer buffer;
    buffer.setData(bytes); // implicitly shared: no copy
    buffer.open(QIODevice::ReadOnly);
    QImageReader reader(&buffer, QByteArray(info.qtFormat));
    reader.setDecideFormatFromContent(false);
    reader.setAutoTransform(true);
    // Second line of defence behind the header check: a plugin must never allocate more
    // than a maxPixels canvas. 8 bytes per pixel leaves room for 16-bit PNGs.
    const qint64 allocationMb = limits.maxPixels * 8 / (1024 * 1024) + 1;
    reader.setAllocationLimit(int(qMin<qint64>(allocationMb, std::numeric_limits<int>::max())));

    const Damage damage = inspect(info.kind, bytes);
    const QString truncated = u"the file is cut off (truncated %1); upload it again"_s.arg(info.label);
    const QSize header = reader.size();
    if (!header.isValid() || header.isEmpty()) {
        return refuse(damage == Damage::Truncated
                          ? truncated
                          : u"the image header is damaged (corrupt %1)"_s.arg(info.label));
    }
    const qint64 pixels = qint64(header.width()) * header.height();
    if (pixels > limits.maxPixels)
        return refuse(u"the image is %1 x %2 pixels (%3); photos can be at most %4"_s.arg(
            QString::number(header.width()), QString::number(header.height()), megapixels(pixels),
            megapixels(limits.maxPixels)));

    // Structure next (a cheap walk, no pixels): libjpeg only *warns* about a cut-off file
    // and Qt returns the grey-padded picture as a success.
    switch (damage) {
    case Damage::Truncated:
        return refuse(truncated);
    case Damage::Corrupt:
        return refuse(u"the image data is damaged (corrupt %1)"_s.arg(info.label));
    case Damage::None:
        break;
    }

    QImage decoded;
    if (!reader.read(&decoded) || decoded.isNull())
        return refuse(u"the image data is damaged (corrupt %1: %2)"_s.arg(info.label,
                                                                          reader.errorString()));

    // Work in 32-bit (premultiplied when there is alpha): the format Qt's smooth scaler
    // and colour transforms run natively on, so no hidden conversions of the full image.
    const QSize shown = decoded.size(); // after EXIF rotation: what the customer sees
    const bool hasAlpha = decoded.hasAlphaChannel();
    const QColorSpace sourceSpace = decoded.colorSpace();
    const QImage::Format work = hasAlpha ? QImage::Format_ARGB32_Premultiplied : QImage::Format_RGB32;
    if (decoded.format() != work)
        decoded.convertTo(work);

    // Every variant's size comes from the picture as shown, so rounding doesn't drift
    // along the chain; the pixels are scaled in steps (large from the full image, medium
    // from large, thumb from medium), each step a cheap ~2-4x reduction.
    const QSize largeSize = fitWithin(shown, 1600);
    const QSize mediumSize = fitWithin(shown, 800);
    const QSize thumbSize = fitWithin(shown, 200);

    // Scale first, colour-convert second: the transform then touches ~2.5 MP instead of
    // up to 50 MP, and the difference from converting first is invisible.
    QImage large = scaledTo(decoded, largeSize);
    decoded = QImage(); // release the full-size buffer early
    if (sourceSpace.isValid() && sourceSpace != QColorSpace(QColorSpace::SRgb)) {
        large.setColorSpace(sourceSpace);
        large.convertToColorSpace(QColorSpace(QColorSpace::SRgb));
    }
    large = flattenedOnWhite(large);
    // Untagged JPEG means sRGB on the web; skipping the ICC block keeps thumbs small.
    large.setColorSpace(QColorSpace());
    const QImage medium = scaledTo(large, mediumSize);
    const QImage thumb = scaledTo(medium, thumbSize);

    ProcessedImage result;
    result.contentHash = QString::fromLatin1(
        QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
    const QString prefix = u"product-%1-%2-"_s.arg(stem, result.contentHash.left(16));

    result.variants.append(ImageVariant{u"original"_s, prefix + u"original."_s + info.extension,
                                        info.mime, shown.width(), shown.height(), bytes});
    const std::array<std::pair<QString, const QImage *>, 3> rendered{{
        {u"thumb"_s, &thumb}, {u"medium"_s, &medium}, {u"large"_s, &large}}};
    for (const auto &[name, image] : rendered) {
        QByteArray jpeg = writeJpeg(*image, kVariantJpegQuality);
        if (jpeg.isEmpty())
            return Error::internal(shownName + u": could not write the %1 JPEG (is the Qt JPEG "
                                               u"image plugin installed?)"_s.arg(name));
        result.variants.append(ImageVariant{name, prefix + name + u".jpg"_s, u"image/jpeg"_s,
                                            image->width(), image->height(), std::move(jpeg)});
    }
    return result;
}

} // namespace rdk
