// Two-factor authentication enforced by the database: TOTP codes checked in SQL, the
// verification bound to one database session, the lockout, and the write rule for admins.
#include "securitytest.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk::test;
using namespace rdk::test::security;

namespace {

const char *const kWriteProduct = "UPDATE products SET price_minor = price_minor + 1";
const char *const kInsertProduct =
    "INSERT INTO products (sku, name, brand, condition, price_minor, currency, inventory_strategy) "
    "VALUES ('TFA-NEW', 'New', 'Nike', 'new', 1000, 'USD', 'flat')";

} // namespace

class TestTwoFactor final : public QObject {
    Q_OBJECT

    std::unique_ptr<TestDatabase> m_db;
    QString m_tenant, m_otherTenant;

    Login freshAdmin() { return m_db->createStaff(m_tenant, u"admin"_s); }

    // A staff login that exists only through rdk.create_staff (no TOTP enrolment).
    Login unenrolled(const QString &role)
    {
        const QString name = m_db->uniqueLogin(role);
        Login login{name, u"password-"_s + name, {}};
        pqxx::connection conn(m_db->ownerUrl());
        pqxx::work tx(conn);
        login.profileId = qstr(tx.exec_params1("SELECT rdk.create_staff($1, $2, $3::uuid, $4, 'Unenrolled')::text",
                                               str(login.login), str(login.password), str(m_tenant), str(role))[0]
                                   .as<std::string>());
        tx.commit();
        return login;
    }

    static bool callBool(pqxx::connection &conn, const std::string &sql, const QString &arg)
    {
        pqxx::work tx(conn);
        const bool value = tx.exec_params1(sql, str(arg))[0].as<bool>();
        tx.commit();
        return value;
    }

private Q_SLOTS:
    void initTestCase()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        m_tenant = m_db->createTenant(u"shop-a"_s);
        m_otherTenant = m_db->createTenant(u"shop-b"_s);
        m_db->execOwner("INSERT INTO products (tenant_id, sku, name, brand, condition, price_minor, currency, inventory_strategy) "
                        "VALUES ('" + str(m_tenant) + "', 'TFA-001', 'Runner', 'Nike', 'new', 1000, 'USD', 'flat')");
    }

    void cleanupTestCase()
    {
        m_db.reset();
        QVERIFY(!m_db);
    }

    void wrongCode_isRefused()
    {
        const Login admin = freshAdmin();
        auto conn = connectAs(*m_db, admin);
        QVERIFY(!verifySession(*conn, wrongCode(m_db->totpSecretOf(admin.login))));
        QVERIFY(!verifySession(*conn, u"12345"_s));
        QVERIFY(!verifySession(*conn, u"abcdef"_s));
        QVERIFY(!boolCommitted(*conn, "SELECT rdk.session_2fa_verified()"));
        QVERIFY(!boolCommitted(*conn, "SELECT rdk.can_write()"));
    }

    void rightCode_isAcceptedOneStepEitherSide_data()
    {
        QTest::addColumn<int>("offset");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("previous step") << -1 << true;
        QTest::newRow("current step") << 0 << true;
        QTest::newRow("next step") << 1 << true;
        QTest::newRow("two steps back") << -2 << false;
        QTest::newRow("two steps ahead") << 2 << false;
    }

    void rightCode_isAcceptedOneStepEitherSide()
    {
        QFETCH(int, offset);
        QFETCH(bool, accepted);
        const Login admin = freshAdmin();
        auto conn = connectAs(*m_db, admin);
        waitAwayFromStepEdge();
        QCOMPARE(verifySession(*conn, totpNow(m_db->totpSecretOf(admin.login), offset)), accepted);
        QCOMPARE(boolCommitted(*conn, "SELECT rdk.session_2fa_verified()"), accepted);
        QCOMPARE(boolCommitted(*conn, "SELECT rdk.can_write()"), accepted);
        const Outcome write = tryExec(*conn, kWriteProduct);
        if (accepted)
            QVERIFY2(write.ok && write.rows == 1, qPrintable(write.describe()));
        else
            QVERIFY2(write.refused(), qPrintable(write.describe()));
    }

    void usedCode_cannotBeReplayed()
    {
        const Login admin = freshAdmin();
        waitAwayFromStepEdge();
        const QString code = totpNow(m_db->totpSecretOf(admin.login));
        auto first = connectAs(*m_db, admin);
        QVERIFY(verifySession(*first, code));
        auto second = connectAs(*m_db, admin);
        QVERIFY(!verifySession(*second, code));
        QVERIFY(!boolCommitted(*second, "SELECT rdk.session_2fa_verified()"));
    }

    void fiveFailures_lockVerification_evenWhenRolledBack()
    {
        const Login admin = freshAdmin();
        const QByteArray secret = m_db->totpSecretOf(admin.login);
        auto conn = connectAs(*m_db, admin);
        for (int i = 0; i < 5; ++i) {
            // Rolled back on purpose: the failure count must survive it.
            pqxx::work tx(*conn);
            QVERIFY(!tx.exec_params1("SELECT rdk.totp_verify($1)", str(wrongCode(secret)))[0].as<bool>());
            tx.abort();
        }
        waitAwayFromStepEdge();
        bool locked = false;
        QString message;
        try {
            verifySession(*conn, totpNow(secret));
        } catch (const pqxx::sql_error &e) {
            locked = true;
            message = QString::fromUtf8(e.what());
        }
        QVERIFY2(locked, "the right code was accepted after five failures");
        QVERIFY2(message.contains(u"Too many wrong codes"_s), qPrintable(message));
        QVERIFY(!boolCommitted(*conn, "SELECT rdk.session_2fa_verified()"));
        // A new connection is locked as well.
        auto other = connectAs(*m_db, admin);
        QVERIFY_THROWS_EXCEPTION(pqxx::sql_error, verifySession(*other, totpNow(secret)));

        // The owner re-enrolling clears it.
        const std::string secretText = [&] {
            pqxx::connection owner(m_db->ownerUrl());
            return scalarCommitted(owner, "SELECT rdk.owner_enroll_totp('" + str(admin.login) + "')");
        }();
        const auto fresh = rdk::base32Decode(qstr(secretText));
        QVERIFY(fresh.has_value());
        QVERIFY(verifySession(*other, totpNow(*fresh)));
    }

    void fourFailures_thenTheRightCode_works()
    {
        const Login admin = freshAdmin();
        const QByteArray secret = m_db->totpSecretOf(admin.login);
        auto conn = connectAs(*m_db, admin);
        for (int i = 0; i < 4; ++i)
            QVERIFY(!verifySession(*conn, wrongCode(secret)));
        waitAwayFromStepEdge();
        QVERIFY(verifySession(*conn, totpNow(secret)));
    }

    void unverifiedAdmin_readsButCannotWrite()
    {
        const Login admin = freshAdmin();
        auto conn = connectAs(*m_db, admin);
        QVERIFY(tryExec(*conn, "SELECT count(*) FROM products", true).rows > 0);
        QVERIFY(tryExec(*conn, "SELECT count(*) FROM profiles", true).rows > 0);
        const Outcome insert = tryExec(*conn, kInsertProduct);
        QVERIFY2(insert.refused(), qPrintable(insert.describe()));
        const Outcome update = tryExec(*conn, kWriteProduct);
        QVERIFY2(update.refused(), qPrintable(update.describe()));
        const Outcome remove = tryExec(*conn, "DELETE FROM products");
        QVERIFY2(remove.refused() || (remove.ok && remove.rows == 0), qPrintable(remove.describe()));
        const Outcome order = tryExec(*conn, "INSERT INTO orders (channel, currency) VALUES ('pos', 'USD')");
        QVERIFY2(order.refused(), qPrintable(order.describe()));
        const Outcome tenant = tryExec(*conn, "UPDATE tenants SET name = 'Renamed'");
        QVERIFY2(tenant.refused(), qPrintable(tenant.describe()));
        const Outcome staff = tryExec(*conn, "SELECT rdk.create_staff('tfa_sneaky', 'password-123', NULL, 'staff', 'x')");
        QVERIFY2(staff.refused(), qPrintable(staff.describe()));
    }

    void newConnection_isNotVerified()
    {
        const Login admin = freshAdmin();
        auto first = connectAs(*m_db, admin);
        waitAwayFromStepEdge();
        QVERIFY(verifySession(*first, totpNow(m_db->totpSecretOf(admin.login))));
        QVERIFY(boolCommitted(*first, "SELECT rdk.session_2fa_verified()"));
        auto second = connectAs(*m_db, admin);
        QVERIFY(!boolCommitted(*second, "SELECT rdk.session_2fa_verified()"));
        QVERIFY(!boolCommitted(*second, "SELECT rdk.can_write()"));
        QVERIFY(tryExec(*second, kWriteProduct).refused());
        // The first session stays verified.
        QVERIFY(boolCommitted(*first, "SELECT rdk.session_2fa_verified()"));
        // A verification that is rolled back does not count.
        auto third = connectAs(*m_db, admin);
        {
            pqxx::work tx(*third);
            QVERIFY(tx.exec_params1("SELECT rdk.totp_verify($1)", str(totpNow(m_db->totpSecretOf(admin.login), 1)))[0].as<bool>());
            tx.abort();
        }
        QVERIFY(!boolCommitted(*third, "SELECT rdk.session_2fa_verified()"));
    }

    void neverEnrolledAdmin_canOnlyEnrol()
    {
        const Login admin = unenrolled(u"admin"_s);
        auto conn = connectAs(*m_db, admin);
        QVERIFY(!boolCommitted(*conn, "SELECT rdk.can_write()"));
        QVERIFY(tryExec(*conn, kWriteProduct).refused());
        QVERIFY(!verifySession(*conn, u"123456"_s));
        QVERIFY(!callBool(*conn, "SELECT rdk.totp_confirm($1)", u"123456"_s));

        const auto secret = rdk::base32Decode(qstr(scalarCommitted(*conn, "SELECT rdk.totp_begin_enrolment()")));
        QVERIFY(secret.has_value());
        QCOMPARE(secret->size(), qsizetype(20));
        QVERIFY(!boolCommitted(*conn, "SELECT rdk.can_write()"));  // not before confirming
        QVERIFY(!callBool(*conn, "SELECT rdk.totp_confirm($1)", wrongCode(*secret)));
        waitAwayFromStepEdge();
        QVERIFY(callBool(*conn, "SELECT rdk.totp_confirm($1)", totpNow(*secret)));
        QVERIFY(boolCommitted(*conn, "SELECT rdk.session_2fa_verified()"));
        QVERIFY(boolCommitted(*conn, "SELECT twofa_enabled FROM profiles WHERE db_role = session_user"));
        const Outcome write = tryExec(*conn, kWriteProduct);
        QVERIFY2(write.ok && write.rows == 1, qPrintable(write.describe()));

        // A second session must verify; the confirmed secret is the one that works.
        auto later = connectAs(*m_db, admin);
        QVERIFY(!boolCommitted(*later, "SELECT rdk.can_write()"));
        QVERIFY(verifySession(*later, totpNow(*secret, 1)));
        QVERIFY(boolCommitted(*later, "SELECT rdk.can_write()"));
    }

    void enrolledStaff_mustVerifyToWrite()
    {
        const Login staff = unenrolled(u"staff"_s);
        auto conn = connectAs(*m_db, staff);
        QVERIFY(boolCommitted(*conn, "SELECT rdk.can_write()"));  // 2FA is optional for staff
        const auto secret = rdk::base32Decode(qstr(scalarCommitted(*conn, "SELECT rdk.totp_begin_enrolment()")));
        QVERIFY(secret.has_value());
        waitAwayFromStepEdge();
        QVERIFY(callBool(*conn, "SELECT rdk.totp_confirm($1)", totpNow(*secret)));
        auto later = connectAs(*m_db, staff);
        QVERIFY(!boolCommitted(*later, "SELECT rdk.can_write()"));
        // Staff write only through the database's functions (0012); each checks the write rule.
        const Outcome sweep = tryExec(*later, "SELECT rdk.release_expired_reservations()");
        QVERIFY2(sweep.refused() && sweep.message.contains(u"two-factor"_s), qPrintable(sweep.describe()));
        QVERIFY(verifySession(*later, totpNow(*secret, 1)));
        const Outcome again = tryExec(*later, "SELECT rdk.release_expired_reservations()");
        QVERIFY2(again.ok, qPrintable(again.describe()));
    }

    void replacingASecret_needsAVerifiedSession()
    {
        const Login admin = freshAdmin();
        auto conn = connectAs(*m_db, admin);
        const Outcome early = tryExec(*conn, "SELECT rdk.totp_begin_enrolment()");
        QVERIFY2(early.refused(), qPrintable(early.describe()));
        waitAwayFromStepEdge();
        QVERIFY(verifySession(*conn, totpNow(m_db->totpSecretOf(admin.login))));
        const Outcome verified = tryExec(*conn, "SELECT rdk.totp_begin_enrolment()");
        QVERIFY2(verified.ok, qPrintable(verified.describe()));
    }

    void staffManagement_needsAVerifiedAdminOfTheTenant()
    {
        const Login admin = freshAdmin();
        auto conn = connectAs(*m_db, admin);
        const std::string createHere =
            "SELECT rdk.create_staff('" + str(m_db->uniqueLogin(u"new"_s)) + "', 'password-123', '" + str(m_tenant) + "', 'staff', 'New')";
        QVERIFY(tryExec(*conn, createHere).refused());  // not verified yet
        waitAwayFromStepEdge();
        QVERIFY(verifySession(*conn, totpNow(m_db->totpSecretOf(admin.login))));
        const Outcome created = tryExec(*conn, createHere);
        QVERIFY2(created.ok, qPrintable(created.describe()));
        const std::string createThere = "SELECT rdk.create_staff('" + str(m_db->uniqueLogin(u"new"_s)) +
                                        "', 'password-123', '" + str(m_otherTenant) + "', 'staff', 'New')";
        QVERIFY(tryExec(*conn, createThere).refused());
        const Outcome badName = tryExec(*conn, "SELECT rdk.create_staff('pg_evil', 'password-123', NULL, 'staff', 'x')");
        QVERIFY2(!badName.ok && badName.sqlstate == "22023", qPrintable(badName.describe()));
        const Outcome self = tryExec(*conn, "SELECT rdk.set_staff_role(session_user, 'staff')");
        QVERIFY2(self.refused(), qPrintable(self.describe()));
    }
};

QTEST_GUILESS_MAIN(TestTwoFactor)
#include "tst_twofa.moc"
