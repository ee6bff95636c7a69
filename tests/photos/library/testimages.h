#pragma once

// Test pictures for the photo upload tests: real encoded JPEGs of a chosen size, and the
// broken or hostile files people (or attackers) upload.

#include <QBuffer>
#include <QByteArray>
#include <QFile>
#include <QImage>
#include <QImageWriter>
#include <QLinearGradient>
#include <QPainter>
#include <QString>
#include <QtEndian>

namespace rdk::test {

/// A photo-like picture; `seed` changes the colours so each seed gives different bytes.
inline QImage makePicture(int width, int height, int seed = 0)
{
    QImage image(width, height, QImage::Format_RGB32);
    image.fill(Qt::white);
    QPainter p(&image);
    QLinearGradient g(0, 0, width, height);
    g.setColorAt(0, QColor((200 + seed * 37) % 256, (40 + seed * 91) % 256, 40));
    g.setColorAt(1, QColor(30, 60, (160 + seed * 53) % 256));
    p.setPen(Qt::NoPen);
    p.setBrush(g);
    p.drawEllipse(QRectF(width * 0.1, height * 0.1, width * 0.8, height * 0.8));
    p.setBrush(QColor(20, 20, 20));
    p.drawRect(QRectF(width * (0.2 + 0.05 * (seed % 8)), height * 0.2, width * 0.05, height * 0.6));
    p.end();
    return image;
}

inline QByteArray encodeImage(const QImage &image, const char *format, int quality = 90)
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

inline QByteArray jpegPhoto(int width = 1200, int height = 900, int seed = 0)
{
    return encodeImage(makePicture(width, height, seed), "jpeg");
}

/// A real small JPEG whose frame header (SOF0) is rewritten to claim width x height: a
/// decompression bomb of a few kilobytes.
inline QByteArray jpegClaiming(quint16 width, quint16 height)
{
    QByteArray jpeg = jpegPhoto(64, 48);
    const qsizetype sof = jpeg.indexOf(QByteArray::fromHex("ffc0"));
    if (sof < 0)
        qFatal("test JPEG has no SOF0 marker");
    // FFC0, length(2), precision(1), height(2), width(2)
    qToBigEndian(height, jpeg.data() + sof + 5);
    qToBigEndian(width, jpeg.data() + sof + 7);
    return jpeg;
}

inline quint32 crc32(const QByteArray &data)
{
    quint32 crc = 0xFFFFFFFFu;
    for (const char byte : data) {
        crc ^= quint8(byte);
        for (int k = 0; k < 8; ++k)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return crc ^ 0xFFFFFFFFu;
}

inline QByteArray pngChunk(const QByteArray &type, const QByteArray &payload)
{
    QByteArray chunk(4, '\0');
    qToBigEndian(quint32(payload.size()), chunk.data());
    const QByteArray body = type + payload;
    QByteArray crc(4, '\0');
    qToBigEndian(crc32(body), crc.data());
    return chunk + body + crc;
}

/// A well-formed PNG header claiming width x height (8-bit RGBA) with a token IDAT.
inline QByteArray pngClaiming(quint32 width, quint32 height)
{
    QByteArray ihdr(13, '\0');
    qToBigEndian(width, ihdr.data());
    qToBigEndian(height, ihdr.data() + 4);
    ihdr[8] = 8;
    ihdr[9] = 6;
    return QByteArray("\x89PNG\r\n\x1a\n", 8) + pngChunk("IHDR", ihdr)
        + pngChunk("IDAT", QByteArray::fromHex("789c030000000001")) + pngChunk("IEND", {});
}

inline bool writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

/// A file of `size` bytes that starts like a JPEG; sparse, so nothing big is written.
inline bool writeSparseJpeg(const QString &path, qint64 size)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(QByteArray::fromHex("ffd8ffe0")) == 4 && f.resize(size);
}

} // namespace rdk::test
