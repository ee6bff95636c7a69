// Times processProductImage() on a 24-megapixel camera-like JPEG (6000x4000, ~8 MB),
// best of 3. Not a CTest test: timings belong in a Release build on a quiet machine.
//   cmake --build <release-build> --target bench_imagepipeline
//   QT_QPA_PLATFORM=offscreen <release-build>/tests/photos/pipeline/bench_imagepipeline
// tests/bench/run-image-bench uses the two modes below to compare with vipsthumbnail on the
// very same file:
//   bench_imagepipeline --write FILE            writes the 24 MP test JPEG
//   bench_imagepipeline --input FILE [--runs N] times the pipeline on FILE, prints each run
//                                               and "median_ms <value>"
#include "data/media/imagepipeline.h"

#include <QBuffer>
#include <QFile>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QImage>
#include <QImageWriter>
#include <QLinearGradient>
#include <QPainter>
#include <QRandomGenerator>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace Qt::Literals::StringLiterals;

namespace {

// Gradients, a hard-edged shape and sensor-like noise, so the JPEG is as dense as a
// camera file (a clean synthetic picture would compress, and decode, far too easily).
QByteArray cameraLikeJpeg(int width, int height)
{
    QImage image(width, height, QImage::Format_RGB32);
    {
        QPainter p(&image);
        QLinearGradient g(0, 0, width, height);
        g.setColorAt(0, QColor(230, 225, 215));
        g.setColorAt(1, QColor(120, 110, 100));
        p.fillRect(image.rect(), g);
        p.setBrush(QColor(180, 30, 40));
        p.drawEllipse(QRectF(width / 6.0, height / 5.0, width * 2 / 3.0, height * 3 / 5.0));
    }
    QRandomGenerator rng(1);
    for (int y = 0; y < height; ++y) {
        auto *line = reinterpret_cast<QRgb *>(image.scanLine(y));
        for (int x = 0; x < width; ++x) {
            const int n = int(rng.bounded(25u)) - 12;
            const QRgb c = line[x];
            line[x] = qRgb(qBound(0, qRed(c) + n, 255), qBound(0, qGreen(c) + n, 255),
                           qBound(0, qBlue(c) + n, 255));
        }
    }
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    QImageWriter writer(&buffer, QByteArrayLiteral("jpeg"));
    writer.setQuality(92);
    writer.write(image);
    return bytes;
}

} // namespace

// The median of `runs` timings of the whole pipeline on the bytes of `path`.
int timeFile(const QString &path, int runs)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        std::printf("cannot read %s\n", qPrintable(path));
        return 1;
    }
    const QByteArray bytes = file.readAll();
    std::vector<double> times;
    for (int run = 1; run <= runs; ++run) {
        QElapsedTimer timer;
        timer.start();
        const auto result = rdk::processProductImage(bytes, u"BENCH-1"_s, path);
        const double ms = double(timer.nsecsElapsed()) / 1e6;
        if (!result.ok()) {
            std::printf("refused: %s\n", qPrintable(result.error().message));
            return 1;
        }
        if (run == 1) {
            for (const rdk::ImageVariant &v : result->variants)
                std::printf("  %-8s %5d x %-5d %9lld bytes\n", qPrintable(v.variant), v.width, v.height,
                            static_cast<long long>(v.bytes.size()));
        }
        std::printf("run %d: %.0f ms\n", run, ms);
        times.push_back(ms);
    }
    std::sort(times.begin(), times.end());
    std::printf("median_ms %.1f\n", times[times.size() / 2]);
    return 0;
}

int main(int argc, char **argv)
{
    QGuiApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.value(1) == u"--write"_s && args.size() == 3) {
        QFile out(args[2]);
        const QByteArray jpeg = cameraLikeJpeg(6000, 4000);
        return out.open(QIODevice::WriteOnly) && out.write(jpeg) == jpeg.size() ? 0 : 1;
    }
    if (args.value(1) == u"--input"_s && args.size() >= 3) {
        const int runs = args.value(3) == u"--runs"_s ? qMax(1, args.value(4).toInt()) : 5;
        return timeFile(args[2], runs);
    }
    const QByteArray jpeg = cameraLikeJpeg(6000, 4000);
    std::printf("input: 6000x4000 JPEG, %.1f MB\n", double(jpeg.size()) / (1024.0 * 1024.0));

    double bestMs = 1e9;
    for (int run = 1; run <= 3; ++run) {
        QElapsedTimer timer;
        timer.start();
        const auto result = rdk::processProductImage(jpeg, u"BENCH-1"_s, u"camera.jpg"_s);
        const double ms = double(timer.nsecsElapsed()) / 1e6;
        if (!result.ok()) {
            std::printf("refused: %s\n", qPrintable(result.error().message));
            return 1;
        }
        std::printf("run %d: %.0f ms\n", run, ms);
        if (run == 1) {
            for (const rdk::ImageVariant &v : result->variants)
                std::printf("  %-8s %5d x %-5d %9lld bytes\n", qPrintable(v.variant), v.width,
                            v.height, static_cast<long long>(v.bytes.size()));
        }
        bestMs = qMin(bestMs, ms);
    }
    std::printf("best of 3: %.0f ms\n", bestMs);
    return 0;
}
