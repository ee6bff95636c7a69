// The dashboard screen offscreen against a real PostgreSQL: expected KPI values for a known data
// set, empty states, export, low stock, tenant isolation, and a live update after a payment.
#include "data/pgdashboard.h"
#include "tests/dashboard/dashboardfixture.h"
#include "ui/dashboard/chartcard.h"
#include "ui/dashboard/dashboardscreen.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QImage>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using namespace rdk::data;

class TestDashboardScreen final : public QObject {
    Q_OBJECT

    std::unique_ptr<test::TestDatabase> m_db;
    std::unique_ptr<test::DashboardFixture> m_fx;
    test::Login m_staff;
    QString m_shop;
    QString m_other;
    QString m_lowProduct;
    QString m_pendingToday;

    // Tuesday 2026-03-10, 12:00 in New York (EDT).
    static QDateTime now() { return QDateTime(QDate(2026, 3, 10), QTime(16, 0), Qt::UTC); }

    std::unique_ptr<DashboardScreen> screenFor(const test::Login &login)
    {
        auto screen = std::make_unique<DashboardScreen>(PgDashboardSource::factory(m_db->urlFor(login.login, login.password)));
        screen->setClock(&TestDashboardScreen::now);
        screen->resize(1400, 1000);
        screen->show();
        return screen;
    }

    static bool settle(DashboardScreen &screen)
    {
        return QTest::qWaitFor([&] { return !screen.isLoading(); }, 20000);
    }

private Q_SLOTS:
    void init()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        m_fx = std::make_unique<test::DashboardFixture>(*m_db);
        m_shop = m_fx->createShop(u"ny-shop"_s);
        m_other = m_fx->createShop(u"other-shop"_s);
        m_staff = m_db->createStaff(m_shop, u"staff"_s);
        const QString p1 = m_fx->addProduct(m_shop, u"NY-AJ1"_s, u"Jordan"_s, true, 6);
        m_lowProduct = m_fx->addProduct(m_shop, u"NY-SAMBA"_s, u"Adidas"_s, false, 1);
        using L = test::DashboardFixture::Line;
        auto paid = [&](const QString &tenant, const QString &channel, const QString &at, const QList<L> &lines) {
            const QString id = m_fx->placeOrder(tenant, channel, at, lines);
            m_fx->pay(tenant, id, at);
            return id;
        };
        paid(m_shop, u"online"_s, u"2026-03-10 14:00Z"_s, {{p1, u"10"_s, 2, 10000}});   // today: 209.95
        paid(m_shop, u"pos"_s, u"2026-03-10 15:00Z"_s, {{m_lowProduct, {}, 1, 5000}});  // today: 50.00
        paid(m_shop, u"online"_s, u"2026-03-09 15:00Z"_s, {{p1, u"9"_s, 1, 10000}});     // yesterday: 109.95
        const QString refunded = paid(m_shop, u"pos"_s, u"2026-03-01 17:00Z"_s, {{p1, u"11"_s, 1, 10000}});
        m_fx->setStatus(m_shop, refunded, u"partially_refunded"_s, 4000);
        m_pendingToday = m_fx->placeOrder(m_shop, u"online"_s, u"2026-03-10 15:30Z"_s, {{p1, u"10"_s, 1, 10000}});
        QList<std::pair<QString, QString>> views;
        for (int i = 0; i < 10; ++i)
            views.append({u"2026-03-10 1%1:00Z"_s.arg(i), QString::number(i % 4 + 1)});
        m_fx->views(m_shop, views);
        // Another shop sells and is visited on the same days; none of it may show up.
        const QString op = m_fx->addProduct(m_other, u"OT-1"_s, u"Nike"_s, false, 50);
        paid(m_other, u"online"_s, u"2026-03-10 14:00Z"_s, {{op, {}, 5, 99900}});
        m_fx->views(m_other, {{u"2026-03-10 14:00Z"_s, u"77"_s}, {u"2026-03-10 14:01Z"_s, u"78"_s}});
    }

    void cleanup()
    {
        m_fx.reset();
        m_db.reset();
    }

    void knownDataSet_showsExpectedKpis()
    {
        QElapsedTimer timer;
        timer.start();
        auto screen = screenFor(m_staff);
        QVERIFY(settle(*screen));
        const QPixmap painted = screen->grab();
        qInfo("dashboard loaded and painted offscreen in %lld ms", static_cast<long long>(timer.elapsed()));
        QVERIFY(!painted.isNull());
        QCOMPARE(screen->kpiText(u"revenue-today"_s), u"$259.95"_s);
        QCOMPARE(screen->kpiText(u"revenue-7d"_s), u"$369.90"_s);
        QCOMPARE(screen->kpiText(u"revenue-30d"_s), u"$429.90"_s);  // the 100.00 sale minus its 40.00 refund
        QCOMPARE(screen->kpiText(u"orders"_s), u"4"_s);
        QCOMPARE(screen->kpiText(u"aov"_s), u"$117.48"_s);  // 469.90 / 4, rounded half up
        QCOMPARE(screen->kpiText(u"visitors"_s), u"4"_s);
        QCOMPARE(screen->kpiText(u"conversion"_s), u"50.00 %"_s);  // 2 online orders / 4 visitors
        QCOMPARE(screen->kpiText(u"refunds"_s), u"$40.00"_s);
        QCOMPARE(screen->snapshot().topBrands.size(), 2);
        QCOMPARE(screen->snapshot().topBrands.first().label, u"Jordan"_s);

        screen->setPeriod(PeriodKind::Last7);
        QVERIFY(settle(*screen));
        QCOMPARE(screen->kpiText(u"orders"_s), u"3"_s);
        QCOMPARE(screen->kpiText(u"refunds"_s), u"$0.00"_s);
    }

    void export_writesCsvAndPng()
    {
        auto screen = screenFor(m_staff);
        QVERIFY(settle(*screen));
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString csvPath = dir.filePath(u"revenue.csv"_s);
        QVERIFY(screen->exportChartCsv(u"revenue"_s, csvPath).ok());
        QFile csv(csvPath);
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(csv.readAll()).split(u"\r\n"_s, Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 31);
        QCOMPARE(lines.first(), u"day,online_net,pos_net,total_net,currency"_s);
        QCOMPARE(lines.last(), u"2026-03-10,209.95,50.00,259.95,USD"_s);
        for (const QString &id : screen->chartIds())
            QVERIFY2(!screen->chartCsv(id).isEmpty(), qPrintable(id));
        const QString png = dir.filePath(u"visitors.png"_s);
        QVERIFY(screen->exportChartPng(u"visitors"_s, png).ok());
        const QImage image(png);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() > 100 && image.height() > 100);
        QVERIFY(!screen->exportChartPng(u"../../etc/passwd"_s, png).ok());
        QVERIFY(!screen->exportChartCsv(u"nope"_s, csvPath).ok());
        QVERIFY(!screen->exportChartCsv(u"revenue"_s, dir.filePath(u"missing/folder/x.csv"_s)).ok());
    }

    void lowStock_opensTheProduct()
    {
        auto screen = screenFor(m_staff);
        QVERIFY(settle(*screen));
        auto *table = screen->findChild<QTableWidget *>(u"low-stock-table"_s);
        QVERIFY(table);
        // The Samba (flat, 1 left, then 1 sold) is out; Jordan size 10 is 6 - 2 sold = 4, not low.
        QVERIFY(table->rowCount() >= 1);
        QCOMPARE(table->item(0, 0)->text(), u"Model NY-SAMBA"_s);
        QSignalSpy open(screen.get(), &DashboardScreen::openProductRequested);
        Q_EMIT table->cellActivated(0, 0);
        QCOMPARE(open.size(), 1);
        QCOMPARE(open.first().first().toString(), m_lowProduct);
    }

    void newShop_showsEmptyStatesThatExplain()
    {
        const QString fresh = m_fx->createShop(u"fresh-shop"_s);
        const test::Login owner = m_db->createStaff(fresh, u"ops"_s);
        auto screen = screenFor(owner);
        QVERIFY(settle(*screen));
        QCOMPARE(screen->kpiText(u"revenue-30d"_s), u"$0.00"_s);
        QCOMPARE(screen->kpiText(u"aov"_s), u"—"_s);
        for (const QString &id : {u"revenue"_s, u"visitors"_s, u"top-products"_s, u"low-stock"_s}) {
            auto *card = screen->findChild<ChartCard *>(u"card-"_s + id);
            QVERIFY2(card && card->isEmpty(), qPrintable(id));
            QVERIFY2(card->emptyMessage().size() > 30, qPrintable(card->emptyMessage()));
        }
        QVERIFY(screen->findChild<ChartCard *>(u"card-revenue"_s)->emptyMessage().contains(u"No paid orders"_s));
        QVERIFY(!screen->exportChartPng(u"revenue"_s, QDir::temp().filePath(u"never.png"_s)).ok());
    }

    void customRange_badInputIsRefused()
    {
        auto screen = screenFor(m_staff);
        QVERIFY(settle(*screen));
        QVERIFY(!screen->setCustomRange(QDate(2026, 3, 10), QDate(2026, 3, 1)).ok());
        QVERIFY(!screen->setCustomRange(QDate(1900, 1, 1), QDate(2026, 3, 1)).ok());
        QVERIFY(screen->setCustomRange(QDate(2026, 3, 1), QDate(2026, 3, 1)).ok());
        QVERIFY(settle(*screen));
        QCOMPARE(screen->kpiText(u"orders"_s), u"1"_s);
        QCOMPARE(screen->kpiText(u"refunds"_s), u"$40.00"_s);
    }

    void livePayment_updatesOnlyWhatChanged()
    {
        PgDashboardFeed feed(m_db->urlFor(m_staff.login, m_staff.password), m_shop);
        QVERIFY(feed.start());
        auto screen = screenFor(m_staff);
        screen->setChangeFeed(&feed);
        QVERIFY(settle(*screen));
        QCOMPARE(screen->kpiText(u"revenue-today"_s), u"$259.95"_s);
        const int loadsBefore = screen->loadCount();
        QSignalSpy loaded(screen.get(), &DashboardScreen::loaded);
        QElapsedTimer timer;
        timer.start();
        {
                m_fx->pay(m_shop, m_pendingToday, u"2026-03-10 15:45Z"_s);
        }
        QTRY_COMPARE_WITH_TIMEOUT(screen->kpiText(u"revenue-today"_s), u"$369.90"_s, 10000);
        qInfo("payment visible on the dashboard after %lld ms", static_cast<long long>(timer.elapsed()));
        QVERIFY(settle(*screen));
        QCOMPARE(screen->loadCount(), loadsBefore + 1);
        QCOMPARE(screen->lastLoadedParts(), unsigned(SalesPart | ItemsPart));  // not visitors, not stock

        // Another shop's sale never reloads this dashboard.
        {
                const QString op = m_fx->addProduct(m_other, u"OT-2"_s, u"Nike"_s, false, 5);
            const QString id = m_fx->placeOrder(m_other, u"pos"_s, u"2026-03-10 15:00Z"_s, {{op, {}, 1, 100}});
            m_fx->pay(m_other, id, u"2026-03-10 15:50Z"_s);
        }
        QTest::qWait(750);   // proves a negative: three debounce periods (250 ms) with no reload
        QCOMPARE(screen->loadCount(), loadsBefore + 1);
        QCOMPARE(screen->kpiText(u"revenue-today"_s), u"$369.90"_s);
    }

    void darkPalette_restylesTilesAndCharts()
    {
        auto screen = screenFor(m_staff);
        QVERIFY(settle(*screen));
        auto *tile = screen->findChild<QWidget *>(u"kpi-revenue-today"_s);
        QVERIFY(tile);
        const QString light = tile->styleSheet();
        QPalette dark;
        dark.setColor(QPalette::Window, QColor(0x20, 0x22, 0x26));
        dark.setColor(QPalette::WindowText, QColor(0xe8, 0xea, 0xed));
        dark.setColor(QPalette::Base, QColor(0x18, 0x1a, 0x1e));
        dark.setColor(QPalette::Text, QColor(0xe8, 0xea, 0xed));
        screen->setPalette(dark);
        QCoreApplication::processEvents();
        QVERIFY(tile->styleSheet() != light);
        QVERIFY2(!tile->styleSheet().contains(u"#ffffff"_s), qPrintable(tile->styleSheet()));
        QCOMPARE(screen->kpiText(u"revenue-today"_s), u"$259.95"_s);  // figures survive the restyle
        QVERIFY(!screen->grab().isNull());
    }

    void feed_ignoresHostilePayloads()
    {
        // Payloads arrive on the shop's own channels (migration 0013) and name no shop: the
        // feed only learns what to reload, and reloads through row-level security.
        PgDashboardFeed feed(std::string(), m_shop);
        QSignalSpy sales(&feed, &DashboardChangeFeed::salesChanged);
        QSignalSpy stock(&feed, &DashboardChangeFeed::stockChanged);
        const QList<QByteArray> bad = {
            "", "not json", "[]", "{\"what\": 5}",
            "{\"what\":\"sales\",\"from\":\"2026-13-01\",\"to\":\"2026-03-02\"}",
            "{\"what\":\"sales\",\"from\":\"2026-03-05\",\"to\":\"2026-03-01\"}",
            "{\"what\":\"drop tables\"}",
            "{\"what\":\"sales\",\"from\":\"2026-03-01\",\"to\":\"2026-03-02\",\"x\":\"" + QByteArray(9000, 'a') + "\"}",
        };
        for (const QByteArray &payload : bad)
            feed.handle(u"dashboard"_s, payload);
        feed.handle(u"catalog"_s, "{\"entity\":\"product\"}");
        feed.handle(u"rdk_dashboard"_s, "{\"what\":\"sales\",\"from\":\"2026-03-01\",\"to\":\"2026-03-02\"}");
        feed.handle(u"orders"_s, "{\"entity\":\"inventory\"}");
        QCOMPARE(sales.size(), 0);
        QCOMPARE(stock.size(), 0);
        feed.handle(u"dashboard"_s, "{\"what\":\"sales\",\"from\":\"2026-03-01\",\"to\":\"2026-03-02\"}");
        feed.handle(u"catalog"_s, "{\"entity\":\"inventory\",\"id\":\"6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f\"}");
        QCOMPARE(sales.size(), 1);
        QCOMPARE(sales.first().at(0).toString(), m_shop);
        QCOMPARE(sales.first().at(1).toDate(), QDate(2026, 3, 1));
        QCOMPARE(stock.size(), 1);
    }
};

QTEST_MAIN(TestDashboardScreen)
#include "tst_dashboard_screen.moc"
