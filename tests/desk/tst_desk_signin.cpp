// Sign-in against a real PostgreSQL: the desk connects as the person's own login role, and
// every failure comes back as its own kind with a sentence people can act on.
#include "data/deskconnection.h"
#include "data/pgrepositories.h"
#include "tests/desk/desktestsupport.h"
#include "tests/desk/pgproxy.h"
#include "ui/signindialog.h"

#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using namespace rdk::test;

class TestDeskSignIn final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void signIn_staff_describesThePerson();
    void signIn_wrongPasswordOrUnknownLogin_isWrongCredentials();
    void signIn_adminWithoutCode_isCodeRequired();
    void signIn_adminWrongCode_isCodeWrong();
    void signIn_adminRightCode_verifiesTheDatabaseSession();
    void signIn_disabledAccount_isAccountDisabled();
    void signIn_inactiveProfile_isAccountDisabled();
    void signIn_serviceLogin_isNotStaffAccount();
    void signIn_closedPort_isServerUnreachable();
    void signIn_missingDatabase_isServerUnreachable();
    void signIn_badInput_isRefusedBeforeConnecting_data();
    void signIn_badInput_isRefusedBeforeConnecting();
    void signIn_passwordWithQuotesAndBackslashes_works();
    void confirmIdentity_badInput_isRefused_data();
    void confirmIdentity_badInput_isRefused();
    void verifySecondFactor_hostileCodes_neverReachTheThrottle();
    void staffLogin_cannotPerformAdminWrites();
    void workerSession_seesTheSameShop();
    void workerSession_ofVerifiedAdmin_mayWrite();
    void vouching_refusesOtherLoginsAndUnverifiedSessions();
    void dialog_wrongPassword_showsMessageAndKeepsDialogOpen();
    void dialog_adminFlow_asksForCodeThenSignsIn();
    void dialog_remembersLoginAndServerButNeverThePassword();
    void dialog_silentServer_staysResponsiveThenSaysUnreachable();

private:
    std::unique_ptr<TestDatabase> m_db;
    QString m_tenant;
    Login m_staff;
};

void TestDeskSignIn::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    RDK_CREATE_TEST_DATABASE(m_db);
    m_tenant = m_db->createTenant(u"desk-signin"_s);
    m_staff = m_db->createStaff(m_tenant, u"staff"_s);
}

void TestDeskSignIn::signIn_staff_describesThePerson()
{
    data::DeskConnection desk;
    const SignInResult result = desk.signIn(requestFor(*m_db, m_staff));
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
    QCOMPARE(result.user().login, m_staff.login);
    QCOMPARE(result.user().profileId, m_staff.profileId);
    QCOMPARE(toString(result.user().role), u"staff"_s);
    QCOMPARE(result.user().tenantId, m_tenant);
    QCOMPARE(result.user().tenantName, u"Shop desk-signin"_s);
    QCOMPARE(result.user().currency, u"USD"_s);
    QCOMPARE(result.user().timezone, u"UTC"_s);
    QCOMPARE(result.user().displayName, u"Test staff"_s);
    QVERIFY(!result.user().needsSecondFactor());
    QVERIFY(desk.isSignedIn());
    QVERIFY(desk.isConnected());
    // The session really is the person's own login role.
    auto who = desk.mainSession().transact([](pqxx::work &tx) -> Result<QString> {
        return data::text(tx.exec1("SELECT session_user")[0]);
    });
    QVERIFY(who.ok());
    QCOMPARE(who.value(), m_staff.login);
    desk.signOut();
    QVERIFY(!desk.isSignedIn());
}

void TestDeskSignIn::signIn_wrongPasswordOrUnknownLogin_isWrongCredentials()
{
    data::DeskConnection desk;
    SignInRequest request = requestFor(*m_db, m_staff);
    request.password += u"x"_s;
    SignInResult result = desk.signIn(request);
    QVERIFY(!result.ok());
    QCOMPARE(toString(result.error().kind), u"wrong_credentials"_s);
    QCOMPARE(result.error().message, u"Wrong login or password."_s);
    QVERIFY(!desk.isSignedIn());

    request = requestFor(*m_db, m_staff);
    request.login = u"nobody_here_at_all"_s;
    result = desk.signIn(request);
    QVERIFY(!result.ok());
    // Same answer as a wrong password: the server doesn't reveal which logins exist.
    QCOMPARE(toString(result.error().kind), u"wrong_credentials"_s);
}

void TestDeskSignIn::signIn_adminWithoutCode_isCodeRequired()
{
    const Login admin = m_db->createStaff(m_tenant, u"admin"_s);
    data::DeskConnection desk;
    const SignInResult result = desk.signIn(requestFor(*m_db, admin));
    QVERIFY(!result.ok());
    QCOMPARE(toString(result.error().kind), u"code_required"_s);
    QCOMPARE(result.error().field, u"code"_s);
    QVERIFY(!desk.isSignedIn());
}

void TestDeskSignIn::signIn_adminWrongCode_isCodeWrong()
{
    const Login admin = m_db->createStaff(m_tenant, u"admin"_s);
    data::DeskConnection desk;
    const SignInResult result = desk.signIn(requestFor(*m_db, admin, wrongCodeFor(*m_db, admin)));
    QVERIFY(!result.ok());
    QCOMPARE(toString(result.error().kind), u"code_wrong"_s);
    QVERIFY(!desk.isSignedIn());
}

void TestDeskSignIn::signIn_adminRightCode_verifiesTheDatabaseSession()
{
    const Login admin = m_db->createStaff(m_tenant, u"admin"_s);
    data::DeskConnection desk;
    const SignInResult result = desk.signIn(requestFor(*m_db, admin, codeFor(*m_db, admin)));
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
    QCOMPARE(toString(result.user().role), u"admin"_s);
    QVERIFY(result.user().needsSecondFactor());
    auto verified = desk.mainSession().transact([](pqxx::work &tx) -> Result<bool> {
        return tx.exec1("SELECT rdk.session_2fa_verified() AND rdk.can_write()")[0].as<bool>();
    });
    QVERIFY(verified.ok());
    QVERIFY(verified.value());
}

void TestDeskSignIn::signIn_disabledAccount_isAccountDisabled()
{
    const Login gone = m_db->createStaff(m_tenant, u"staff"_s);
    m_db->execOwner("SELECT rdk.disable_staff('" + gone.login.toStdString() + "')");
    data::DeskConnection desk;
    const SignInResult result = desk.signIn(requestFor(*m_db, gone));
    QVERIFY(!result.ok());
    QCOMPARE(toString(result.error().kind), u"account_disabled"_s);
    QVERIFY(result.error().message.contains(u"disabled"_s));
}

void TestDeskSignIn::signIn_inactiveProfile_isAccountDisabled()
{
    // The login role can still connect, but its profile is off: RLS shows it nothing.
    const Login inactive = m_db->createStaff(m_tenant, u"ops"_s);
    m_db->execOwner("UPDATE profiles SET active = false WHERE db_role = '" + inactive.login.toStdString() + "'");
    data::DeskConnection desk;
    const SignInResult result = desk.signIn(requestFor(*m_db, inactive));
    QVERIFY(!result.ok());
    QCOMPARE(toString(result.error().kind), u"account_disabled"_s);
    QVERIFY(!desk.isSignedIn());
}

void TestDeskSignIn::signIn_serviceLogin_isNotStaffAccount()
{
    const Login service = m_db->createServiceLogin(m_tenant);
    data::DeskConnection desk;
    const SignInResult result = desk.signIn(requestFor(*m_db, service));
    QVERIFY(!result.ok());
    QCOMPARE(toString(result.error().kind), u"not_staff_account"_s);
}

void TestDeskSignIn::signIn_closedPort_isServerUnreachable()
{
    SignInRequest request = requestFor(*m_db, m_staff);
    request.server.port = closedPort();
    data::DeskConnection desk;
    QElapsedTimer timer;
    timer.start();
    const SignInResult result = desk.signIn(request);
    QVERIFY(!result.ok());
    QCOMPARE(toString(result.error().kind), u"server_unreachable"_s);
    QCOMPARE(result.error().field, u"server"_s);
    QVERIFY2(timer.elapsed() < 5000, "a refused connection is reported at once");
}

void TestDeskSignIn::signIn_missingDatabase_isServerUnreachable()
{
    SignInRequest request = requestFor(*m_db, m_staff);
    request.server.database = u"no_such_database_here"_s;
    data::DeskConnection desk;
    const SignInResult result = desk.signIn(request);
    QVERIFY(!result.ok());
    // The role has no CONNECT right there either; both say: wrong server field or no access.
    const QString kind = toString(result.error().kind);
    QVERIFY2(kind == u"server_unreachable"_s || kind == u"wrong_credentials"_s, qPrintable(kind));
}

void TestDeskSignIn::signIn_badInput_isRefusedBeforeConnecting_data()
{
    QTest::addColumn<QString>("login");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("kind");
    QTest::addRow("empty login") << u""_s << u"secret-password"_s << u""_s << u"127.0.0.1"_s << u"invalid_input"_s;
    QTest::addRow("blank login") << u"   "_s << u"secret-password"_s << u""_s << u"127.0.0.1"_s << u"invalid_input"_s;
    QTest::addRow("empty password") << u"someone"_s << u""_s << u""_s << u"127.0.0.1"_s << u"invalid_input"_s;
    QTest::addRow("sql in login") << u"x'; DROP TABLE products; --"_s << u"pw-pw-pw-pw"_s << u""_s << u"127.0.0.1"_s
                                  << u"wrong_credentials"_s;
    QTest::addRow("conninfo injection in login") << u"a host=evil.example"_s << u"pw-pw-pw-pw"_s << u""_s
                                                 << u"127.0.0.1"_s << u"wrong_credentials"_s;
    QTest::addRow("oversized login") << QString(5000, u'a') << u"pw-pw-pw-pw"_s << u""_s << u"127.0.0.1"_s
                                     << u"wrong_credentials"_s;
    QTest::addRow("oversized password") << u"someone"_s << QString(MaxSignInPasswordLength + 1, u'p') << u""_s
                                        << u"127.0.0.1"_s << u"wrong_credentials"_s;
    QTest::addRow("NUL in password") << u"someone"_s << u"abc\u0000def"_s << u""_s << u"127.0.0.1"_s
                                     << u"wrong_credentials"_s;
    QTest::addRow("letters in code") << u"someone"_s << u"pw-pw-pw-pw"_s << u"12ab56"_s << u"127.0.0.1"_s
                                     << u"code_wrong"_s;
    QTest::addRow("seven digits") << u"someone"_s << u"pw-pw-pw-pw"_s << u"1234567"_s << u"127.0.0.1"_s
                                  << u"code_wrong"_s;
    QTest::addRow("host with space") << u"someone"_s << u"pw-pw-pw-pw"_s << u""_s << u"evil host"_s
                                     << u"invalid_input"_s;
    QTest::addRow("host with quote") << u"someone"_s << u"pw-pw-pw-pw"_s << u""_s << u"h' sslmode='disable"_s
                                     << u"invalid_input"_s;
}

void TestDeskSignIn::signIn_badInput_isRefusedBeforeConnecting()
{
    QFETCH(QString, login);
    QFETCH(QString, password);
    QFETCH(QString, code);
    QFETCH(QString, host);
    QFETCH(QString, kind);
    SignInRequest request{serverOf(*m_db), login, password, code};
    request.server.host = host;
    data::DeskConnection desk;
    const SignInResult result = desk.signIn(request);
    QVERIFY(!result.ok());
    QCOMPARE(toString(result.error().kind), kind);
    QVERIFY(!result.error().message.isEmpty());
    QVERIFY(!desk.isSignedIn());
}

void TestDeskSignIn::signIn_passwordWithQuotesAndBackslashes_works()
{
    // The connection string is built from keyword/value pairs: quoting must hold.
    Login odd = m_db->createStaff(m_tenant, u"staff"_s);
    odd.password = u"it's a \\back\\slash' host=evil password=x"_s;
    QString literal = odd.password;
    literal.replace(u"'"_s, u"''"_s);
    m_db->execOwner("ALTER ROLE " + odd.login.toStdString() + " PASSWORD '" + literal.toStdString() + "'");
    data::DeskConnection desk;
    const SignInResult result = desk.signIn(requestFor(*m_db, odd));
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
    QCOMPARE(desk.server().host, serverOf(*m_db).host);
}

void TestDeskSignIn::confirmIdentity_badInput_isRefused_data()
{
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("kind");
    QTest::addRow("empty") << QString() << u"invalid_input"_s;
    QTest::addRow("wrong") << u"not the password"_s << u"wrong_credentials"_s;
    QTest::addRow("sql") << u"' OR '1'='1"_s << u"wrong_credentials"_s;
    QTest::addRow("conninfo") << u"x' host='evil"_s << u"wrong_credentials"_s;
    QTest::addRow("NUL") << u"a\u0000b"_s << u"wrong_credentials"_s;
    QTest::addRow("oversized") << QString(100000, u'x') << u"wrong_credentials"_s;
}

void TestDeskSignIn::confirmIdentity_badInput_isRefused()
{
    QFETCH(QString, password);
    QFETCH(QString, kind);
    data::DeskConnection desk;
    QVERIFY(desk.signIn(requestFor(*m_db, m_staff)).ok());
    const SignInResult result = desk.confirmIdentity(password, {});
    QVERIFY(!result.ok());
    QCOMPARE(toString(result.error().kind), kind);
    QVERIFY(desk.isSignedIn());
    QVERIFY(desk.confirmIdentity(m_staff.password, {}).ok());
}

void TestDeskSignIn::verifySecondFactor_hostileCodes_neverReachTheThrottle()
{
    const Login admin = m_db->createStaff(m_tenant, u"admin"_s);
    data::DeskConnection desk;
    QVERIFY(desk.signIn(requestFor(*m_db, admin, codeFor(*m_db, admin))).ok());
    // More than the 5 wrong codes that would lock verification if they reached the database.
    const QStringList hostile{u"'; DROP TABLE profiles; --"_s, QString(100000, u'1'), u""_s, u"12345"_s,
                              u"1234567"_s, u"abcdef"_s, u"\u0661\u0662\u0663\u0664\u0665\u0666"_s};
    for (const QString &code : hostile) {
        const SignInResult result = desk.verifySecondFactor(code);
        QVERIFY(!result.ok());
        QCOMPARE(toString(result.error().kind), u"code_wrong"_s);
    }
    QVERIFY(desk.verifySecondFactor(codeFor(*m_db, admin, 1)).ok());
}

void TestDeskSignIn::staffLogin_cannotPerformAdminWrites()
{
    const Login victim = m_db->createStaff(m_tenant, u"staff"_s);
    data::DeskConnection desk;
    QVERIFY(desk.signIn(requestFor(*m_db, m_staff)).ok());

    // Straight to the data layer, skipping every screen: the database still says no.
    data::PgStaffDirectory staff(desk.mainSession());
    const Status disabled = staff.disable(victim.login);
    QVERIFY(!disabled.ok());
    QCOMPARE(int(disabled.error().code), int(ErrorCode::Forbidden));
    const auto created = staff.create(m_db->uniqueLogin(u"sneaky"_s), u"a-long-enough-password"_s, m_tenant,
                                      StaffRole::Admin, u"Sneaky"_s);
    QVERIFY(!created.ok());
    QCOMPARE(int(created.error().code), int(ErrorCode::Forbidden));

    // The victim can still sign in, and nobody new exists.
    data::DeskConnection other;
    QVERIFY(other.signIn(requestFor(*m_db, victim)).ok());
}

void TestDeskSignIn::workerSession_seesTheSameShop()
{
    data::DeskConnection desk;
    QVERIFY(desk.signIn(requestFor(*m_db, m_staff)).ok());
    auto worker = desk.openWorkerSession();
    QVERIFY2(worker.ok(), qPrintable(worker.ok() ? QString() : worker.error().message));
    auto tenant = worker.value()->transact([](pqxx::work &tx) -> Result<QString> {
        return data::text(tx.exec1("SELECT rdk.current_tenant()::text")[0]);
    });
    QVERIFY(tenant.ok());
    QCOMPARE(tenant.value(), m_tenant);
    QVERIFY(worker.value()->connection().backendpid() != desk.mainSession().connection().backendpid());
}

void TestDeskSignIn::workerSession_ofVerifiedAdmin_mayWrite()
{
    const Login admin = m_db->createStaff(m_tenant, u"admin"_s);
    data::DeskConnection desk;
    QVERIFY(desk.signIn(requestFor(*m_db, admin, codeFor(*m_db, admin))).ok());
    auto worker = desk.openWorkerSession();
    QVERIFY(worker.ok());
    auto canWrite = worker.value()->transact([](pqxx::work &tx) -> Result<bool> {
        return tx.exec1("SELECT rdk.can_write()")[0].as<bool>();
    });
    QVERIFY(canWrite.ok());
    QVERIFY2(canWrite.value(), "the verified main session vouched for the worker");
}

void TestDeskSignIn::vouching_refusesOtherLoginsAndUnverifiedSessions()
{
    const Login admin = m_db->createStaff(m_tenant, u"admin"_s);
    const Login otherAdmin = m_db->createStaff(m_tenant, u"admin"_s);
    auto vouch = [](pqxx::connection &from, int pid) {
        pqxx::work tx(from);
        const bool ok = tx.exec_params1("SELECT rdk.vouch_for_session($1)", pid)[0].as<bool>();
        tx.commit();
        return ok;
    };
    auto verified = [](pqxx::connection &conn) {
        pqxx::work tx(conn);
        return tx.exec1("SELECT rdk.session_2fa_verified()")[0].as<bool>();
    };
    pqxx::connection unverified(m_db->urlFor(admin.login, admin.password));
    pqxx::connection target(m_db->urlFor(admin.login, admin.password));
    // Without a code of its own a session can't hand one out.
    QVERIFY(!vouch(unverified, target.backendpid()));
    QVERIFY(!verified(target));

    data::DeskConnection other;
    QVERIFY(other.signIn(requestFor(*m_db, otherAdmin, codeFor(*m_db, otherAdmin))).ok());
    auto crossLogin = other.mainSession().transact([&](pqxx::work &tx) -> Result<bool> {
        return tx.exec_params1("SELECT rdk.vouch_for_session($1)", target.backendpid())[0].as<bool>();
    });
    QVERIFY(crossLogin.ok());
    QVERIFY2(!crossLogin.value(), "a verified admin can't vouch for another login's backend");
    QVERIFY(!verified(target));

    data::DeskConnection desk;
    QVERIFY(desk.signIn(requestFor(*m_db, admin, codeFor(*m_db, admin))).ok());
    auto hostile = desk.mainSession().transact([&](pqxx::work &tx) -> Result<bool> {
        return tx.exec_params1("SELECT rdk.vouch_for_session($1)", -1)[0].as<bool>();
    });
    QVERIFY(hostile.ok());
    QVERIFY(!hostile.value());
    auto same = desk.mainSession().transact([&](pqxx::work &tx) -> Result<bool> {
        return tx.exec_params1("SELECT rdk.vouch_for_session($1)", target.backendpid())[0].as<bool>();
    });
    QVERIFY(same.ok());
    QVERIFY(same.value());
    QVERIFY(verified(target));
}

void TestDeskSignIn::dialog_wrongPassword_showsMessageAndKeepsDialogOpen()
{
    data::DeskConnection desk;
    SignInDialog dialog(desk, serverOf(*m_db), nullptr);
    dialog.show();
    dialog.findChild<QLineEdit *>(u"login"_s)->setText(m_staff.login);
    auto *password = dialog.findChild<QLineEdit *>(u"password"_s);
    password->setText(u"definitely-wrong"_s);
    QTest::mouseClick(dialog.findChild<QPushButton *>(u"signInButton"_s), Qt::LeftButton);
    QVERIFY(dialog.isBusy() || !dialog.lastErrorKind().isEmpty());
    QTRY_VERIFY(!dialog.isBusy());
    QCOMPARE(dialog.lastErrorKind(), u"wrong_credentials"_s);
    auto *problem = dialog.findChild<QLabel *>(u"problem"_s);
    QVERIFY(problem->isVisible());
    QCOMPARE(problem->text(), u"Wrong login or password."_s);
    QVERIFY(dialog.isVisible());
    QCOMPARE(dialog.result(), int(QDialog::Rejected));
    QVERIFY(!dialog.findChild<QLineEdit *>(u"code"_s)->isVisible());

    // Unreachable server: a different sentence, pointing at the server field.
    dialog.findChild<QLineEdit *>(u"server"_s)->setText(u"127.0.0.1:%1/rdk"_s.arg(closedPort()));
    password->setText(m_staff.password);
    dialog.submit();
    QTRY_VERIFY(!dialog.isBusy());
    QCOMPARE(dialog.lastErrorKind(), u"server_unreachable"_s);
    QVERIFY(problem->text().contains(u"reach"_s));

    // A server field that is not an address never reaches libpq.
    dialog.findChild<QLineEdit *>(u"server"_s)->setText(u"host=evil dbname=x"_s);
    dialog.submit();
    QTRY_VERIFY(!dialog.isBusy());
    QCOMPARE(dialog.lastErrorKind(), u"invalid_input"_s);
}

void TestDeskSignIn::dialog_adminFlow_asksForCodeThenSignsIn()
{
    const Login admin = m_db->createStaff(m_tenant, u"admin"_s);
    data::DeskConnection desk;
    SignInDialog dialog(desk, serverOf(*m_db), nullptr);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    auto *code = dialog.findChild<QLineEdit *>(u"code"_s);
    QVERIFY(!code->isVisible());
    dialog.prefill(admin.login, admin.password);
    dialog.submit();
    QTRY_VERIFY(!dialog.isBusy());
    QCOMPARE(dialog.lastErrorKind(), u"code_required"_s);
    QVERIFY(code->isVisible());
    QCOMPARE(QApplication::focusWidget(), code);

    code->setText(wrongCodeFor(*m_db, admin));
    dialog.submit();
    QTRY_VERIFY(!dialog.isBusy());
    QCOMPARE(dialog.lastErrorKind(), u"code_wrong"_s);
    QVERIFY(dialog.findChild<QLabel *>(u"problem"_s)->text().contains(u"not right"_s));
    QVERIFY(!desk.isSignedIn());

    // The password stays in its field between attempts; the wrong code is selected, so
    // typing replaces it. People type codes with a space in the middle.
    QVERIFY(!dialog.findChild<QLineEdit *>(u"password"_s)->text().isEmpty());
    const QString right = codeFor(*m_db, admin);
    QTest::keyClicks(code, right.left(3) + u" "_s + right.mid(3));
    QTest::keyClick(code, Qt::Key_Return);
    QTRY_VERIFY(!dialog.isBusy());
    QCOMPARE(dialog.lastErrorKind(), QString());
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    QVERIFY(desk.isSignedIn());
    QCOMPARE(toString(desk.user().role), u"admin"_s);
    QVERIFY(dialog.findChild<QLineEdit *>(u"password"_s)->text().isEmpty());
}

void TestDeskSignIn::dialog_remembersLoginAndServerButNeverThePassword()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"desk.ini"_s);
    const ServerAddress server = serverOf(*m_db);
    {
        QSettings settings(path, QSettings::IniFormat);
        data::DeskConnection desk;
        SignInDialog dialog(desk, server, &settings);
        dialog.prefill(m_staff.login.toUpper(), m_staff.password);
        dialog.submit();
        QTRY_VERIFY(!dialog.isBusy());
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
    }
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray stored = file.readAll();
    QVERIFY(stored.contains(m_staff.login.toUtf8()));
    QVERIFY(!stored.contains(m_staff.password.toUtf8()));

    QSettings settings(path, QSettings::IniFormat);
    data::DeskConnection desk;
    SignInDialog again(desk, ServerAddress{u"elsewhere.example"_s, 5432, u"rdk"_s}, &settings);
    QCOMPARE(again.findChild<QLineEdit *>(u"login"_s)->text(), m_staff.login);
    QCOMPARE(again.findChild<QLineEdit *>(u"server"_s)->text(), server.toDisplayString());
    QVERIFY(again.findChild<QLineEdit *>(u"password"_s)->text().isEmpty());
}

void TestDeskSignIn::dialog_silentServer_staysResponsiveThenSaysUnreachable()
{
    PgProxy proxy(serverOf(*m_db).port);
    proxy.setMode(PgProxy::Mode::BlackHole);
    data::DeskConnection desk;
    ServerAddress silent = serverOf(*m_db);
    silent.port = proxy.port();
    SignInDialog dialog(desk, silent, nullptr);
    dialog.show();
    dialog.prefill(m_staff.login, m_staff.password);
    dialog.submit();
    QVERIFY(dialog.isBusy());
    QVERIFY(dialog.findChild<QLabel *>(u"signInStatus"_s)->isVisible());
    QVERIFY(!dialog.findChild<QLineEdit *>(u"password"_s)->isEnabled());
    dialog.submit();  // a second Enter while waiting starts nothing new
    int ticks = 0;
    QTimer ticker;
    connect(&ticker, &QTimer::timeout, this, [&ticks] { ++ticks; });
    ticker.start(20);
    QTest::qWait(500);   // time to pass on purpose: the event loop must keep ticking meanwhile
    QVERIFY2(ticks >= 12, "the dialog keeps its event loop while the server is silent");
    QVERIFY(dialog.isBusy());
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.isBusy(), 10000);
    QCOMPARE(dialog.lastErrorKind(), u"server_unreachable"_s);
    QVERIFY(!desk.isSignedIn());
    QVERIFY(dialog.findChild<QLineEdit *>(u"password"_s)->isEnabled());
}

QTEST_MAIN(TestDeskSignIn)
#include "tst_desk_signin.moc"
