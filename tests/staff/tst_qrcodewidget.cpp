// QrCodeWidget: the module matrix is libqrencode's for the text, the painting is crisp at
// any size (whole pixels per module, pure black and white, quiet zone), and the rendered
// pixels decode back to the text with an independent decoder.
#include "qrdecode.h"

#include "domain/staffadmin.h"
#include "domain/totp.h"
#include "ui/qrcodewidget.h"

#include <QTest>

#include <qrencode.h>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

namespace {

QString enrolmentUri(const QString &login)
{
    return makeTotpEnrolment(login, base32Encode(QByteArray(20, '\x5a'))).value().uri;
}

} // namespace

class TestQrCodeWidget final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void matrix_isLibqrencodesForTheText()
    {
        QrCodeWidget widget;
        const QString uri = enrolmentUri(u"jordan_k"_s);
        QVERIFY(widget.setText(uri));
        QCOMPARE(widget.text(), uri);
        const QByteArray bytes = uri.toUtf8();
        QRcode *code = QRcode_encodeData(int(bytes.size()), reinterpret_cast<const unsigned char *>(bytes.constData()), 0,
                                         QR_ECLEVEL_M);
        QVERIFY(code);
        QCOMPARE(widget.moduleCount(), code->width);
        QCOMPARE(widget.moduleCount(), 17 + 4 * code->version);
        int mismatches = 0;
        for (int y = 0; y < code->width; ++y)
            for (int x = 0; x < code->width; ++x)
                mismatches += widget.isDark(x, y) != bool(code->data[y * code->width + x] & 1);
        QRcode_free(code);
        QCOMPARE(mismatches, 0);
        QVERIFY(!widget.isDark(-1, 0));
        QVERIFY(!widget.isDark(0, widget.moduleCount()));
    }

    void rendering_decodesBackToTheText_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("side");
        QTest::addRow("otpauth, small") << enrolmentUri(u"jordan_k"_s) << 160;
        QTest::addRow("otpauth, long login, odd size") << enrolmentUri(u"a23456789012345678901234567890b"_s) << 333;
        QTest::addRow("payment link, large") << u"https://buy.stripe.com/test_14k3cX8fY0a1bcd9AA"_s << 640;
        QTest::addRow("utf-8 text") << u"Größe 44 – Air Max 1 \u00e9dition"_s << 250;
    }

    void rendering_decodesBackToTheText()
    {
        QFETCH(QString, text);
        QFETCH(int, side);
        QrCodeWidget widget;
        QVERIFY(widget.setText(text));
        widget.resize(side, side);
        const QImage shot = widget.grab().toImage().convertToFormat(QImage::Format_RGB32);
        const auto decoded = test::qr::decode(shot);
        QVERIFY2(decoded.has_value(), "the rendered code did not decode");
        QCOMPARE(QString::fromUtf8(*decoded), text);

        // The decoder is not a rubber stamp: a damaged data area doesn't read as the text.
        QImage damaged = shot;
        for (int y = damaged.height() / 2; y < damaged.height() * 3 / 4; ++y)
            for (int x = damaged.width() / 2; x < damaged.width() * 3 / 4; ++x)
                damaged.setPixel(x, y, qGray(damaged.pixel(x, y)) < 128 ? qRgb(255, 255, 255) : qRgb(0, 0, 0));
        QVERIFY(test::qr::decode(damaged).value_or(QByteArray()) != text.toUtf8());
        QImage blank(side, side, QImage::Format_RGB32);
        blank.fill(Qt::white);
        QVERIFY(!test::qr::decode(blank).has_value());
    }

    void rendering_isCrispWithQuietZone()
    {
        QrCodeWidget widget;
        QVERIFY(widget.setText(enrolmentUri(u"crisp_test"_s)));
        const int modules = widget.moduleCount() + 2 * QrCodeWidget::QuietZone;
        for (int modulePixels : {1, 3, 7}) {
            const QImage image = widget.toImage(modulePixels);
            QCOMPARE(image.width(), modules * modulePixels);
            for (int y = 0; y < image.height(); ++y)
                for (int x = 0; x < image.width(); ++x) {
                    const QRgb p = image.pixel(x, y);
                    QVERIFY(p == qRgb(0, 0, 0) || p == qRgb(255, 255, 255));
                    const int mx = x / modulePixels - QrCodeWidget::QuietZone;
                    const int my = y / modulePixels - QrCodeWidget::QuietZone;
                    QCOMPARE(p == qRgb(0, 0, 0), widget.isDark(mx, my));  // outside the symbol: white
                }
        }
        // Painted in whole device pixels: a 333 px widget still has no grey pixels.
        widget.resize(333, 333);
        const QImage shot = widget.grab().toImage().convertToFormat(QImage::Format_RGB32);
        int grey = 0;
        for (int y = 0; y < shot.height(); ++y)
            for (int x = 0; x < shot.width(); ++x) {
                const int g = qGray(shot.pixel(x, y));
                grey += g > 40 && g < 200 && shot.pixel(x, y) != widget.palette().color(QPalette::Window).rgb();
            }
        QCOMPARE(grey, 0);
    }

    void tooLongText_isRefusedWithAReason()
    {
        QrCodeWidget widget;
        QVERIFY(widget.setText(u"short"_s));
        QVERIFY(!widget.setText(QString(5000, u'x')));
        QCOMPARE(widget.moduleCount(), 0);
        QVERIFY2(widget.errorString().contains(u"too long"_s), qPrintable(widget.errorString()));
        QVERIFY(widget.toImage(4).isNull());
        widget.resize(200, 200);
        QVERIFY(!widget.grab().isNull());  // paints the reason instead of a code
        QVERIFY(widget.setText(QString()));
        QCOMPARE(widget.moduleCount(), 0);
        QVERIFY(widget.errorString().isEmpty());
    }

    void accessibleAndScalable()
    {
        QrCodeWidget widget;
        QVERIFY(!widget.accessibleName().isEmpty());
        QVERIFY(widget.setText(u"https://example.com/pay"_s));
        QVERIFY(widget.accessibleDescription().contains(u"https://example.com/pay"_s));
        QVERIFY(widget.hasHeightForWidth());
        QCOMPARE(widget.heightForWidth(300), 300);
        QVERIFY(widget.sizeHint().width() >= (widget.moduleCount() + 8) * 2);
        widget.setErrorCorrection(QrCodeWidget::ErrorCorrection::High);
        QVERIFY(widget.moduleCount() > 0);
        widget.resize(300, 300);
        QCOMPARE(QString::fromUtf8(test::qr::decode(widget.grab().toImage()).value_or("?")), u"https://example.com/pay"_s);
    }
};

QTEST_MAIN(TestQrCodeWidget)
#include "tst_qrcodewidget.moc"
