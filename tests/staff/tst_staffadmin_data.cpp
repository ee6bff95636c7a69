// Staff administration and audit reads on a real PostgreSQL, through the data services the
// desk screens use, signed in as real login roles: what an admin may do, and that everyone
// else is refused by the database itself with nothing changed.
#include "deskadmintest.h"

#include "data/pgstaffadmin.h"
#include "domain/totp.h"

#include <QFile>
#include <QTest>
#include <QUuid>
#include <QUrl>
#include <QUrlQuery>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using namespace rdk::test;
using namespace rdk::test::deskadmin;

class TestStaffAdminData final : public QObject {
    Q_OBJECT

    std::unique_ptr<TestDatabase> m_db;
    QString m_tenant, m_otherTenant;
    Login m_admin;
    std::unique_ptr<data::PgSession> m_session;
    std::unique_ptr<data::PgStaffAdministration> m_staff;
    std::unique_ptr<data::PgAuditLog> m_audit;

    NewStaffAccount account(const QString &hint, StaffRole role = StaffRole::Staff)
    {
        return NewStaffAccount{m_db->uniqueLogin(hint), u"Casey "_s + hint, role, u"correct horse battery"_s};
    }

    int auditCount(const std::string &where, const QString &arg)
    {
        return ownerScalar(*m_db, "SELECT count(*) FROM audit_log WHERE " + where, arg).toInt();
    }

private Q_SLOTS:
    void init()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        m_tenant = m_db->createTenant(u"shop-a"_s);
        m_otherTenant = m_db->createTenant(u"shop-b"_s);
        m_admin = m_db->createStaff(m_tenant, u"admin"_s);
        m_session = openSession(*m_db, m_admin, true);
        QVERIFY(m_session);
        m_staff = std::make_unique<data::PgStaffAdministration>(*m_session);
        m_audit = std::make_unique<data::PgAuditLog>(*m_session);
    }

    void cleanup()
    {
        m_audit.reset();
        m_staff.reset();
        m_session.reset();
        m_db.reset();
    }

    void createStaff_loginCanConnectAndIsListed()
    {
        const NewStaffAccount a = account(u"new"_s, StaffRole::Ops);
        auto created = m_staff->createStaff(a);
        QVERIFY2(created.ok(), qPrintable(created.ok() ? QString() : created.error().message));
        QCOMPARE(created->login, a.login);
        QCOMPARE(created->tenantId, m_tenant);
        QCOMPARE(toString(created->role), u"ops"_s);
        QVERIFY(canConnect(*m_db, a.login, a.password));
        QCOMPARE(ownerScalar(*m_db, "SELECT pg_has_role($1, 'rdk_ops', 'MEMBER')::text", a.login), u"true"_s);

        auto list = m_staff->listStaff();
        QVERIFY(list.ok());
        QCOMPARE(list->size(), 2);
        bool found = false;
        for (const StaffMember &m : *list) {
            QCOMPARE(m.tenantId, m_tenant);
            if (m.login == a.login) {
                found = true;
                QCOMPARE(m.displayName, a.displayName);
                QVERIFY(m.active);
                QVERIFY(!m.twofaEnabled);
            }
        }
        QVERIFY(found);
        QCOMPARE(auditCount("entity = 'profile' AND action = 'insert' AND after->>'db_role' = $1 AND actor = '"
                                + str(m_admin.login) + "'",
                            a.login),
                 1);
    }

    void createStaff_takenLogin_isConflictAndNothingChanges()
    {
        const NewStaffAccount a = account(u"dup"_s);
        QVERIFY(m_staff->createStaff(a).ok());
        NewStaffAccount again = a;
        again.displayName = u"Someone else"_s;
        auto second = m_staff->createStaff(again);
        QVERIFY(!second.ok());
        QCOMPARE(int(second.error().code), int(ErrorCode::Conflict));
        QVERIFY2(second.error().message.contains(u"already taken"_s), qPrintable(second.error().message));
        QCOMPARE(ownerScalar(*m_db, "SELECT display_name FROM profiles WHERE db_role = $1", a.login), a.displayName);
    }

    void changeRole_movesGroupMembership()
    {
        const NewStaffAccount a = account(u"role"_s);
        QVERIFY(m_staff->createStaff(a).ok());
        QVERIFY(m_staff->changeRole(a.login, StaffRole::Admin).ok());
        QCOMPARE(ownerScalar(*m_db, "SELECT role FROM profiles WHERE db_role = $1", a.login), u"admin"_s);
        QCOMPARE(ownerScalar(*m_db, "SELECT pg_has_role($1, 'rdk_admin', 'MEMBER')::text", a.login), u"true"_s);
        QCOMPARE(ownerScalar(*m_db, "SELECT pg_has_role($1, 'rdk_staff', 'MEMBER')::text", a.login), u"false"_s);
        QCOMPARE(auditCount("entity = 'profile' AND action = 'update' AND after->>'role' = 'admin' AND after->>'db_role' = $1",
                            a.login),
                 1);
    }

    void changeOwnRole_isRefused()
    {
        auto r = m_staff->changeRole(m_admin.login, StaffRole::Staff);
        QVERIFY(!r.ok());
        QCOMPARE(int(r.error().code), int(ErrorCode::Forbidden));
        QVERIFY2(r.error().message.contains(u"own role"_s), qPrintable(r.error().message));
        QCOMPARE(ownerScalar(*m_db, "SELECT role FROM profiles WHERE db_role = $1", m_admin.login), u"admin"_s);
    }

    void resetPassword_oldFailsNewWorksAndIsAudited()
    {
        const NewStaffAccount a = account(u"pw"_s);
        QVERIFY(m_staff->createStaff(a).ok());
        const QString newPassword = u"a brand new passphrase"_s;
        QVERIFY(m_staff->resetPassword(a.login, newPassword).ok());
        QVERIFY(!canConnect(*m_db, a.login, a.password));
        QVERIFY(canConnect(*m_db, a.login, newPassword));
        QCOMPARE(auditCount("action = 'password_reset' AND after->>'db_role' = $1", a.login), 1);
        // Neither the password nor its verifier lands in the audit trail.
        QCOMPARE(auditCount("(coalesce(after::text, '') || coalesce(before::text, '')) LIKE '%SCRAM%' OR "
                            "(coalesce(after::text, '') || coalesce(before::text, '')) LIKE '%' || $1 || '%'",
                            newPassword),
                 0);
    }

    void passwords_reachTheServerOnlyAsScramVerifiers()
    {
        const QByteArray superuser = qgetenv("RDK_TEST_PG_SUPERUSER_URL");
        const QString logPath = qEnvironmentVariable("RDK_TEST_PG_LOG");
        if (superuser.isEmpty() || logPath.isEmpty())
            QSKIP("RDK_TEST_PG_SUPERUSER_URL / RDK_TEST_PG_LOG not set (scripts/test sets them)");
        // Make the server log every statement of the admin with its bind parameters, then
        // look for the passwords in that log: only their SCRAM verifiers may be there.
        {
            pqxx::connection conn(superuser.toStdString());
            pqxx::nontransaction tx(conn);
            const std::string role = tx.quote_name(str(m_admin.login)), db = tx.quote_name(str(m_db->name()));
            tx.exec("ALTER ROLE " + role + " IN DATABASE " + db + " SET log_statement = 'all'");
            tx.exec("ALTER ROLE " + role + " IN DATABASE " + db + " SET log_parameter_max_length = -1");
        }
        auto session = openSession(*m_db, m_admin, true, 1);
        QVERIFY(session);
        data::PgStaffAdministration staff(*session);
        const QString marker = QUuid::createUuid().toString(QUuid::Id128);
        NewStaffAccount a = account(u"log"_s);
        a.password = u"first "_s + marker;
        QVERIFY(staff.createStaff(a).ok());
        const QString second = u"second "_s + marker;
        QVERIFY(staff.resetPassword(a.login, second).ok());
        QVERIFY(canConnect(*m_db, a.login, second));

        QFile log(logPath);
        QVERIFY(log.open(QIODevice::ReadOnly));
        const QByteArray text = log.readAll();
        QVERIFY2(text.contains(a.login.toUtf8()), "statement logging did not take effect");
        QVERIFY(text.contains("SCRAM-SHA-256$4096:"));
        QVERIFY2(!text.contains(marker.toUtf8()), "a plain-text password reached the server log");
    }

    void resetPassword_weakPassword_isInvalidAndOldStillWorks()
    {
        const NewStaffAccount a = account(u"weak"_s);
        QVERIFY(m_staff->createStaff(a).ok());
        auto r = m_staff->resetPassword(a.login, u"short"_s);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().field, u"password"_s);
        QVERIFY(canConnect(*m_db, a.login, a.password));
    }

    void disable_loginIsRefused()
    {
        const NewStaffAccount a = account(u"off"_s);
        QVERIFY(m_staff->createStaff(a).ok());
        QVERIFY(m_staff->disable(a.login).ok());
        QVERIFY(!canConnect(*m_db, a.login, a.password));
        auto list = m_staff->listStaff();
        QVERIFY(list.ok());
        for (const StaffMember &m : *list) {
            if (m.login == a.login)
                QVERIFY(!m.active);
        }
        QVERIFY(m_staff->enable(a.login).ok());
        QVERIFY(canConnect(*m_db, a.login, a.password));
    }

    void totpEnrolment_uriWrongCodeAndRightCode()
    {
        const NewStaffAccount a = account(u"otp"_s);
        QVERIFY(m_staff->createStaff(a).ok());
        auto enrolment = m_staff->beginTotpEnrolment(a.login);
        QVERIFY2(enrolment.ok(), qPrintable(enrolment.ok() ? QString() : enrolment.error().message));
        const QUrl uri(enrolment->uri);
        QCOMPARE(uri.scheme(), u"otpauth"_s);
        QCOMPARE(uri.host(), u"totp"_s);
        QCOMPARE(uri.path(QUrl::FullyDecoded), u"/Real Deal Kickz:"_s + a.login);
        const QUrlQuery query(uri);
        QCOMPARE(query.queryItemValue(u"issuer"_s, QUrl::FullyDecoded), u"Real Deal Kickz"_s);
        QCOMPARE(query.queryItemValue(u"secret"_s), enrolment->secretBase32);
        const QByteArray secret = base32Decode(enrolment->secretBase32).value_or(QByteArray());
        QCOMPARE(secret.size(), 20);

        auto wrong = m_staff->confirmTotpEnrolment(a.login, security::wrongCode(secret));
        QVERIFY(!wrong.ok());
        QCOMPARE(int(wrong.error().code), int(ErrorCode::Invalid));
        QCOMPARE(ownerScalar(*m_db, "SELECT twofa_enabled::text FROM profiles WHERE db_role = $1", a.login), u"false"_s);

        auto malformed = m_staff->confirmTotpEnrolment(a.login, u"12ab56"_s);
        QVERIFY(!malformed.ok());
        QCOMPARE(malformed.error().field, u"code"_s);

        security::waitAwayFromStepEdge();
        auto right = m_staff->confirmTotpEnrolment(a.login, security::totpNow(secret));
        QVERIFY2(right.ok(), qPrintable(right.ok() ? QString() : right.error().message));
        QCOMPARE(ownerScalar(*m_db, "SELECT twofa_enabled::text FROM profiles WHERE db_role = $1", a.login), u"true"_s);
        QCOMPARE(auditCount("action = 'totp_enrolled' AND after->>'db_role' = $1", a.login), 1);

        // The colleague's own session now verifies with the enrolled secret (next step: a
        // code is never accepted twice).
        auto conn = security::connectAs(*m_db, Login{a.login, a.password, {}});
        QVERIFY(security::verifySession(*conn, security::totpNow(secret, 1)));
    }

    void adminReplacesOwnAuthenticator_sessionStaysVerified()
    {
        const QByteArray oldSecret = m_db->totpSecretOf(m_admin.login);
        auto enrolment = m_staff->beginTotpEnrolment(m_admin.login);
        QVERIFY(enrolment.ok());
        const QByteArray secret = base32Decode(enrolment->secretBase32).value_or(QByteArray());
        QVERIFY(secret != oldSecret);
        security::waitAwayFromStepEdge();
        QVERIFY(m_staff->confirmTotpEnrolment(m_admin.login, security::totpNow(secret)).ok());
        // This session proved the new phone, so it may go on managing staff ...
        const NewStaffAccount a = account(u"after"_s);
        auto created = m_staff->createStaff(a);
        QVERIFY2(created.ok(), qPrintable(created.ok() ? QString() : created.error().message));
        // ... and the old phone's codes no longer work for a new session.
        auto conn = security::connectAs(*m_db, m_admin);
        QVERIFY(!security::verifySession(*conn, security::totpNow(oldSecret, 1)));
        QVERIFY(security::verifySession(*conn, security::totpNow(secret, 1)));
    }

    void unverifiedAdmin_isRefusedAndNothingChanges()
    {
        auto session = openSession(*m_db, m_admin, false);
        QVERIFY(session);
        data::PgStaffAdministration staff(*session);
        const NewStaffAccount a = account(u"nov"_s);
        auto r = staff.createStaff(a);
        QVERIFY(!r.ok());
        QCOMPARE(int(r.error().code), int(ErrorCode::Forbidden));
        QVERIFY2(r.error().message.contains(u"two-factor"_s), qPrintable(r.error().message));
        QVERIFY(!roleExists(*m_db, a.login));
    }

    void nonAdminLogins_areRefusedByTheDatabase_data()
    {
        QTest::addColumn<QString>("role");
        QTest::addRow("staff") << u"staff"_s;
        QTest::addRow("ops") << u"ops"_s;
    }

    void nonAdminLogins_areRefusedByTheDatabase()
    {
        QFETCH(QString, role);
        const Login caller = m_db->createStaff(m_tenant, role);
        const NewStaffAccount target = account(u"tgt"_s);
        QVERIFY(m_staff->createStaff(target).ok());
        const QString auditBefore = ownerScalar(*m_db, "SELECT count(*) FROM audit_log");

        auto session = openSession(*m_db, caller, false);
        QVERIFY(session);
        data::PgStaffAdministration staff(*session);
        data::PgAuditLog audit(*session);

        const NewStaffAccount intruder = account(u"intr"_s, StaffRole::Admin);
        auto created = staff.createStaff(intruder);
        QVERIFY(!created.ok());
        QCOMPARE(int(created.error().code), int(ErrorCode::Forbidden));
        QVERIFY(!roleExists(*m_db, intruder.login));

        auto role2 = staff.changeRole(target.login, StaffRole::Admin);
        QVERIFY(!role2.ok());
        QCOMPARE(int(role2.error().code), int(ErrorCode::Forbidden));
        auto pw = staff.resetPassword(target.login, u"taken over by staff"_s);
        QVERIFY(!pw.ok());
        QCOMPARE(int(pw.error().code), int(ErrorCode::Forbidden));
        auto off = staff.disable(target.login);
        QVERIFY(!off.ok());
        QCOMPARE(int(off.error().code), int(ErrorCode::Forbidden));
        auto otp = staff.beginTotpEnrolment(target.login);
        QVERIFY(!otp.ok());
        QCOMPARE(int(otp.error().code), int(ErrorCode::Forbidden));
        auto confirm = staff.confirmTotpEnrolment(target.login, u"123456"_s);
        QVERIFY(!confirm.ok());
        QCOMPARE(int(confirm.error().code), int(ErrorCode::Forbidden));

        // Nothing changed: same role, same password, still enabled, no audit lines.
        QCOMPARE(ownerScalar(*m_db, "SELECT role FROM profiles WHERE db_role = $1", target.login), u"staff"_s);
        QCOMPARE(ownerScalar(*m_db, "SELECT pg_has_role($1, 'rdk_admin', 'MEMBER')::text", target.login), u"false"_s);
        QVERIFY(canConnect(*m_db, target.login, target.password));
        QCOMPARE(ownerScalar(*m_db, "SELECT count(*) FROM rdk.staff_totp t JOIN profiles p ON p.id = t.profile_id "
                                    "WHERE p.db_role = $1", target.login),
                 u"0"_s);
        QCOMPARE(ownerScalar(*m_db, "SELECT count(*) FROM audit_log"), auditBefore);

        // The audit log is closed to them by the database's grants, not by an app check.
        auto page = audit.page({}, std::nullopt, 100);
        QVERIFY(!page.ok());
        QCOMPARE(int(page.error().code), int(ErrorCode::Forbidden));
        // They only ever see their own profile.
        auto list = staff.listStaff();
        QVERIFY(list.ok());
        QCOMPARE(list->size(), 1);
        QCOMPARE(list->constFirst().login, caller.login);
    }

    void adminOfAnotherShop_cannotManageThisShop()
    {
        const NewStaffAccount target = account(u"shopa"_s);
        QVERIFY(m_staff->createStaff(target).ok());
        const Login otherAdmin = m_db->createStaff(m_otherTenant, u"admin"_s);
        auto session = openSession(*m_db, otherAdmin, true);
        QVERIFY(session);
        data::PgStaffAdministration staff(*session);
        auto r = staff.disable(target.login);
        QVERIFY(!r.ok());
        QCOMPARE(int(r.error().code), int(ErrorCode::Forbidden));
        QVERIFY(canConnect(*m_db, target.login, target.password));
        auto list = staff.listStaff();
        QVERIFY(list.ok());
        for (const StaffMember &m : *list)
            QVERIFY(m.login != target.login);
        data::PgAuditLog audit(*session);
        auto page = audit.page(AuditFilter{m_admin.login, {}, {}, {}, {}, {}}, std::nullopt, 100);
        QVERIFY(page.ok());
        QVERIFY(page->entries.isEmpty());
    }

    void hostileLogins_areClearErrors_data()
    {
        QTest::addColumn<QString>("login");
        QTest::addRow("quote") << u"o'brien"_s;
        QTest::addRow("double quote") << u"bob\"; DROP ROLE rdk_admin; --"_s;
        QTest::addRow("space") << u"bob smith"_s;
        QTest::addRow("very long") << QString(5000, u'a');
        QTest::addRow("reserved prefix") << u"pg_monitor"_s;
        QTest::addRow("group role") << u"rdk_admin"_s;
        QTest::addRow("empty") << QString();
        QTest::addRow("unicode lookalike") << u"\u212Aelvin"_s;
        QTest::addRow("nul") << u"bob\u0000x"_s;
    }

    void hostileLogins_areClearErrors()
    {
        QFETCH(QString, login);
        // Roles are cluster-wide and other tests create theirs meanwhile: count this
        // database's profiles and look for the names themselves instead.
        const QString profilesBefore = ownerScalar(*m_db, "SELECT count(*) FROM profiles");
        auto created = m_staff->createStaff(NewStaffAccount{login, u"x"_s, StaffRole::Staff, u"correct horse battery"_s});
        QVERIFY(!created.ok());
        QCOMPARE(int(created.error().code), int(ErrorCode::Invalid));
        QCOMPARE(created.error().field, u"login"_s);
        QVERIFY(!created.error().message.isEmpty());
        for (auto status : {m_staff->disable(login), m_staff->changeRole(login, StaffRole::Admin),
                            m_staff->resetPassword(login, u"correct horse battery"_s)}) {
            QVERIFY(!status.ok());
            QCOMPARE(int(status.error().code), int(ErrorCode::Invalid));
        }
        QVERIFY(!m_staff->beginTotpEnrolment(login).ok());
        QCOMPARE(ownerScalar(*m_db, "SELECT count(*) FROM profiles"), profilesBefore);
        if (!login.isEmpty()) {
            const QString clean = login.left(63).remove(QChar(0));
            QCOMPARE(ownerScalar(*m_db,
                                 "SELECT count(*) FROM pg_roles "
                                 "WHERE rolname::text IN ($1::text, lower($1::text)) AND rolcanlogin",
                                 clean),
                     u"0"_s);
        }
    }

    void unknownLogin_isClearError()
    {
        auto r = m_staff->disable(u"nobody_here"_s);
        QVERIFY(!r.ok());
        QVERIFY(!r.error().message.isEmpty());
    }

    void hostileDisplayName_isInvalid()
    {
        NewStaffAccount a = account(u"dn"_s);
        a.displayName = QString(500, u'x');
        auto r = m_staff->createStaff(a);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().field, u"displayName"_s);
        a.displayName = u"Line\nbreak"_s;
        r = m_staff->createStaff(a);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().field, u"displayName"_s);
        QVERIFY(!roleExists(*m_db, a.login));
    }

    void audit_filtersReturnTheRightRows()
    {
        const NewStaffAccount a = account(u"aud"_s);
        const NewStaffAccount b = account(u"aud"_s);
        QVERIFY(m_staff->createStaff(a).ok());
        QVERIFY(m_staff->createStaff(b).ok());
        QVERIFY(m_staff->changeRole(a.login, StaffRole::Ops).ok());
        QVERIFY(m_staff->resetPassword(b.login, u"another long passphrase"_s).ok());
        const QString profileA = ownerScalar(*m_db, "SELECT id::text FROM profiles WHERE db_role = $1", a.login);

        auto byActor = m_audit->page(AuditFilter{m_admin.login, {}, {}, {}, {}, {}}, std::nullopt, 100);
        QVERIFY(byActor.ok());
        QCOMPARE(byActor->entries.size(), 4);  // 2 inserts, 1 update, 1 password reset
        QVERIFY(!byActor->next);
        for (const AuditEntry &e : byActor->entries)
            QCOMPARE(e.actor, m_admin.login);
        // Newest first.
        QCOMPARE(byActor->entries.constFirst().action, u"password_reset"_s);

        auto byAction = m_audit->page(AuditFilter{{}, u"PROFILE"_s, profileA, u"update"_s, {}, {}}, std::nullopt, 100);
        QVERIFY(byAction.ok());
        QCOMPARE(byAction->entries.size(), 1);
        const AuditEntry &update = byAction->entries.constFirst();
        QCOMPARE(update.entityId, profileA);
        QCOMPARE(update.before.value(u"role"_s).toString(), u"staff"_s);
        QCOMPARE(update.after.value(u"role"_s).toString(), u"ops"_s);
        QCOMPARE(changedAuditFields(update), QStringList{u"role"_s});

        auto byEntity = m_audit->page(AuditFilter{{}, u"profile"_s, profileA, {}, {}, {}}, std::nullopt, 100);
        QVERIFY(byEntity.ok());
        QCOMPARE(byEntity->entries.size(), 2);

        const QDateTime now = QDateTime::currentDateTimeUtc();
        auto inRange = m_audit->page(AuditFilter{{}, {}, {}, {}, now.addSecs(-3600), now.addSecs(3600)}, std::nullopt, 100);
        QVERIFY(inRange.ok());
        QCOMPARE(inRange->entries.size(),
                 ownerScalar(*m_db, "SELECT count(*) FROM audit_log WHERE tenant_id = $1::uuid", m_tenant).toInt());
        auto past = m_audit->page(AuditFilter{{}, {}, {}, {}, now.addDays(-30), now.addDays(-29)}, std::nullopt, 100);
        QVERIFY(past.ok());
        QVERIFY(past->entries.isEmpty());
    }

    void audit_keysetPagingVisitsEveryRowOnce()
    {
        const auto tenantRows = [this] {
            return ownerScalar(*m_db, "SELECT count(*) FROM audit_log WHERE tenant_id = $1::uuid", m_tenant).toInt();
        };
        const int fixtureRows = tenantRows();
        const NewStaffAccount a = account(u"page"_s);
        QVERIFY(m_staff->createStaff(a).ok());
        // 9 changes in one transaction share one timestamp: the id breaks the tie.
        {
            pqxx::connection conn(m_db->ownerUrl());
            pqxx::work tx(conn);
            for (int i = 0; i < 9; ++i)
                tx.exec_params("UPDATE profiles SET active = NOT active WHERE db_role = $1", str(a.login));
            tx.commit();
        }
        for (int i = 0; i < 6; ++i)
            QVERIFY(m_staff->changeRole(a.login, i % 2 ? StaffRole::Staff : StaffRole::Ops).ok());
        const int total = tenantRows();
        QCOMPARE(total, fixtureRows + 1 + 9 + 6);

        QSet<qint64> seen;
        std::optional<AuditCursor> cursor;
        int pages = 0;
        qint64 previousMicros = std::numeric_limits<qint64>::max();
        do {
            auto page = m_audit->page({}, cursor, 4);
            QVERIFY(page.ok());
            for (const AuditEntry &e : page->entries) {
                QVERIFY2(!seen.contains(e.id), "row returned twice");
                QVERIFY(e.atMicros <= previousMicros);
                previousMicros = e.atMicros;
                seen.insert(e.id);
            }
            cursor = page->next;
            ++pages;
        } while (cursor && pages < 100);
        QCOMPARE(int(seen.size()), total);
        QCOMPARE(pages, (total + 3) / 4);
    }

    void audit_hostileFilters_data()
    {
        QTest::addColumn<QString>("actor");
        QTest::addColumn<QString>("entity");
        QTest::addColumn<QString>("action");
        QTest::addRow("sql in actor") << u"x' OR '1'='1"_s << QString() << QString();
        QTest::addRow("sql in entity") << QString() << u"profile'; DELETE FROM audit_log; --"_s << QString();
        QTest::addRow("percent wildcard") << u"%"_s << QString() << u"%"_s;
        QTest::addRow("backslash") << u"\\"_s << u"\\x00"_s << QString();
    }

    void audit_hostileFilters()
    {
        QFETCH(QString, actor);
        QFETCH(QString, entity);
        QFETCH(QString, action);
        QVERIFY(m_staff->createStaff(account(u"hf"_s)).ok());
        const QString before = ownerScalar(*m_db, "SELECT count(*) FROM audit_log");
        auto page = m_audit->page(AuditFilter{actor, entity, {}, action, {}, {}}, std::nullopt, 100);
        QVERIFY2(page.ok(), qPrintable(page.ok() ? QString() : page.error().message));
        QVERIFY(page->entries.isEmpty());
        QCOMPARE(ownerScalar(*m_db, "SELECT count(*) FROM audit_log"), before);
    }

    void audit_badRangesAndSizes_areClearErrors_data()
    {
        QTest::addColumn<QDateTime>("from");
        QTest::addColumn<QDateTime>("to");
        QTest::addColumn<QString>("actor");
        QTest::addColumn<QString>("field");
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QTest::addRow("year 1") << QDateTime(QDate(1, 1, 1), QTime(0, 0), Qt::UTC) << now << QString() << u"from"_s;
        QTest::addRow("year 200000") << now << QDateTime(QDate(200000, 1, 1), QTime(0, 0), Qt::UTC) << QString() << u"to"_s;
        QTest::addRow("reversed") << now << now.addDays(-1) << QString() << u"from"_s;
        QTest::addRow("long actor") << QDateTime() << QDateTime() << QString(100000, u'x') << u"actor"_s;
        QTest::addRow("control chars") << QDateTime() << QDateTime() << u"bob\u0001"_s << u"actor"_s;
    }

    void audit_badRangesAndSizes_areClearErrors()
    {
        QFETCH(QDateTime, from);
        QFETCH(QDateTime, to);
        QFETCH(QString, actor);
        QFETCH(QString, field);
        auto page = m_audit->page(AuditFilter{actor, {}, {}, {}, from, to}, std::nullopt, 100);
        QVERIFY(!page.ok());
        QCOMPARE(int(page.error().code), int(ErrorCode::Invalid));
        QCOMPARE(page.error().field, field);
        QVERIFY(!page.error().message.isEmpty());
    }

    void audit_wholeHistoryRangeWorks()
    {
        QVERIFY(m_staff->createStaff(account(u"all"_s)).ok());
        AuditFilter all;
        all.from = QDateTime(QDate(1970, 1, 1), QTime(0, 0), Qt::UTC);
        all.to = QDateTime(QDate(9999, 12, 31), QTime(0, 0), Qt::UTC);
        auto page = m_audit->page(all, std::nullopt, 100);
        QVERIFY2(page.ok(), qPrintable(page.ok() ? QString() : page.error().message));
        QCOMPARE(page->entries.size(),
                 ownerScalar(*m_db, "SELECT count(*) FROM audit_log WHERE tenant_id = $1::uuid", m_tenant).toInt());
        QVERIFY(page->entries.size() >= 1);
        QVERIFY(!m_audit->page({}, std::nullopt, 0).ok());
        QVERIFY(!m_audit->page({}, std::nullopt, MaxAuditPageSize + 1).ok());
    }
};

QTEST_GUILESS_MAIN(TestStaffAdminData)
#include "tst_staffadmin_data.moc"
