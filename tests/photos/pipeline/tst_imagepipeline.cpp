#include "data/media/imagepipeline.h"
#include "data/media/placeholdersneaker.h"

#include <QBuffer>
#include <QColorSpace>
#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QImageReader>
#include <QImageWriter>
#include <QLinearGradient>
#include <QPainter>
#include <QSet>
#include <QtEndian>
#include <QTest>

#include <future>
#include <vector>

using namespace Qt::Literals::StringLiterals;
using rdk::ImageLimits;
using rdk::ProcessedImage;

namespace {

// A photo-like test picture: smooth gradients plus a few hard edges, so JPEG sizes and
// scaling behave like on a real product shot. No text: there are no fonts in CI.
QImage makePicture(int width, int height, bool withAlpha = false)
{
    QImage image(width, height, withAlpha ? QImage::Format_ARGB32 : QImage::Format_RGB32);
    image.fill(withAlpha ? Qt::transparent : Qt::white);
    QPainter p(&image);
    QLinearGradient g(0, 0, width, height);
    g.setColorAt(0, QColor(200, 40, 40));
    g.setColorAt(1, QColor(30, 60, 160));
    p.setPen(Qt::NoPen);
    p.setBrush(g);
    p.drawEllipse(QRectF(width * 0.1, height * 0.1, width * 0.8, height * 0.8));
    p.setBrush(QColor(20, 20, 20));
    p.drawRect(QRectF(width * 0.45, height * 0.2, width * 0.05, height * 0.6));
    p.end();
    return image;
}

QByteArray encode(const QImage &image, const char *format, int quality = 90)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    QImageWriter writer(&buffer, QByteArray(format));
    writer.setQuality(quality);
    if (!writer.write(image))
        qFatal("cannot write test image as %s: %s", format, qPrintable(writer.errorString()));
    return bytes;
}

QByteArray encodeProgressiveJpeg(const QImage &image)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    QImageWriter writer(&buffer, QByteArrayLiteral("jpeg"));
    writer.setProgressiveScanWrite(true);
    if (!writer.write(image))
        qFatal("cannot write progressive JPEG: %s", qPrintable(writer.errorString()));
    return bytes;
}

// Fixtures Qt cannot write itself live in tests/photos/pipeline/data, compiled in as resources.
QByteArray fixture(const QString &name)
{
    QFile file(u":/testdata/"_s + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("test data missing: %s", qPrintable(file.fileName()));
    return file.readAll();
}

QImage decode(const QByteArray &bytes)
{
    QImage image;
    image.loadFromData(bytes);
    return image;
}

quint32 crc32(QByteArrayView data)
{
    quint32 crc = 0xFFFFFFFFu;
    for (char ch : data) {
        crc ^= quint8(ch);
        for (int k = 0; k < 8; ++k)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

QByteArray pngChunk(const QByteArray &type, const QByteArray &payload)
{
    QByteArray chunk(4, '\0');
    qToBigEndian(quint32(payload.size()), chunk.data());
    const QByteArray body = type + payload;
    chunk += body;
    QByteArray crc(4, '\0');
    qToBigEndian(crc32(body), crc.data());
    return chunk + crc;
}

// A well-formed PNG header claiming a canvas of width x height (8-bit RGBA), with a token
// IDAT and IEND: decoding it would need width * height * 4 bytes.
QByteArray pngClaiming(quint32 width, quint32 height)
{
    QByteArray ihdr(13, '\0');
    qToBigEndian(width, ihdr.data());
    qToBigEndian(height, ihdr.data() + 4);
    ihdr[8] = 8;  // bit depth
    ihdr[9] = 6;  // RGBA
    return QByteArray("\x89PNG\r\n\x1a\n", 8) + pngChunk("IHDR", ihdr)
        + pngChunk("IDAT", QByteArray::fromHex("789c030000000001")) + pngChunk("IEND", {});
}

// An APP1 Exif segment holding only Orientation, big-endian TIFF.
QByteArray exifOrientationSegment(quint16 orientation)
{
    QByteArray tiff = QByteArray::fromHex("4d4d002a00000008"   // "MM", 42, IFD0 at 8
                                          "0001"               // one entry
                                          "0112" "0003" "00000001") // Orientation, SHORT, 1
        + QByteArray(4, '\0') + QByteArray(4, '\0');               // value + next IFD = 0
    qToBigEndian(orientation, tiff.data() + 8 + 2 + 8);
    const QByteArray payload = QByteArray("Exif\0\0", 6) + tiff;
    QByteArray segment = QByteArray::fromHex("ffe1") + QByteArray(2, '\0') + payload;
    qToBigEndian(quint16(payload.size() + 2), segment.data() + 2);
    return segment;
}

QByteArray withExifOrientation(const QByteArray &jpeg, quint16 orientation)
{
    return jpeg.left(2) + exifOrientationSegment(orientation) + jpeg.mid(2);
}

// The bytes of a JPEG up to and including its SOS header, i.e. a valid header with no
// image data yet.
QByteArray jpegHeaderThroughSos(const QByteArray &jpeg)
{
    qsizetype pos = 2;
    while (pos + 4 <= jpeg.size()) {
        const quint8 marker = quint8(jpeg[pos + 1]);
        const qsizetype length = (qsizetype(quint8(jpeg[pos + 2])) << 8) | quint8(jpeg[pos + 3]);
        pos += 2 + length;
        if (marker == 0xDA)
            return jpeg.left(pos);
    }
    qFatal("no SOS marker in test JPEG");
}

QByteArray pseudoRandomBytes(qsizetype count, quint32 seed)
{
    QByteArray bytes(count, '\0');
    quint32 state = seed;
    for (char &b : bytes) {
        state = state * 1664525u + 1013904223u;
        b = char(state >> 24);
    }
    return bytes;
}

// Qt has no GIF writer: a 1x1 GIF89a by hand.
QByteArray tinyGif()
{
    return QByteArray::fromHex("474946383961010001008000000000" "00ffffff21f904010000000"
                               "02c00000000010001000002024401003b");
}

int channelDistance(QRgb a, QRgb b)
{
    return qMax(qAbs(qRed(a) - qRed(b)), qMax(qAbs(qGreen(a) - qGreen(b)), qAbs(qBlue(a) - qBlue(b))));
}

} // namespace

class TestImagePipeline final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void sniffImageType_recognisesByContent_data();
    void sniffImageType_recognisesByContent();

    void processProductImage_validImage_producesVariants_data();
    void processProductImage_validImage_producesVariants();
    void processProductImage_identicalBytes_sameHashAndNames();
    void processProductImage_badInput_refusedWithReason_data();
    void processProductImage_badInput_refusedWithReason();
    void processProductImage_hugeInput_refusedBeforeDecoding_data();
    void processProductImage_hugeInput_refusedBeforeDecoding();
    void processProductImage_exifOrientation6_rotated();
    void processProductImage_cmykOrGrayscaleJpeg_accepted_data();
    void processProductImage_cmykOrGrayscaleJpeg_accepted();
    void processProductImage_transparentPng_flattenedOnWhite();
    void processProductImage_foreignColorSpace_convertedToSrgb();
    void processProductImage_unsafeSku_sanitisedInFileNames();
    void processProductImage_parallelCalls_sameResults();

    void renderPlaceholderSneaker_sameSeed_samePixels();
    void encodeJpeg_image_decodesToSameSize();
};

void TestImagePipeline::sniffImageType_recognisesByContent_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("expectedMime"); // empty: refused
    QTest::addColumn<QString>("reasonContains");

    const QImage picture = makePicture(32, 24);
    QTest::addRow("jpeg") << encode(picture, "jpeg") << u"image/jpeg"_s << QString();
    QTest::addRow("png") << encode(picture, "png") << u"image/png"_s << QString();
    QTest::addRow("webp") << encode(picture, "webp") << u"image/webp"_s << QString();
    QTest::addRow("gif") << tinyGif() << QString() << u"GIF"_s;
    QTest::addRow("bmp") << encode(picture, "bmp") << QString() << u"BMP"_s;
    QTest::addRow("heic brand") << QByteArray::fromHex("0000001866747970686569630000000068656963")
                                << QString() << u"HEIC"_s;
    QTest::addRow("text") << QByteArray("these are not the sneakers you are looking for\n")
                          << QString() << u"text file"_s;
    QTest::addRow("empty") << QByteArray() << QString() << u"empty"_s;
    QTest::addRow("jpeg magic cut short") << QByteArray::fromHex("ffd8") << QString()
                                          << u"not a JPEG, PNG or WebP image"_s;
}

void TestImagePipeline::sniffImageType_recognisesByContent()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, expectedMime);
    QFETCH(QString, reasonContains);

    const rdk::Result<QString> mime = rdk::sniffImageType(bytes);
    if (expectedMime.isEmpty()) {
        QVERIFY(!mime.ok());
        QVERIFY2(mime.error().message.contains(reasonContains), qPrintable(mime.error().message));
    } else {
        QVERIFY2(mime.ok(), qPrintable(mime.ok() ? QString() : mime.error().message));
        QCOMPARE(*mime, expectedMime);
    }
}

void TestImagePipeline::processProductImage_validImage_producesVariants_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("originalMime");
    QTest::addColumn<QString>("originalExtension");
    QTest::addColumn<QSize>("originalSize");
    QTest::addColumn<QSize>("thumbSize");
    QTest::addColumn<QSize>("mediumSize");
    QTest::addColumn<QSize>("largeSize");

    QTest::addRow("landscape jpeg 3000x2000")
        << encode(makePicture(3000, 2000), "jpeg") << u"image/jpeg"_s << u"jpg"_s
        << QSize(3000, 2000) << QSize(200, 133) << QSize(800, 533) << QSize(1600, 1067);
    QTest::addRow("portrait png with alpha 1000x1500")
        << encode(makePicture(1000, 1500, true), "png") << u"image/png"_s << u"png"_s
        << QSize(1000, 1500) << QSize(133, 200) << QSize(533, 800) << QSize(1000, 1500);
    QTest::addRow("webp 2400x1600")
        << encode(makePicture(2400, 1600), "webp") << u"image/webp"_s << u"webp"_s
        << QSize(2400, 1600) << QSize(200, 133) << QSize(800, 533) << QSize(1600, 1067);
    QTest::addRow("small jpeg 120x80 is never upscaled")
        << encode(makePicture(120, 80), "jpeg") << u"image/jpeg"_s << u"jpg"_s
        << QSize(120, 80) << QSize(120, 80) << QSize(120, 80) << QSize(120, 80);
    QTest::addRow("square png exactly 800")
        << encode(makePicture(800, 800), "png") << u"image/png"_s << u"png"_s
        << QSize(800, 800) << QSize(200, 200) << QSize(800, 800) << QSize(800, 800);
    QTest::addRow("progressive jpeg 2000x3000")
        << encodeProgressiveJpeg(makePicture(2000, 3000)) << u"image/jpeg"_s << u"jpg"_s
        << QSize(2000, 3000) << QSize(133, 200) << QSize(533, 800) << QSize(1067, 1600);
    // Made with libjpeg, restart_in_rows = 1: RSTn markers inside the scan.
    QTest::addRow("jpeg with restart markers")
        << fixture(u"restart-markers.jpg"_s) << u"image/jpeg"_s << u"jpg"_s
        << QSize(96, 64) << QSize(96, 64) << QSize(96, 64) << QSize(96, 64);
    const QByteArray padded = encode(makePicture(640, 480), "jpeg") + QByteArray(1000, '\0');
    QTest::addRow("jpeg with trailing zero padding")
        << padded << u"image/jpeg"_s << u"jpg"_s
        << QSize(640, 480) << QSize(200, 150) << QSize(640, 480) << QSize(640, 480);
    // Phones append a video after the picture's EOI ("motion photos"); the photo is whole.
    const QByteArray motion = encode(makePicture(640, 480), "jpeg")
        + QByteArray::fromHex("0000001c6674797069736f6d") + pseudoRandomBytes(5000, 3);
    QTest::addRow("jpeg followed by a motion-photo video")
        << motion << u"image/jpeg"_s << u"jpg"_s
        << QSize(640, 480) << QSize(200, 150) << QSize(640, 480) << QSize(640, 480);
    QTest::addRow("very wide banner keeps a 1px edge")
        << encode(makePicture(4000, 10), "png") << u"image/png"_s << u"png"_s
        << QSize(4000, 10) << QSize(200, 1) << QSize(800, 2) << QSize(1600, 4);
}

void TestImagePipeline::processProductImage_validImage_producesVariants()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, originalMime);
    QFETCH(QString, originalExtension);
    QFETCH(QSize, originalSize);
    QFETCH(QSize, thumbSize);
    QFETCH(QSize, mediumSize);
    QFETCH(QSize, largeSize);

    const auto result = rdk::processProductImage(bytes, u"AJ1-CHI-LF"_s, u"/tmp/upload/shoe"_s);
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));

    const ProcessedImage &image = *result;
    QCOMPARE(image.contentHash.size(), 64);
    const QString prefix = u"product-aj1-chi-lf-"_s + image.contentHash.left(16) + u'-';

    QStringList order;
    for (const rdk::ImageVariant &v : image.variants)
        order << v.variant;
    QCOMPARE(order, (QStringList{u"original"_s, u"thumb"_s, u"medium"_s, u"large"_s}));

    const rdk::ImageVariant *original = image.variant(u"original"_s);
    QVERIFY(original);
    QCOMPARE(original->bytes, bytes);
    QCOMPARE(original->mime, originalMime);
    QCOMPARE(original->fileName, prefix + u"original."_s + originalExtension);
    QCOMPARE(QSize(original->width, original->height), originalSize);

    const QList<std::pair<QString, QSize>> expected{
        {u"thumb"_s, thumbSize}, {u"medium"_s, mediumSize}, {u"large"_s, largeSize}};
    for (const auto &[name, size] : expected) {
        const rdk::ImageVariant *v = image.variant(name);
        QVERIFY(v);
        QCOMPARE(v->mime, u"image/jpeg"_s);
        QCOMPARE(v->fileName, prefix + name + u".jpg"_s);
        QCOMPARE(QSize(v->width, v->height), size);
        QCOMPARE(rdk::sniffImageType(v->bytes).value(), u"image/jpeg"_s);
        QCOMPARE(decode(v->bytes).size(), size); // the bytes agree with the metadata
    }
}

void TestImagePipeline::processProductImage_identicalBytes_sameHashAndNames()
{
    const QByteArray bytes = encode(makePicture(900, 600), "jpeg");
    const auto first = rdk::processProductImage(bytes, u"NB-990-GRY"_s, u"a.jpg"_s);
    const auto again = rdk::processProductImage(QByteArray(bytes.constData(), bytes.size()),
                                                u"NB-990-GRY"_s, u"renamed.jpg"_s);
    QVERIFY(first.ok() && again.ok());
    QCOMPARE(again->contentHash, first->contentHash);
    QCOMPARE(first->contentHash,
             QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex()));
    for (qsizetype i = 0; i < first->variants.size(); ++i) {
        QCOMPARE(again->variants[i].fileName, first->variants[i].fileName);
        QCOMPARE(again->variants[i].bytes, first->variants[i].bytes);
    }

    QByteArray changed = bytes;
    changed.insert(2, exifOrientationSegment(1)); // same picture, different file
    const auto other = rdk::processProductImage(changed, u"NB-990-GRY"_s, u"b.jpg"_s);
    QVERIFY(other.ok());
    QVERIFY(other->contentHash != first->contentHash);
    QVERIFY(other->variants[1].fileName != first->variants[1].fileName);
}

void TestImagePipeline::processProductImage_badInput_refusedWithReason_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("reasonContains");

    const QByteArray jpeg = encode(makePicture(640, 480), "jpeg");
    const QByteArray png = encode(makePicture(640, 480), "png");
    const QByteArray webp = encode(makePicture(640, 480), "webp");

    QTest::addRow("empty input") << QByteArray() << u"the file is empty"_s;
    QTest::addRow("truncated jpeg") << jpeg.left(jpeg.size() * 2 / 3)
                                    << u"the file is cut off (truncated JPEG)"_s;
    QTest::addRow("truncated jpeg padded with zeros")
        << jpeg.left(jpeg.size() / 2) + QByteArray(4096, '\0')
        << u"the file is cut off (truncated JPEG)"_s;
    QTest::addRow("jpeg cut inside its header") << jpeg.left(120) << u"truncated JPEG"_s;
    QTest::addRow("jpeg with header only") << jpegHeaderThroughSos(jpeg)
                                           << u"truncated JPEG"_s;
    QTest::addRow("corrupt bytes after a valid jpeg header")
        << jpegHeaderThroughSos(jpeg) + pseudoRandomBytes(8192, 7) + QByteArray::fromHex("ffd9")
        << u"the image data is damaged (corrupt JPEG"_s;
    QTest::addRow("corrupt bytes after a valid png header")
        << png.left(33) + pseudoRandomBytes(4096, 11) << u"PNG"_s;
    QByteArray badIdat = png;
    for (qsizetype i = 200; i < 260; ++i)
        badIdat[i] = char(badIdat[i] ^ 0x5A); // breaks the IDAT CRC and the zlib stream
    QTest::addRow("corrupt png image data") << badIdat << u"the image data is damaged (corrupt PNG"_s;
    QTest::addRow("truncated png") << png.left(png.size() - 100) << u"truncated PNG"_s;
    QTest::addRow("truncated webp") << webp.left(webp.size() / 2) << u"truncated WebP"_s;
    QTest::addRow("text file renamed .jpg") << QByteArray("Size 10, worn twice, no box.\n")
                                            << u"not a JPEG, PNG or WebP image (it is a text file)"_s;
    QTest::addRow("gif") << tinyGif() << u"it is a GIF"_s;
    QTest::addRow("bmp") << encode(makePicture(64, 64), "bmp") << u"it is a BMP"_s;
}

void TestImagePipeline::processProductImage_badInput_refusedWithReason()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, reasonContains);

    const auto result = rdk::processProductImage(bytes, u"AJ1-CHI-LF"_s, u"sneaker.jpg"_s);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code, rdk::ErrorCode::Invalid);
    QVERIFY2(result.error().message.startsWith(u"sneaker.jpg: "_s), qPrintable(result.error().message));
    QVERIFY2(result.error().message.contains(reasonContains), qPrintable(result.error().message));
}

void TestImagePipeline::processProductImage_hugeInput_refusedBeforeDecoding_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<qint64>("maxPixels");
    QTest::addColumn<QString>("reasonContains");

    // A JPEG signature and 21 MB of nothing: refused on size alone.
    QByteArray big = QByteArray::fromHex("ffd8ffe0");
    big.resize(21 * 1024 * 1024, '\0');
    QTest::addRow("file over 20 MB") << big << ImageLimits{}.maxPixels
                                     << u"the file is 21 MB; photos can be at most 20 MB"_s;
    QTest::addRow("png header claims 60000x60000")
        << pngClaiming(60000, 60000) << ImageLimits{}.maxPixels
        << u"60000 x 60000 pixels (3600 megapixels); photos can be at most 50 megapixels"_s;
    QTest::addRow("png header claims 2^31-1 square")
        << pngClaiming(0x7FFFFFFF, 0x7FFFFFFF) << ImageLimits{}.maxPixels << u"sneaker.png: "_s;
    QTest::addRow("real image over a custom pixel limit")
        << encode(makePicture(1200, 1000), "jpeg") << qint64(1'000'000)
        << u"1200 x 1000 pixels (1.2 megapixels); photos can be at most 1 megapixels"_s;
}

void TestImagePipeline::processProductImage_hugeInput_refusedBeforeDecoding()
{
    QFETCH(QByteArray, bytes);
    QFETCH(qint64, maxPixels);
    QFETCH(QString, reasonContains);

    ImageLimits limits;
    limits.maxPixels = maxPixels;
    QElapsedTimer timer;
    timer.start();
    const auto result = rdk::processProductImage(bytes, u"AJ1-CHI-LF"_s, u"sneaker.png"_s, limits);
    const qint64 elapsedMs = timer.elapsed();
    QVERIFY(!result.ok());
    QVERIFY2(result.error().message.contains(reasonContains), qPrintable(result.error().message));
    // Decoding 3.6 gigapixels (or hashing 21 MB) would take seconds and gigabytes; a
    // refusal from the header is a millisecond affair even in a sanitizer build.
    QVERIFY2(elapsedMs < 500, qPrintable(u"took %1 ms"_s.arg(elapsedMs)));
}

void TestImagePipeline::processProductImage_exifOrientation6_rotated()
{
    // Stored 400x200: left half red, right half blue. Orientation 6 means "rotate 90
    // degrees clockwise to display", so the shown picture is 200x400, red on top.
    QImage stored(400, 200, QImage::Format_RGB32);
    stored.fill(Qt::blue);
    QPainter(&stored).fillRect(0, 0, 200, 200, Qt::red);
    const QByteArray bytes = withExifOrientation(encode(stored, "jpeg", 95), 6);

    const auto result = rdk::processProductImage(bytes, u"VANS-OS-BLK"_s, u"phone.jpg"_s);
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));

    const rdk::ImageVariant *original = result->variant(u"original"_s);
    QCOMPARE(QSize(original->width, original->height), QSize(200, 400));
    const rdk::ImageVariant *large = result->variant(u"large"_s);
    QCOMPARE(QSize(large->width, large->height), QSize(200, 400));
    const rdk::ImageVariant *thumb = result->variant(u"thumb"_s);
    QCOMPARE(QSize(thumb->width, thumb->height), QSize(100, 200));

    const QImage shown = decode(large->bytes);
    QCOMPARE(shown.size(), QSize(200, 400));
    QVERIFY(channelDistance(shown.pixel(100, 50), qRgb(255, 0, 0)) < 40);
    QVERIFY(channelDistance(shown.pixel(100, 350), qRgb(0, 0, 255)) < 40);
}

void TestImagePipeline::processProductImage_cmykOrGrayscaleJpeg_accepted_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QSize>("size");
    QTest::addColumn<QRgb>("leftColor");

    // Made with libjpeg: 64x48, Adobe-style inverted CMYK as Photoshop writes it, left half
    // C0 M100 Y100 K0 (red), right half C100 M100 Y0 K0 (blue).
    QTest::addRow("cmyk jpeg") << fixture(u"cmyk-red-blue.jpg"_s) << QSize(64, 48) << qRgb(255, 0, 0);

    QImage gray(300, 200, QImage::Format_Grayscale8);
    gray.fill(200);
    const QByteArray grayJpeg = encode(gray, "jpeg");
    QTest::addRow("grayscale jpeg") << grayJpeg << QSize(300, 200) << qRgb(200, 200, 200);
}

void TestImagePipeline::processProductImage_cmykOrGrayscaleJpeg_accepted()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QSize, size);
    QFETCH(QRgb, leftColor);

    const auto result = rdk::processProductImage(bytes, u"ASICS-GEL-K14"_s, u"scan.jpg"_s);
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
    const QImage large = decode(result->variant(u"large"_s)->bytes);
    QCOMPARE(large.size(), size);
    QVERIFY2(channelDistance(large.pixel(4, size.height() / 2), leftColor) < 40,
             qPrintable(QColor(large.pixel(4, size.height() / 2)).name()));
}

void TestImagePipeline::processProductImage_transparentPng_flattenedOnWhite()
{
    QImage image(300, 300, QImage::Format_ARGB32);
    image.fill(Qt::transparent);
    QPainter(&image).fillRect(100, 100, 100, 100, Qt::black);
    const auto result = rdk::processProductImage(encode(image, "png"), u"CRP-KIT-01"_s, u"kit.png"_s);
    QVERIFY(result.ok());
    const QImage medium = decode(result->variant(u"medium"_s)->bytes);
    QVERIFY(!medium.hasAlphaChannel());
    QVERIFY(channelDistance(medium.pixel(10, 10), qRgb(255, 255, 255)) < 8);
    QVERIFY(channelDistance(medium.pixel(150, 150), qRgb(0, 0, 0)) < 8);
}

void TestImagePipeline::processProductImage_foreignColorSpace_convertedToSrgb()
{
    // Adobe RGB green: clearly different numbers once expressed in sRGB.
    const QRgb adobeGreen = qRgb(60, 190, 70);
    QImage image(200, 200, QImage::Format_RGB32);
    image.fill(adobeGreen);
    image.setColorSpace(QColorSpace(QColorSpace::AdobeRgb));
    const QRgb expected = QColorSpace(QColorSpace::AdobeRgb)
                              .transformationToColorSpace(QColorSpace(QColorSpace::SRgb))
                              .map(adobeGreen);
    QVERIFY(channelDistance(expected, adobeGreen) > 20); // the test means something

    const auto result = rdk::processProductImage(encode(image, "png"), u"SAL-XT6-BLK"_s, u"p3.png"_s);
    QVERIFY(result.ok());
    const QImage thumb = decode(result->variant(u"thumb"_s)->bytes);
    QVERIFY2(channelDistance(thumb.pixel(100, 100), expected) < 6,
             qPrintable(QColor(thumb.pixel(100, 100)).name() + u" vs "_s + QColor(expected).name()));
}

void TestImagePipeline::processProductImage_unsafeSku_sanitisedInFileNames()
{
    const auto result = rdk::processProductImage(encode(makePicture(50, 50), "png"),
                                                 u"../Etc/PASSWD"_s, u"x.png"_s);
    QVERIFY(result.ok());
    for (const rdk::ImageVariant &v : result->variants)
        QVERIFY2(v.fileName.startsWith(u"product----etc-passwd-"_s), qPrintable(v.fileName));

    const auto noSku = rdk::processProductImage(encode(makePicture(50, 50), "png"), u" "_s, u"x.png"_s);
    QVERIFY(!noSku.ok());
    QCOMPARE(noSku.error().field, u"sku"_s);
}

void TestImagePipeline::processProductImage_parallelCalls_sameResults()
{
    // Callers run the pipeline on QtConcurrent's pool: no shared state may leak between
    // concurrent calls.
    const QByteArray jpeg = encode(makePicture(1800, 1200), "jpeg");
    const QByteArray png = encode(makePicture(900, 900, true), "png");
    const auto expectedJpeg = rdk::processProductImage(jpeg, u"SKU-A"_s, u"a.jpg"_s);
    const auto expectedPng = rdk::processProductImage(png, u"SKU-B"_s, u"b.png"_s);
    QVERIFY(expectedJpeg.ok() && expectedPng.ok());

    std::vector<std::future<rdk::Result<ProcessedImage>>> runs;
    for (int i = 0; i < 8; ++i) {
        runs.push_back(std::async(std::launch::async, [&, i] {
            return i % 2 ? rdk::processProductImage(png, u"SKU-B"_s, u"b.png"_s)
                         : rdk::processProductImage(jpeg, u"SKU-A"_s, u"a.jpg"_s);
        }));
    }
    for (size_t i = 0; i < runs.size(); ++i) {
        const rdk::Result<ProcessedImage> got = runs[i].get();
        const ProcessedImage &want = i % 2 ? *expectedPng : *expectedJpeg;
        QVERIFY(got.ok());
        QCOMPARE(got->contentHash, want.contentHash);
        for (qsizetype v = 0; v < want.variants.size(); ++v)
            QCOMPARE(got->variants[v].bytes, want.variants[v].bytes);
    }
}

void TestImagePipeline::renderPlaceholderSneaker_sameSeed_samePixels()
{
    const QImage a = rdk::renderPlaceholderSneaker(42, 640, 480);
    const QImage b = rdk::renderPlaceholderSneaker(42, 640, 480);
    QCOMPARE(a.size(), QSize(640, 480));
    QCOMPARE(a, b);

    // Different seeds give different shoes, and a picture is more than a flat backdrop.
    QSet<QByteArray> distinct;
    for (quint32 seed = 0; seed < 8; ++seed) {
        const QImage img = rdk::renderPlaceholderSneaker(seed, 160, 120);
        distinct.insert(QByteArray(reinterpret_cast<const char *>(img.constBits()), img.sizeInBytes()));
    }
    QVERIFY(distinct.size() >= 6);
    QSet<QRgb> colors;
    for (int y = 0; y < a.height(); y += 8) {
        for (int x = 0; x < a.width(); x += 8)
            colors.insert(a.pixel(x, y) & 0xF0F0F0);
    }
    QVERIFY(colors.size() > 20);

    // It goes through the pipeline like an upload would.
    const auto processed = rdk::processProductImage(rdk::encodeJpeg(a), u"AJ1-CHI-LF"_s, u"demo.jpg"_s);
    QVERIFY(processed.ok());
}

void TestImagePipeline::encodeJpeg_image_decodesToSameSize()
{
    const QByteArray jpeg = rdk::encodeJpeg(makePicture(321, 123, true), 85);
    QCOMPARE(rdk::sniffImageType(jpeg).value(), u"image/jpeg"_s);
    const QImage back = decode(jpeg);
    QCOMPARE(back.size(), QSize(321, 123));
    QVERIFY(channelDistance(back.pixel(1, 1), qRgb(255, 255, 255)) < 8); // alpha on white
    QVERIFY(rdk::encodeJpeg(QImage()).isEmpty());
}

QTEST_MAIN(TestImagePipeline)
#include "tst_imagepipeline.moc"
