// Audit log paging on a large log (200,000 entries in the shop, plus 50,000 in another):
// page latency through PgAuditLog as a real admin login, first and deep (keyset) pages,
// with and without filters. Prints the figures; fails only when a page is far off the
// interactive range (a missing index turns this into seconds).
#include "deskadmintest.h"

#include "data/pgstaffadmin.h"

#include <QElapsedTimer>
#include <QTest>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using namespace rdk::test;
using namespace rdk::test::deskadmin;

namespace {

struct Figures {
    double p50 = 0, p95 = 0, max = 0;
};

Figures summarise(QList<double> ms)
{
    std::sort(ms.begin(), ms.end());
    const auto at = [&](double q) { return ms.at(qMin(ms.size() - 1, qsizetype(q * (ms.size() - 1) + 0.5))); };
    return {at(0.5), at(0.95), ms.last()};
}

} // namespace

class BenchAuditPaging final : public QObject {
    Q_OBJECT

    std::unique_ptr<TestDatabase> m_db;
    QString m_tenant;
    std::unique_ptr<data::PgSession> m_session;
    std::unique_ptr<data::PgAuditLog> m_log;

    void report(const char *what, const QList<double> &ms)
    {
        const Figures f = summarise(ms);
        qInfo("audit paging %-40s p50 %6.2f ms  p95 %6.2f ms  max %6.2f ms  (%lld pages)", what, f.p50, f.p95, f.max,
              qint64(ms.size()));
        QVERIFY2(f.p95 < 250.0, what);
    }

private Q_SLOTS:
    void initTestCase()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        m_tenant = m_db->createTenant(u"big-shop"_s);
        const QString other = m_db->createTenant(u"other-shop"_s);
        const Login admin = m_db->createStaff(m_tenant, u"admin"_s);
        QElapsedTimer fill;
        fill.start();
        for (const auto &[tenant, rows] : {std::pair{m_tenant, 200000}, std::pair{other, 50000}})
            m_db->execOwner(
                "INSERT INTO audit_log (tenant_id, actor, action, entity, entity_id, before, after, reason, at) "
                "SELECT '" + str(tenant) + "'::uuid, 'clerk_' || (g % 20), "
                "       (ARRAY['insert','update','delete','status'])[1 + g % 4], "
                "       (ARRAY['product','inventory','order','profile'])[1 + (g / 4) % 4], "
                "       md5(g::text), jsonb_build_object('quantity', g % 7), jsonb_build_object('quantity', g % 5), "
                "       CASE WHEN g % 3 = 0 THEN 'received' END, "
                "       now() - (g % 525600) * interval '1 minute' "
                "  FROM generate_series(1, " + std::to_string(rows) + ") g");
        m_db->execOwner("ANALYZE audit_log");
        qInfo("filled 250,000 audit entries in %lld ms", fill.elapsed());
        m_session = openSession(*m_db, admin, false);  // reading needs no 2FA
        QVERIFY(m_session);
        m_log = std::make_unique<data::PgAuditLog>(*m_session);
    }

    void cleanupTestCase()
    {
        m_log.reset();
        m_session.reset();
        m_db.reset();
    }

    void walk_data()
    {
        QTest::addColumn<QString>("actor");
        QTest::addColumn<QString>("entity");
        QTest::addColumn<QString>("action");
        QTest::addColumn<int>("days");
        QTest::addRow("no filter") << QString() << QString() << QString() << 0;
        QTest::addRow("person") << u"clerk_7"_s << QString() << QString() << 0;
        QTest::addRow("entity and action") << QString() << u"inventory"_s << u"update"_s << 0;
        QTest::addRow("last 30 days") << QString() << QString() << QString() << 30;
        QTest::addRow("person, entity, 30 days") << u"clerk_3"_s << u"order"_s << QString() << 30;
        QTest::addRow("no match") << u"nobody"_s << QString() << QString() << 0;
    }

    void walk()
    {
        QFETCH(QString, actor);
        QFETCH(QString, entity);
        QFETCH(QString, action);
        QFETCH(int, days);
        AuditFilter filter{actor, entity, {}, action, {}, {}};
        if (days > 0)
            filter.from = QDateTime::currentDateTimeUtc().addDays(-days);
        QList<double> first, deep;
        std::optional<AuditCursor> cursor;
        int rows = 0;
        for (int page = 0; page < 60; ++page) {
            QElapsedTimer t;
            t.start();
            auto result = m_log->page(filter, cursor, 200);
            const double ms = t.nsecsElapsed() / 1e6;
            QVERIFY(result.ok());
            (page == 0 ? first : deep).append(ms);
            rows += int(result->entries.size());
            cursor = result->next;
            if (!cursor)
                break;
        }
        for (int i = 0; i < 20; ++i) {  // the first page again, warm
            QElapsedTimer t;
            t.start();
            QVERIFY(m_log->page(filter, std::nullopt, 200).ok());
            first.append(t.nsecsElapsed() / 1e6);
        }
        const QByteArray tag = QTest::currentDataTag();
        report(QByteArray(tag + " first page").constData(), first);
        if (!deep.isEmpty())
            report(QByteArray(tag + " next pages").constData(), deep);
        qInfo("  %d rows read", rows);
    }
};

QTEST_GUILESS_MAIN(BenchAuditPaging)
#include "bench_auditpaging.moc"
