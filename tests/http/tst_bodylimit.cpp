// Request body limits per route family; QHttpServer 6.4 enforces none itself.
#include "sync/http/bodylimit.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using rdk::sync::RouteFamily;

Q_DECLARE_METATYPE(RouteFamily)

class TstBodyLimit final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void bodyLimitFor_perFamilyAndMethod_data();
    void bodyLimitFor_perFamilyAndMethod();
    void bodyTooLarge_decides_data();
    void bodyTooLarge_decides();
};

void TstBodyLimit::bodyLimitFor_perFamilyAndMethod_data()
{
    QTest::addColumn<RouteFamily>("family");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<qint64>("expected");
    QTest::addRow("checkout post 16 KiB") << RouteFamily::Checkout << "POST"_ba << qint64(16 * 1024);
    QTest::addRow("webhook post 512 KiB") << RouteFamily::Webhook << "POST"_ba << qint64(512 * 1024);
    QTest::addRow("login post 8 KiB") << RouteFamily::Auth << "POST"_ba << qint64(8 * 1024);
    QTest::addRow("api put 8 KiB") << RouteFamily::Api << "PUT"_ba << qint64(8 * 1024);
    QTest::addRow("get page none") << RouteFamily::Pages << "GET"_ba << qint64(0);
    QTest::addRow("get checkout none") << RouteFamily::Checkout << "GET"_ba << qint64(0);
    QTest::addRow("head none") << RouteFamily::Media << "HEAD"_ba << qint64(0);
    QTest::addRow("delete none") << RouteFamily::Api << "DELETE"_ba << qint64(0);
    QTest::addRow("invented method none") << RouteFamily::Api << "BREW"_ba << qint64(0);
}

void TstBodyLimit::bodyLimitFor_perFamilyAndMethod()
{
    QFETCH(RouteFamily, family);
    QFETCH(QByteArray, method);
    QFETCH(qint64, expected);
    QCOMPARE(rdk::sync::bodyLimitFor(family, method), expected);
}

void TstBodyLimit::bodyTooLarge_decides_data()
{
    QTest::addColumn<qint64>("contentLength");
    QTest::addColumn<qsizetype>("received");
    QTest::addColumn<qint64>("limit");
    QTest::addColumn<bool>("tooLarge");
    QTest::addRow("exactly the limit") << qint64(16384) << qsizetype(16384) << qint64(16384) << false;
    QTest::addRow("one over declared") << qint64(16385) << qsizetype(0) << qint64(16384) << true;
    QTest::addRow("one over received") << qint64(10) << qsizetype(16385) << qint64(16384) << true;
    QTest::addRow("no header, small body") << qint64(-1) << qsizetype(100) << qint64(16384) << false;
    QTest::addRow("no header, big body") << qint64(-1) << qsizetype(20000) << qint64(16384) << true;
    QTest::addRow("GET with any body") << qint64(1) << qsizetype(1) << qint64(0) << true;
    QTest::addRow("GET without body") << qint64(-1) << qsizetype(0) << qint64(0) << false;
    QTest::addRow("GET declares zero") << qint64(0) << qsizetype(0) << qint64(0) << false;
    QTest::addRow("huge declared") << (qint64(1) << 40) << qsizetype(0) << qint64(512 * 1024) << true;
}

void TstBodyLimit::bodyTooLarge_decides()
{
    QFETCH(qint64, contentLength);
    QFETCH(qsizetype, received);
    QFETCH(qint64, limit);
    QFETCH(bool, tooLarge);
    QCOMPARE(rdk::sync::bodyTooLarge(contentLength, received, limit), tooLarge);
    static_assert(rdk::sync::bodyTooLarge(17, 0, 16));   // usable at compile time
}

QTEST_GUILESS_MAIN(TstBodyLimit)
#include "tst_bodylimit.moc"
