#include "data/demo/democatalog.h"

#include "domain/sizes.h"

#include <QHash>
#include <QRegularExpression>
#include <QSet>
#include <QTimeZone>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using rdk::Product;

namespace {

QString describe(const QList<rdk::FieldError> &errors)
{
    QStringList parts;
    for (const rdk::FieldError &e : errors)
        parts << e.field + u": "_s + e.message;
    return parts.join(u"; "_s);
}

// A fixed Friday afternoon, so the weekend pattern is the same on every run.
QDateTime fixedNow()
{
    return QDateTime(QDate(2026, 3, 13), QTime(16, 30), QTimeZone::utc());
}

} // namespace

class TestDemoCatalog final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void demoCatalog_anySeed_meetsShopInvariants_data();
    void demoCatalog_anySeed_meetsShopInvariants();
    void demoCatalog_sameSeed_sameCatalog();
    void demoCatalog_otherCurrency_pricedInIt_data();
    void demoCatalog_otherCurrency_pricedInIt();
    void demoCatalog_invalidCurrency_empty();

    void demoOrders_anySeed_consistentWithCatalog_data();
    void demoOrders_anySeed_consistentWithCatalog();
    void demoOrders_fourWeeks_busierOnWeekends();
    void demoOrders_sameSeed_sameHistory();

    void demoPhotoSeed_colorway_picksMatchingPalette();
};

void TestDemoCatalog::demoCatalog_anySeed_meetsShopInvariants_data()
{
    QTest::addColumn<quint32>("seed");
    QTest::addRow("default seed") << quint32(2026);
    QTest::addRow("seed 0") << quint32(0);
    QTest::addRow("seed 7") << quint32(7);
    QTest::addRow("seed max") << quint32(0xFFFFFFFFu);
}

void TestDemoCatalog::demoCatalog_anySeed_meetsShopInvariants()
{
    QFETCH(quint32, seed);
    const QList<Product> catalog = rdk::demoCatalog(u"USD"_s, seed);

    QVERIFY(catalog.size() >= 72);
    const QRegularExpression skuShape(u"^[A-Z0-9][A-Z0-9-]{2,39}$"_s);
    QSet<QString> skus;
    QSet<QString> brands;
    int soldOut = 0, used = 0, flat = 0, published = 0, singleSizeLeft = 0, womens = 0, gradeSchool = 0;
    for (const Product &p : catalog) {
        const QList<rdk::FieldError> errors = rdk::validateProduct(p);
        QVERIFY2(errors.isEmpty(), qPrintable(p.sku + u" -> "_s + describe(errors)));
        QVERIFY2(skuShape.match(p.sku).hasMatch(), qPrintable(p.sku));
        QVERIFY2(!skus.contains(p.sku), qPrintable(u"duplicate SKU "_s + p.sku));
        skus.insert(p.sku);
        brands.insert(p.brand);
        QVERIFY2(!p.description.isEmpty() && p.description.size() < 300, qPrintable(p.sku));
        QCOMPARE(p.price.currency(), u"USD"_s);

        const bool isShoe = p.inventoryStrategy == rdk::InventoryStrategy::PerSize;
        if (isShoe && p.condition == rdk::Condition::New)
            QVERIFY2(p.price.minor() >= 90'00 && p.price.minor() <= 450'00, qPrintable(p.sku));
        if (p.condition == rdk::Condition::Used) {
            ++used;
            QVERIFY2(p.usedGrade != rdk::UsedGrade::None, qPrintable(p.sku));
            QVERIFY2(p.price.minor() < 450'00, qPrintable(p.sku));
        }
        if (!isShoe) {
            ++flat;
            QVERIFY2(p.sizeRun.isEmpty() && p.stock.size() == 1, qPrintable(p.sku));
        } else {
            QCOMPARE(p.stock.size(), p.sizeRun.size()); // a row for every size in the run
        }
        if (p.sizeSystem == rdk::SizeSystem::Womens)
            ++womens;
        if (p.sizeSystem == rdk::SizeSystem::GradeSchool)
            ++gradeSchool;
        if (p.totalStock() == 0)
            ++soldOut;
        int sizesInStock = 0;
        for (const rdk::SizeStock &row : p.stock)
            sizesInStock += row.quantity > 0 ? 1 : 0;
        if (isShoe && sizesInStock == 1 && p.sizeRun.size() > 1)
            ++singleSizeLeft;
        published += p.published ? 1 : 0;
    }
    QVERIFY(brands.size() >= 6);
    QVERIFY2(soldOut >= 3 && soldOut <= catalog.size() * 15 / 100, qPrintable(QString::number(soldOut)));
    QVERIFY2(used >= catalog.size() / 6 && used <= catalog.size() / 3, qPrintable(QString::number(used)));
    QVERIFY(flat >= 1);
    QVERIFY(singleSizeLeft >= 1);
    QVERIFY(womens >= 1 && gradeSchool >= 1);
    QVERIFY2(published >= catalog.size() * 80 / 100 && published < catalog.size(),
             qPrintable(QString::number(published)));
}

void TestDemoCatalog::demoCatalog_sameSeed_sameCatalog()
{
    const QList<Product> a = rdk::demoCatalog(u"USD"_s, 99);
    const QList<Product> b = rdk::demoCatalog(u"USD"_s, 99);
    const QList<Product> other = rdk::demoCatalog(u"USD"_s, 100);
    QCOMPARE(a.size(), b.size());
    bool differs = false;
    for (qsizetype i = 0; i < a.size(); ++i) {
        QCOMPARE(a[i].sku, b[i].sku);
        QCOMPARE(a[i].price.minor(), b[i].price.minor());
        QCOMPARE(a[i].totalStock(), b[i].totalStock());
        QCOMPARE(a[i].published, b[i].published);
        differs = differs || a[i].sku != other[i].sku || a[i].totalStock() != other[i].totalStock();
    }
    QVERIFY(differs);
}

void TestDemoCatalog::demoCatalog_otherCurrency_pricedInIt_data()
{
    QTest::addColumn<QString>("currency");
    QTest::addColumn<qint64>("minorUnitStep"); // whole amounts: multiples of this
    QTest::addRow("euro") << u"EUR"_s << qint64(100);
    QTest::addRow("yen, no minor unit") << u"JPY"_s << qint64(100);
    QTest::addRow("dinar, three decimals") << u"KWD"_s << qint64(1000);
}

void TestDemoCatalog::demoCatalog_otherCurrency_pricedInIt()
{
    QFETCH(QString, currency);
    QFETCH(qint64, minorUnitStep);
    const QList<Product> catalog = rdk::demoCatalog(currency);
    QVERIFY(catalog.size() >= 72);
    for (const Product &p : catalog) {
        QCOMPARE(p.price.currency(), currency);
        QVERIFY2(p.price.minor() > 0 && p.price.minor() % minorUnitStep == 0, qPrintable(p.sku));
        QVERIFY(rdk::validateProduct(p).isEmpty());
    }
}

void TestDemoCatalog::demoCatalog_invalidCurrency_empty()
{
    QVERIFY(rdk::demoCatalog(u"dollars"_s).isEmpty());
}

void TestDemoCatalog::demoOrders_anySeed_consistentWithCatalog_data()
{
    QTest::addColumn<quint32>("seed");
    QTest::addRow("default seed") << quint32(2026);
    QTest::addRow("seed 1") << quint32(1);
    QTest::addRow("seed 424242") << quint32(424242);
}

void TestDemoCatalog::demoOrders_anySeed_consistentWithCatalog()
{
    QFETCH(quint32, seed);
    const QList<Product> catalog = rdk::demoCatalog(u"USD"_s, seed);
    QHash<QString, const Product *> bySku;
    for (const Product &p : catalog)
        bySku.insert(p.sku, &p);

    const QDateTime now = fixedNow();
    const QList<rdk::DemoOrder> orders = rdk::demoOrders(catalog, now, 28, seed);
    QVERIFY(orders.size() >= 28 * 3 && orders.size() <= 28 * 12);

    QSet<rdk::OrderStatus> statuses;
    QSet<rdk::OrderChannel> channels;
    QDateTime previous;
    for (const rdk::DemoOrder &o : orders) {
        QVERIFY(o.createdAt.isValid() && o.createdAt <= now && o.createdAt > now.addDays(-28));
        QVERIFY(!previous.isValid() || previous <= o.createdAt); // oldest first
        previous = o.createdAt;
        statuses.insert(o.status);
        channels.insert(o.channel);
        if (o.channel == rdk::OrderChannel::Online)
            QVERIFY2(o.customerEmail.endsWith(u"@example.com"_s) && o.customerEmail.contains(u'.'),
                     qPrintable(o.customerEmail));
        else
            QVERIFY2(o.customerEmail.isEmpty(), qPrintable(o.customerEmail));

        QVERIFY(o.lines.size() >= 1 && o.lines.size() <= 3);
        for (const rdk::OrderLine &line : o.lines) {
            const Product *p = bySku.value(line.sku);
            QVERIFY2(p, qPrintable(u"not in the catalog: "_s + line.sku));
            if (p->inventoryStrategy == rdk::InventoryStrategy::PerSize)
                QVERIFY2(p->sizeRun.contains(line.size), qPrintable(line.sku + u" size "_s + line.size));
            else
                QVERIFY(line.size.isEmpty());
            if (p->condition == rdk::Condition::Used)
                QCOMPARE(p->totalStock(), 0); // only pairs that have sold
            QVERIFY(line.unitPrice == p->price);
            const rdk::Result<rdk::Money> total = line.lineTotal();
            QVERIFY2(total.ok(), qPrintable(total.ok() ? QString() : total.error().message));
            QVERIFY(total->minor() > 0);
        }
    }
    QCOMPARE(channels.size(), 2);
    QVERIFY(statuses.contains(rdk::OrderStatus::Fulfilled));
    QVERIFY(statuses.contains(rdk::OrderStatus::Shipped) || statuses.contains(rdk::OrderStatus::Paid));
    QVERIFY(statuses.contains(rdk::OrderStatus::Refunded) || statuses.contains(rdk::OrderStatus::Canceled)
            || statuses.contains(rdk::OrderStatus::PartiallyRefunded));
    QVERIFY(statuses.size() >= 4);
}

void TestDemoCatalog::demoOrders_fourWeeks_busierOnWeekends()
{
    const QList<Product> catalog = rdk::demoCatalog();
    const QList<rdk::DemoOrder> orders = rdk::demoOrders(catalog, fixedNow(), 28);
    QHash<QDate, int> perDay;
    for (const rdk::DemoOrder &o : orders)
        ++perDay[o.createdAt.date()];
    QCOMPARE(perDay.size(), 28);
    int weekend = 0, weekendDays = 0, weekday = 0, weekdays = 0;
    for (auto it = perDay.cbegin(); it != perDay.cend(); ++it) {
        QVERIFY2(it.value() >= 3 && it.value() <= 12, qPrintable(it.key().toString(Qt::ISODate)));
        if (it.key().dayOfWeek() >= 6) {
            weekend += it.value();
            ++weekendDays;
        } else {
            weekday += it.value();
            ++weekdays;
        }
    }
    QVERIFY(double(weekend) / weekendDays > 1.3 * double(weekday) / weekdays);
}

void TestDemoCatalog::demoOrders_sameSeed_sameHistory()
{
    const QList<Product> catalog = rdk::demoCatalog();
    const QList<rdk::DemoOrder> a = rdk::demoOrders(catalog, fixedNow(), 14, 5);
    const QList<rdk::DemoOrder> b = rdk::demoOrders(catalog, fixedNow(), 14, 5);
    QCOMPARE(a.size(), b.size());
    for (qsizetype i = 0; i < a.size(); ++i) {
        QCOMPARE(a[i].createdAt, b[i].createdAt);
        QCOMPARE(rdk::toString(a[i].status), rdk::toString(b[i].status));
        QCOMPARE(a[i].lines.size(), b[i].lines.size());
        QCOMPARE(a[i].lines.first().sku, b[i].lines.first().sku);
    }
    QVERIFY(rdk::demoOrders({}, fixedNow()).isEmpty());
}

void TestDemoCatalog::demoPhotoSeed_colorway_picksMatchingPalette()
{
    Product chicago;
    chicago.sku = u"AJ1-CHI-LF"_s;
    chicago.colorway = u"Chicago Lost & Found"_s;
    Product panda;
    panda.sku = u"DNK-LO-PANDA"_s;
    panda.colorway = u"Panda"_s;
    QCOMPARE(rdk::demoPhotoSeed(chicago) % 12, 0u); // palette 0: Chicago
    QCOMPARE(rdk::demoPhotoSeed(panda) % 12, 1u);   // palette 1: Panda
    QCOMPARE(rdk::demoPhotoSeed(chicago), rdk::demoPhotoSeed(chicago));
}

QTEST_GUILESS_MAIN(TestDemoCatalog)
#include "tst_democatalog.moc"
