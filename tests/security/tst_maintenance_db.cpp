// Logins reach their own shop's database only. scripts/test and scripts/run revoke CONNECT and
// TEMPORARY on the maintenance databases (postgres, template1) from PUBLIC, so a staff member
// with psql can't sit in them, create temporary tables there or look around the cluster.
#include "tests/support/testdatabase.h"

#include <QTest>
#include <QUrl>

#include <pqxx/pqxx>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

namespace {

std::string onDatabase(const std::string &url, const QString &database)
{
    QUrl u(QString::fromStdString(url));
    u.setPath(u'/' + database);
    return u.toString(QUrl::FullyEncoded).toStdString();
}

/// Empty when the connection worked, else the server's refusal.
QString tryConnect(const std::string &url)
{
    try {
        pqxx::connection c(url);
        pqxx::work tx(c);
        tx.exec("SELECT 1");
        return {};
    } catch (const std::exception &e) {
        return QString::fromUtf8(e.what()).trimmed();
    }
}

} // namespace

class TestMaintenanceDb final : public QObject {
    Q_OBJECT

    std::unique_ptr<test::TestDatabase> m_db;
    QString m_tenant;

private Q_SLOTS:
    void initTestCase()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        m_tenant = m_db->createTenant(u"maint-shop"_s);
    }

    void loginOfEveryKind_cannotConnectToMaintenanceDatabases_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addRow("staff") << u"staff"_s;
        QTest::addRow("ops") << u"ops"_s;
        QTest::addRow("admin") << u"admin"_s;
        QTest::addRow("service") << u"service"_s;
    }

    void loginOfEveryKind_cannotConnectToMaintenanceDatabases()
    {
        QFETCH(QString, kind);
        const test::Login login = kind == u"service"_s ? m_db->createServiceLogin(m_tenant) : m_db->createStaff(m_tenant, kind);
        const std::string own = m_db->urlFor(login.login, login.password);
        // Positive control: the login works in its own database.
        const QString ownResult = tryConnect(own);
        QVERIFY2(ownResult.isEmpty(), qPrintable(ownResult));
        for (const QString &database : {u"postgres"_s, u"template1"_s}) {
            const QString refused = tryConnect(onDatabase(own, database));
            QVERIFY2(!refused.isEmpty(), qPrintable(u"%1 connected to %2"_s.arg(kind, database)));
            QVERIFY2(refused.contains(u"permission denied"_s), qPrintable(refused));
        }
    }

    void owner_keepsTheMaintenanceDatabase()
    {
        // rdk-admin and the fixtures create databases from there.
        const QString result = tryConnect(m_db->maintenanceUrl());
        QVERIFY2(result.isEmpty(), qPrintable(result));
    }
};

QTEST_GUILESS_MAIN(TestMaintenanceDb)
#include "tst_maintenance_db.moc"
