// The desk's rules that need no database: server addresses, sign-in input, who sees which
// screen, reconnect backoff and the supervisor's states.
#include "domain/connectionsupervisor.h"
#include "domain/deskaccess.h"
#include "domain/signin.h"

#include <QSignalSpy>
#include <QtTest>

using namespace Qt::Literals::StringLiterals;
using namespace std::chrono_literals;
using namespace rdk;

namespace {

/// A DeskSession whose reconnect() answers from a script, to drive the supervisor.
class ScriptedSession final : public DeskSession {
public:
    QList<ReconnectOutcome> outcomes;
    int reconnects = 0;
    SignedInUser person;

    SignInResult signIn(const SignInRequest &) override { return person; }
    SignInResult confirmIdentity(const QString &, const QString &) override { return person; }
    SignInResult verifySecondFactor(const QString &) override { return person; }
    ReconnectOutcome reconnect() override
    {
        ++reconnects;
        return outcomes.isEmpty() ? ReconnectOutcome::StillDown : outcomes.takeFirst();
    }
    void signOut() override {}
    bool isSignedIn() const override { return true; }
    bool isConnected() const override { return true; }
    bool secondFactorPending() const override { return false; }
    const SignedInUser &user() const override { return person; }
    ServerAddress server() const override { return {}; }
    void drop() { Q_EMIT connectionLost(); }
};

} // namespace

class TestDeskDomain final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void serverAddress_parse_data();
    void serverAddress_parse();
    void serverAddress_fromUrl_ignoresCredentials();
    void totpCode_normalize_data();
    void totpCode_normalize();
    void signInRequest_isCleanedUp();
    void access_staffSeeFiveScreens_adminsSeven();
    void reconnectDelay_doublesUpToTheCap();
    void supervisor_retriesUntilRestored();
    void supervisor_reportsNeedsCodeAndRevokedAccess();
};

void TestDeskDomain::serverAddress_parse_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");  // display form, empty = refused
    QTest::addRow("host only") << u"db.shop.example"_s << u"db.shop.example:5432/rdk"_s;
    QTest::addRow("host and port") << u"127.0.0.1:55501"_s << u"127.0.0.1:55501/rdk"_s;
    QTest::addRow("everything") << u" 10.0.0.5:6543/shop_db "_s << u"10.0.0.5:6543/shop_db"_s;
    QTest::addRow("ipv6") << u"[::1]:5433/rdk"_s << u"[::1]:5433/rdk"_s;
    QTest::addRow("empty") << u""_s << QString();
    QTest::addRow("port zero") << u"host:0/rdk"_s << QString();
    QTest::addRow("port too big") << u"host:65536/rdk"_s << QString();
    QTest::addRow("conninfo") << u"host=evil dbname=x"_s << QString();
    QTest::addRow("quote") << u"h'x:5432/rdk"_s << QString();
    QTest::addRow("url") << u"postgresql://u:p@h/db"_s << QString();
    QTest::addRow("db with space") << u"h:5432/my db"_s << QString();
    QTest::addRow("db with quote") << u"h:5432/x'y"_s << QString();
    QTest::addRow("oversized") << QString(5000, u'a') << QString();
    QTest::addRow("database name too long") << u"h:5432/"_s + QString(64, u'd') << QString();
}

void TestDeskDomain::serverAddress_parse()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    const auto parsed = ServerAddress::parse(text, ServerAddress{});
    QCOMPARE(parsed ? parsed->toDisplayString() : QString(), expected);
}

void TestDeskDomain::serverAddress_fromUrl_ignoresCredentials()
{
    const auto address = ServerAddress::fromUrl(u"postgresql://owner:secret@db.example:6000/shop"_s);
    QVERIFY(address);
    QCOMPARE(address->toDisplayString(), u"db.example:6000/shop"_s);
    QVERIFY(!address->toDisplayString().contains(u"secret"_s));
    QVERIFY(!ServerAddress::fromUrl(u"http://db.example/shop"_s));
    QVERIFY(!ServerAddress::fromUrl(u"postgresql://db.example"_s));
}

void TestDeskDomain::totpCode_normalize_data()
{
    QTest::addColumn<QString>("typed");
    QTest::addColumn<QString>("expected");
    QTest::addRow("plain") << u"123456"_s << u"123456"_s;
    QTest::addRow("spaced") << u"123 456"_s << u"123456"_s;
    QTest::addRow("dashed") << u"123-456"_s << u"123456"_s;
    QTest::addRow("short") << u"12345"_s << QString();
    QTest::addRow("long") << u"1234567"_s << QString();
    QTest::addRow("letters") << u"12a456"_s << QString();
    QTest::addRow("arabic-indic digits") << u"\u0661\u0662\u0663\u0664\u0665\u0666"_s << QString();
    QTest::addRow("oversized") << QString(100000, u'1') << QString();
}

void TestDeskDomain::totpCode_normalize()
{
    QFETCH(QString, typed);
    QFETCH(QString, expected);
    QCOMPARE(normalizeTotpCode(typed).value_or(QString()), expected);
}

void TestDeskDomain::signInRequest_isCleanedUp()
{
    const auto clean = normalizeSignInRequest({ServerAddress{}, u"  Demo_Staff "_s, u"pw"_s, u"123 456"_s});
    QVERIFY(std::holds_alternative<SignInRequest>(clean));
    QCOMPARE(std::get<SignInRequest>(clean).login, u"demo_staff"_s);
    QCOMPARE(std::get<SignInRequest>(clean).code, u"123456"_s);
    QCOMPARE(std::get<SignInRequest>(clean).password, u"pw"_s);

    const auto reserved = normalizeSignInRequest({ServerAddress{}, u"postgres"_s, u"pw"_s, {}});
    QVERIFY(std::holds_alternative<SignInError>(reserved));
    QCOMPARE(toString(std::get<SignInError>(reserved).kind), u"wrong_credentials"_s);
}

void TestDeskDomain::access_staffSeeFiveScreens_adminsSeven()
{
    auto visible = [](StaffRole role) {
        QStringList names;
        for (ScreenKey key : allScreens())
            if (mayOpen(role, key))
                names.append(toString(key));
        return names;
    };
    const QStringList four{u"catalog"_s, u"point_of_sale"_s, u"orders"_s, u"dashboard"_s};
    QCOMPARE(visible(StaffRole::Staff), four + QStringList({u"customers"_s}));
    QCOMPARE(visible(StaffRole::Ops), four + QStringList({u"customers"_s}));
    QCOMPARE(visible(StaffRole::Admin), four + QStringList({u"staff"_s, u"audit_log"_s, u"customers"_s}));
}

void TestDeskDomain::reconnectDelay_doublesUpToTheCap()
{
    QCOMPARE(reconnectDelay(1).count(), 500);
    QCOMPARE(reconnectDelay(2).count(), 1000);
    QCOMPARE(reconnectDelay(3).count(), 2000);
    QCOMPARE(reconnectDelay(7).count(), 30000);
    QCOMPARE(reconnectDelay(1000).count(), 30000);
    QCOMPARE(reconnectDelay(0).count(), 500);
    QCOMPARE(reconnectDelay(3, 10ms, 25ms).count(), 25);
}

void TestDeskDomain::supervisor_retriesUntilRestored()
{
    ScriptedSession session;
    session.outcomes = {ReconnectOutcome::StillDown, ReconnectOutcome::StillDown, ReconnectOutcome::Restored};
    ConnectionSupervisor supervisor(session);
    supervisor.setBackoff(5ms, 20ms);
    QSignalSpy states(&supervisor, &ConnectionSupervisor::stateChanged);
    session.drop();
    QCOMPARE(supervisor.state(), ConnectionSupervisor::State::Reconnecting);
    QVERIFY(states.first().at(1).toString().contains(u"Nothing you typed is lost"_s));
    QTRY_COMPARE(supervisor.state(), ConnectionSupervisor::State::Connected);
    QCOMPARE(session.reconnects, 3);
    QCOMPARE(supervisor.attempts(), 3);
    // A second drop while reconnecting does not start a second loop.
    session.outcomes = {ReconnectOutcome::Restored};
    session.drop();
    session.drop();
    QTRY_COMPARE(supervisor.state(), ConnectionSupervisor::State::Connected);
    QCOMPARE(session.reconnects, 4);
}

void TestDeskDomain::supervisor_reportsNeedsCodeAndRevokedAccess()
{
    ScriptedSession session;
    ConnectionSupervisor supervisor(session);
    supervisor.setBackoff(1ms, 5ms);
    session.outcomes = {ReconnectOutcome::RestoredNeedsCode};
    session.drop();
    QTRY_COMPARE(supervisor.state(), ConnectionSupervisor::State::NeedsCode);
    supervisor.secondFactorVerified();
    QCOMPARE(supervisor.state(), ConnectionSupervisor::State::Connected);

    session.outcomes = {ReconnectOutcome::AccessRevoked};
    session.drop();
    QTRY_COMPARE(supervisor.state(), ConnectionSupervisor::State::AccessRevoked);
    const int attempts = session.reconnects;
    QTest::qWait(30);   // proves a negative: no further attempt
    QCOMPARE(session.reconnects, attempts);  // gives up: only signing in again helps
}

QTEST_GUILESS_MAIN(TestDeskDomain)
#include "tst_desk_domain.moc"
