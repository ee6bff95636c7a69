// Storefront views: the bounded buffer rdk-sync keeps, and the batch INSERT made as the
// service's own login against a real PostgreSQL, with hostile paths.
#include "data/pgsessionpqxx.h"
#include "data/pgstorefront.h"
#include "sync/pageviewbuffer.h"
#include "tests/support/testdatabase.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using namespace rdk::data;

namespace {

PageView view(int n, const QString &path = u"/"_s)
{
    return PageView{QByteArray(16, char('a' + n % 26)), path, {}, QDateTime::currentDateTimeUtc()};
}

} // namespace

class TestPageViews final : public QObject {
    Q_OBJECT

    std::unique_ptr<test::TestDatabase> m_db;
    QString m_tenant;
    std::unique_ptr<PgSession> m_sync;

    QStringList column(const std::string &sql)
    {
        pqxx::connection c(m_db->ownerUrl());
        pqxx::read_transaction tx(c);
        QStringList out;
        for (const auto &r : tx.exec(sql))
            out.append(text(r[0]));
        return out;
    }

private Q_SLOTS:
    void buffer_isBoundedAndKeepsOrder()
    {
        sync::PageViewBuffer buffer(3);
        QVERIFY(buffer.add(view(0)));
        QVERIFY(buffer.add(view(1)));
        QVERIFY(buffer.add(view(2)));
        QVERIFY(!buffer.add(view(3)));          // full: dropped, not grown
        QCOMPARE(buffer.size(), 3);

        QList<PageView> first = buffer.take(2);
        QCOMPARE(first.size(), 2);
        QCOMPARE(first[0].visitorHash, view(0).visitorHash);
        QCOMPARE(buffer.size(), 1);

        // A failed write goes back in front; what no longer fits is the oldest and is dropped.
        QVERIFY(buffer.add(view(4)));
        QCOMPARE(buffer.putBack(first), 1);
        const QList<PageView> all = buffer.take(10);
        QCOMPARE(all.size(), 3);
        QCOMPARE(all[0].visitorHash, view(1).visitorHash);
        QCOMPARE(all[1].visitorHash, view(2).visitorHash);
        QCOMPARE(all[2].visitorHash, view(4).visitorHash);
        QCOMPARE(buffer.size(), 0);
    }

    void batch_storesHostilePathsExactlyAndKeepsTheirTime()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        m_tenant = m_db->createTenant(u"shop-a"_s);
        const test::Login service = m_db->createServiceLogin(m_tenant);
        auto session = PgSession::open(m_db->urlFor(service.login, service.password));
        QVERIFY(session);
        m_sync = std::move(session).value();

        const QDateTime earlier = QDateTime::currentDateTimeUtc().addSecs(-3);
        QList<PageView> batch{
            {QByteArray(16, '\x01'), u"/products/a\"b{c}d,e\\f"_s, {}, earlier},
            {QByteArray(16, '\x02'), u"/x"_s + QChar(0) + u"y\u00e9\u6f22"_s, {}, earlier},
            {QByteArray(16, '\x03'), QString(5000, u'p'), {}, earlier},
            {QByteArray(16, '\x04'), u"NULL"_s, {}, earlier},
        };
        QVERIFY(PgStorefront(*m_sync).recordPageViews(batch).ok());
        QVERIFY(PgStorefront(*m_sync).recordPageViews({}).ok());   // nothing to do is fine

        const QStringList paths = column("SELECT path FROM page_views ORDER BY visitor_hash");
        QCOMPARE(paths.size(), 4);
        QCOMPARE(paths[0], u"/products/a\"b{c}d,e\\f"_s);
        QCOMPARE(paths[1], u"/xy\u00e9\u6f22"_s);                     // NUL can't be stored: dropped
        QCOMPARE(paths[2].size(), 512);                              // bounded like the column
        QCOMPARE(paths[3], u"NULL"_s);                               // text, not SQL NULL
        QCOMPARE(column("SELECT count(*) FROM page_views WHERE tenant_id = '" + m_tenant.toStdString() + "'").value(0), u"4"_s);
        QCOMPARE(column("SELECT count(*) FROM page_views WHERE product_id IS NOT NULL").value(0), u"0"_s);
        QCOMPARE(column("SELECT encode(visitor_hash, 'hex') FROM page_views ORDER BY visitor_hash LIMIT 1").value(0),
                 QString::fromLatin1(QByteArray(16, '\x01').toHex()));
        const QStringList lag = column("SELECT max(abs(round(extract(epoch FROM viewed_at) * 1000) - "
                                       + std::to_string(earlier.toMSecsSinceEpoch()) + "))::bigint FROM page_views");
        QCOMPARE(lag.value(0), u"0"_s);                              // the request's time, not the write's
    }

    void batch_isAllOrNothing()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        m_tenant = m_db->createTenant(u"shop-b"_s);
        const test::Login service = m_db->createServiceLogin(m_tenant);
        auto session = PgSession::open(m_db->urlFor(service.login, service.password));
        QVERIFY(session);
        // A visitor hash shorter than the table allows fails the statement: no row of the batch
        // is stored, and the caller keeps the batch to retry.
        QList<PageView> batch{view(1), PageView{QByteArray(2, 'x'), u"/"_s, {}, QDateTime::currentDateTimeUtc()}};
        QVERIFY(!PgStorefront(**session).recordPageViews(batch).ok());
        QCOMPARE(column("SELECT count(*) FROM page_views").value(0), u"0"_s);
    }

    void cleanup() { m_sync.reset(); m_db.reset(); }
};

QTEST_GUILESS_MAIN(TestPageViews)
#include "tst_page_views.moc"
