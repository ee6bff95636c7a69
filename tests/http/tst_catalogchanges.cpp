// rdk-sync's catalog notices (sync/catalogchanges): a notice is a wake-up that any login of the
// shop can forge (migration 0013), so a malformed or unknown one drops nothing, a well-formed
// one drops only the catalog lists and the pages of the product it names, and a flood is
// coalesced into bounded work. What a change drops is handed on for the keeping edge to fetch
// again (ADR 0034). No database, no network.
#include "sync/catalogcache.h"
#include "sync/catalogchanges.h"

#include <QSignalSpy>
#include <QTest>
#include <QUuid>

using namespace Qt::Literals::StringLiterals;
using rdk::sync::CachedResponse;
using rdk::sync::CatalogCache;
using rdk::sync::CatalogChanges;

namespace {

const QString kShoe = u"6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f"_s;
const QString kBoot = u"0d3b1a52-6a3e-4f0e-9a55-1f2b3c4d5e6f"_s;

QByteArray notice(const QString &entity, const QString &id)
{
    return u"{\"entity\":\"%1\",\"id\":\"%2\"}"_s.arg(entity, id).toUtf8();
}

} // namespace

class TestCatalogChanges final : public QObject {
    Q_OBJECT

    std::unique_ptr<CatalogCache> m_cache;

    // Two catalog pages and two product pages (as the server tags them), five answers in all.
    void fill()
    {
        const quint64 g = m_cache->generation();
        m_cache->store(u"page:/"_s, CachedResponse{"list", "text/html", "\"1\""}, {u"catalog"_s}, g);
        m_cache->store(u"api:catalog"_s, CachedResponse{"[]", "application/json", "\"2\""}, {u"catalog"_s}, g);
        m_cache->store(u"page:/products/SHOE"_s, CachedResponse{"shoe", "text/html", "\"3\""},
                       {CatalogChanges::productTag(kShoe)}, g);
        m_cache->store(u"api:product:SHOE"_s, CachedResponse{"{}", "application/json", "\"4\""},
                       {CatalogChanges::productTag(kShoe)}, g);
        m_cache->store(u"page:/products/BOOT"_s, CachedResponse{"boot", "text/html", "\"5\""},
                       {CatalogChanges::productTag(kBoot)}, g);
        QCOMPARE(m_cache->size(), 5);
    }

private Q_SLOTS:
    void init()
    {
        m_cache = std::make_unique<CatalogCache>();
        fill();
    }

    void forgedGarbage_dropsNothing_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addRow("empty") << QByteArray();
        QTest::addRow("not json") << QByteArray("flush everything");
        QTest::addRow("array") << QByteArray("[]");
        QTest::addRow("old payload without entity") << u"{\"tenant\":\"%1\",\"sku\":\"SHOE\"}"_s.arg(kShoe).toUtf8();
        QTest::addRow("unknown entity") << notice(u"order"_s, kShoe);
        QTest::addRow("entity not a string") << u"{\"entity\":7,\"id\":\"%1\"}"_s.arg(kShoe).toUtf8();
        QTest::addRow("no id") << QByteArray("{\"entity\":\"product\"}");
        QTest::addRow("id not a uuid") << notice(u"product"_s, u"SHOE"_s);
        QTest::addRow("id with sql") << notice(u"product"_s, u"x'; DROP TABLE products; --"_s);
        QTest::addRow("id a number") << QByteArray("{\"entity\":\"product\",\"id\":12}");
        QTest::addRow("id in braces") << notice(u"product"_s, u"{"_s + kShoe + u"}"_s);
        QTest::addRow("id in capitals") << notice(u"product"_s, kShoe.toUpper());
        QTest::addRow("oversized") << u"{\"entity\":\"product\",\"id\":\"%1\",\"x\":\"%2\"}"_s
                                          .arg(kShoe, QString(9000, u'x')).toUtf8();
    }
    void forgedGarbage_dropsNothing()
    {
        QFETCH(QByteArray, payload);
        CatalogChanges changes(*m_cache, 10);
        QSignalSpy flushed(&changes, &CatalogChanges::flushed);
        QVERIFY(!changes.notice(payload));
        QCOMPARE(changes.pendingProducts(), 0);
        QTest::qWait(50);   // proves a negative: five 10 ms flush periods with nothing flushed
        QCOMPARE(changes.flush(), 0);
        QCOMPARE(flushed.size(), 0);
        QCOMPARE(m_cache->size(), 5);
        QVERIFY(m_cache->find(u"page:/"_s));
        QVERIFY(m_cache->find(u"page:/products/SHOE"_s));
    }

    void wellFormedNotice_dropsOnlyWhatItNames_data()
    {
        QTest::addColumn<QString>("entity");
        QTest::addRow("product") << u"product"_s;
        QTest::addRow("inventory") << u"inventory"_s;
        QTest::addRow("image") << u"image"_s;
    }
    void wellFormedNotice_dropsOnlyWhatItNames()
    {
        // The positive control of the test above: the honest notice of a change to SHOE.
        QFETCH(QString, entity);
        CatalogChanges changes(*m_cache, 10);
        QSignalSpy flushed(&changes, &CatalogChanges::flushed);
        QVERIFY(changes.notice(notice(entity, kShoe)));
        QTRY_COMPARE(flushed.size(), 1);
        QCOMPARE(flushed[0][0].toInt(), 1);
        QCOMPARE(flushed[0][1].toInt(), 4);
        QCOMPARE(flushed[0][2].toBool(), false);
        QVERIFY(!m_cache->find(u"page:/"_s));
        QVERIFY(!m_cache->find(u"api:catalog"_s));
        QVERIFY(!m_cache->find(u"page:/products/SHOE"_s));
        QVERIFY(!m_cache->find(u"api:product:SHOE"_s));
        QVERIFY(m_cache->find(u"page:/products/BOOT"_s));   // another product's page stays
    }

    // The shop's settings changed (rdk.set_shop_settings): its policy pages go, the catalog stays.
    void shopNotice_dropsOnlyTheShopsPages()
    {
        m_cache->store(u"page:/policies/returns#cart=0"_s, CachedResponse{"returns", "text/html", "\"7\""},
                       {CatalogChanges::shopTag()}, m_cache->generation());
        CatalogChanges changes(*m_cache, 10);
        QSignalSpy flushed(&changes, &CatalogChanges::flushed);
        QVERIFY(changes.notice("{\"entity\":\"shop\"}"));
        QTRY_COMPARE(flushed.size(), 1);
        QCOMPARE(flushed[0][0].toInt(), 0);   // no product named
        QCOMPARE(flushed[0][1].toInt(), 1);
        QVERIFY(!m_cache->find(u"page:/policies/returns#cart=0"_s));
        QCOMPARE(m_cache->size(), 5);         // the catalog's five answers stay
        // Malformed shop notices drop nothing, like any other.
        m_cache->store(u"page:/contact#cart=0"_s, CachedResponse{"contact", "text/html", "\"8\""}, {CatalogChanges::shopTag()},
                       m_cache->generation());
        QVERIFY(!changes.notice(notice(u"shop"_s, kShoe)));   // the shop's notice names nothing
        QVERIFY(!changes.notice("{\"entity\":\"Shop\"}"));
        QVERIFY(!changes.notice("[\"shop\"]"));
        QCOMPARE(changes.flush(), 0);
        QVERIFY(m_cache->find(u"page:/contact#cart=0"_s));
    }

    // A page with a countdown shows the time it was made; kept longer, a shopper's countdown
    // (which drop.js sets from the page's clock) would run behind by the page's age.
    // ADR 0034: how long an edge may keep each kind of answer, and what it is asked to fetch
    // again when a change drops it here.
    void edgeKeep_dependsOnWhatTheAnswerShows()
    {
        QCOMPARE(CatalogCache::edgeKeepSeconds({CatalogChanges::productTag(kShoe)}), CatalogCache::kEdgeKeepSeconds);
        QCOMPARE(CatalogCache::edgeKeepSeconds({CatalogChanges::shopTag()}), CatalogCache::kEdgeKeepSeconds);
        QCOMPARE(CatalogCache::edgeKeepSeconds({u"catalog"_s}), CatalogCache::kEdgeListSeconds);
        QCOMPARE(CatalogCache::edgeKeepSeconds({CatalogChanges::productTag(kShoe), CatalogCache::clockTag()}), 0);
        QCOMPARE(m_cache->find(u"page:/products/SHOE"_s)->edgeKeepSeconds, CatalogCache::kEdgeKeepSeconds);
        QCOMPARE(m_cache->find(u"page:/"_s)->edgeKeepSeconds, CatalogCache::kEdgeListSeconds);
    }

    void answerMadeDuringAChange_isNotKept()
    {
        const quint64 before = m_cache->generation();
        m_cache->invalidateTag(CatalogChanges::productTag(kBoot));
        QVERIFY(!m_cache->store(u"page:/products/BOOT"_s, CachedResponse{"old boot", "text/html", "\"9\""},
                                {CatalogChanges::productTag(kBoot)}, before));
        QVERIFY(!m_cache->find(u"page:/products/BOOT"_s));
    }

    void droppedAnswers_areFetchedAgainAtTheEdge_byEveryTargetTheyAnswered()
    {
        QList<QStringList> refreshed;
        m_cache->setEdgeRefresh([&refreshed](const QStringList &targets) { refreshed.append(targets); });
        const quint64 g = m_cache->generation();
        QVERIFY(m_cache->store(u"page:/products/SHOE"_s, CachedResponse{"shoe", "text/html", "\"3\""},
                               {CatalogChanges::productTag(kShoe)}, g, u"/products/SHOE"_s));
        QVERIFY(m_cache->find(u"page:/products/SHOE"_s, u"/products/shoe"_s));
        QVERIFY(m_cache->find(u"page:/products/SHOE"_s, u"/products/shoe"_s));   // once is enough
        // A refresh makes the answer again: the targets it answered before are kept.
        QVERIFY(m_cache->store(u"page:/products/SHOE"_s, CachedResponse{"shoe 2", "text/html", "\"7\""},
                               {CatalogChanges::productTag(kShoe)}, m_cache->generation(), u"/products/SHOE"_s));
        QVERIFY(m_cache->store(u"page:/"_s, CachedResponse{"list", "text/html", "\"1\""}, {u"catalog"_s},
                               m_cache->generation(), u"/?page=1"_s));

        CatalogChanges changes(*m_cache, 30);
        QVERIFY(changes.notice(notice(u"inventory"_s, kShoe)));
        QCOMPARE(changes.flush(), 4);   // both lists and the product's two answers
        // The product page by both of its spellings; not the list (the edge keeps it a second),
        // and not the product API, which no request with a target made.
        QCOMPARE(refreshed.size(), 1);
        QStringList targets = refreshed.constFirst();
        targets.sort();
        QCOMPARE(targets, (QStringList{u"/products/SHOE"_s, u"/products/shoe"_s}));
    }

    void targetsPerAnswer_areBounded()
    {
        QStringList refreshed;
        m_cache->setEdgeRefresh([&refreshed](const QStringList &targets) { refreshed += targets; });
        QVERIFY(m_cache->store(u"page:/products/BOOT"_s, CachedResponse{"boot", "text/html", "\"5\""},
                               {CatalogChanges::productTag(kBoot)}, m_cache->generation(), u"/products/BOOT"_s));
        // Anyone can spell one product's page a thousand ways (?utm=1, ?utm=2, ...).
        for (int i = 0; i < 1000; ++i)
            QVERIFY(m_cache->find(u"page:/products/BOOT"_s, u"/products/BOOT?utm=%1"_s.arg(i)));
        QCOMPARE(m_cache->invalidateAll(), 5);
        QCOMPARE(refreshed.size(), CatalogCache::kMaxTargetsPerEntry);
        QCOMPARE(refreshed.constFirst(), u"/products/BOOT"_s);
    }

    void clockTaggedAnswer_isKeptAtMostASecond()
    {
        m_cache->store(u"page:/products/DROP"_s, CachedResponse{"countdown", "text/html", "\"6\""},
                       {CatalogChanges::productTag(kShoe), CatalogCache::clockTag()}, m_cache->generation());
        QVERIFY(m_cache->find(u"page:/products/DROP"_s));
        QTRY_VERIFY_WITH_TIMEOUT(!m_cache->find(u"page:/products/DROP"_s), 3 * CatalogCache::kClockBoundMs);
        QVERIFY(m_cache->find(u"page:/products/BOOT"_s));   // answers without a clock stay
        QVERIFY(m_cache->find(u"page:/"_s));
    }

    void noticesInABurst_areAppliedOnce()
    {
        CatalogChanges changes(*m_cache, 30);
        QSignalSpy flushed(&changes, &CatalogChanges::flushed);
        for (int i = 0; i < 50; ++i)
            QVERIFY(changes.notice(notice(u"inventory"_s, kShoe)));
        QVERIFY(changes.notice(notice(u"product"_s, kBoot)));
        QCOMPARE(changes.pendingProducts(), 2);
        QCOMPARE(flushed.size(), 0);   // nothing until the timer
        QTRY_COMPARE(flushed.size(), 1);
        QTest::qWait(60);   // proves a negative: no second flush in six more periods
        QCOMPARE(flushed.size(), 1);
        QCOMPARE(flushed[0][0].toInt(), 2);
        QCOMPARE(m_cache->size(), 0);
    }

    void floodOfDistinctIds_costsOneFullFlush()
    {
        // A login of the shop names a hundred thousand made-up products: the work stays bounded
        // (no set grows past MaxPending), and the cache is emptied once, not per notice.
        CatalogChanges changes(*m_cache, 30);
        QSignalSpy flushed(&changes, &CatalogChanges::flushed);
        for (int i = 0; i < 100'000; ++i)
            QVERIFY(changes.notice(notice(u"product"_s, QUuid::createUuid().toString(QUuid::WithoutBraces))));
        QVERIFY(changes.pendingProducts() <= CatalogChanges::MaxPending);
        QTRY_COMPARE(flushed.size(), 1);
        QCOMPARE(flushed[0][2].toBool(), true);
        QCOMPARE(m_cache->size(), 0);
        // And the next honest notice is handled normally again.
        fill();
        QVERIFY(changes.notice(notice(u"product"_s, kBoot)));
        QTRY_COMPARE(flushed.size(), 2);
        QCOMPARE(flushed[1][2].toBool(), false);
        QVERIFY(m_cache->find(u"page:/products/SHOE"_s));
        QVERIFY(!m_cache->find(u"page:/products/BOOT"_s));
    }
};

QTEST_GUILESS_MAIN(TestCatalogChanges)
#include "tst_catalogchanges.moc"
