// The desk (and the service/admin session code) against a PostgreSQL that speaks TLS with a
// certificate made by `rdk-admin tls`: verify-full with the shop's authority and the right name
// connects over TLS; every other case is refused with a sentence, never libpq's raw text.
// Started by tests/pgtls/run-tls-cluster-test, which makes the certificates, the cluster
// (ssl=on, hostssl-only pg_hba) and the login, and passes them in RDK_TLS_* variables.
#include "data/deskconnection.h"
#include "data/pgsessionpqxx.h"
#include "data/pgtlserror.h"
#include "ui/signindialog.h"

#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QPushButton>
#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest>

#include <optional>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

namespace {

QString env(const char *name)
{
    return qEnvironmentVariable(name);
}

} // namespace

class TestPgTlsDesk final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void signIn_verifyFullRightCaAndName_connectsOverTls();
    void signIn_nameNotInCertificate_saysWhoseCertificateItIs();
    void signIn_otherAuthority_saysNotSignedByTheShop();
    void signIn_missingCaFile_saysWhereToPutIt();
    void signIn_withoutTls_refusedByTheServer();
    void signIn_serverWithoutTls_saysSo();
    void serviceSession_verifyFull_connectsOverTls();
    void serviceSession_nameNotInCertificate_saysWhoseCertificateItIs();
    void dialog_overTls_signsInEndToEnd();
    void dialog_nameNotInCertificate_showsTheSentence();

private:
    ServerAddress server(const QString &host, const QString &ca) const;
    SignInRequest request(const ServerAddress &server) const;
    QString m_host;
    int m_port = 0;
    QString m_database;
    QString m_ca;
    QString m_otherCa;
    QString m_login;
    QString m_password;
    QString m_serviceLogin;
    QString m_servicePassword;
};

void TestPgTlsDesk::initTestCase()
{
    // Run without the cluster this is no test at all: fail, don't skip.
    m_host = env("RDK_TLS_HOST");
    m_port = env("RDK_TLS_PORT").toInt();
    m_database = env("RDK_TLS_DATABASE");
    m_ca = env("RDK_TLS_CA");
    m_otherCa = env("RDK_TLS_OTHER_CA");
    m_login = env("RDK_TLS_LOGIN");
    m_password = env("RDK_TLS_PASSWORD");
    m_serviceLogin = env("RDK_TLS_SERVICE_LOGIN");
    m_servicePassword = env("RDK_TLS_SERVICE_PASSWORD");
    QVERIFY2(!m_host.isEmpty() && m_port > 0 && !m_ca.isEmpty() && !m_otherCa.isEmpty() && !m_login.isEmpty()
                 && !m_serviceLogin.isEmpty(),
             "run through tests/pgtls/run-tls-cluster-test (it starts the TLS cluster)");
}

ServerAddress TestPgTlsDesk::server(const QString &host, const QString &ca) const
{
    ServerAddress s{host, m_port, m_database};
    s.sslMode = u"verify-full"_s;
    s.sslRootCert = ca;
    return s;
}

SignInRequest TestPgTlsDesk::request(const ServerAddress &server) const
{
    return SignInRequest{server, m_login, m_password, {}};
}

void TestPgTlsDesk::signIn_verifyFullRightCaAndName_connectsOverTls()
{
    // The address as the counter bundle writes it, read the way rdk-desk reads its config.
    const auto fromUrl = ServerAddress::fromUrl(u"postgresql://%1:%2/%3?sslmode=verify-full&sslrootcert=%4"_s
                                                    .arg(m_host).arg(m_port).arg(m_database, m_ca));
    QVERIFY(fromUrl);
    QCOMPARE(fromUrl->sslMode, u"verify-full"_s);
    QCOMPARE(fromUrl->sslRootCert, m_ca);

    data::DeskConnection desk;
    const SignInResult result = desk.signIn(request(*fromUrl));
    QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
    auto tls = desk.mainSession().transact([](pqxx::work &tx) -> Result<QString> {
        const auto row = tx.exec1("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
        return QString::fromStdString(row[0].as<bool>() ? "ssl " + row[1].as<std::string>() : "plain");
    });
    QVERIFY(tls);
    QVERIFY2(tls.value().startsWith(u"ssl TLSv1."_s), qPrintable(tls.value()));
    qInfo().noquote() << "pg_stat_ssl for the desk's backend:" << tls.value();
}

void TestPgTlsDesk::signIn_nameNotInCertificate_saysWhoseCertificateItIs()
{
    // 127.0.0.1 reaches the same server, but the certificate names db.shop.lan and localhost only.
    data::DeskConnection desk;
    const SignInResult result = desk.signIn(request(server(u"127.0.0.1"_s, m_ca)));
    QVERIFY(!result.ok());
    QCOMPARE(toString(result.error().kind), u"server_not_trusted"_s);
    QCOMPARE(result.error().field, u"server"_s);
    QVERIFY2(result.error().message.startsWith(
                 u"The database server's certificate is for db.shop.lan, not 127.0.0.1."_s),
             qPrintable(result.error().message));
    QVERIFY(!desk.isSignedIn());
}

void TestPgTlsDesk::signIn_otherAuthority_saysNotSignedByTheShop()
{
    data::DeskConnection desk;
    const SignInResult result = desk.signIn(request(server(m_host, m_otherCa)));
    QVERIFY(!result.ok());
    QCOMPARE(toString(result.error().kind), u"server_not_trusted"_s);
    QVERIFY2(result.error().message.startsWith(
                 u"The database server's certificate is not signed by the shop's certificate authority (%1)"_s.arg(m_otherCa)),
             qPrintable(result.error().message));
}

void TestPgTlsDesk::signIn_missingCaFile_saysWhereToPutIt()
{
    const QString missing = QDir::temp().filePath(u"rdk-no-such-ca-%1.crt"_s.arg(QCoreApplication::applicationPid()));
    data::DeskConnection desk;
    const SignInResult result = desk.signIn(request(server(m_host, missing)));
    QVERIFY(!result.ok());
    QCOMPARE(toString(result.error().kind), u"server_not_trusted"_s);
    QCOMPARE(result.error().message,
             u"This computer has no copy of the shop's certificate authority at %1. Copy db-ca.crt from the counter "
             u"bundle there (rdk-admin tls counter-bundle), then try again."_s.arg(missing));
}

void TestPgTlsDesk::signIn_withoutTls_refusedByTheServer()
{
    // pg_hba has only hostssl lines for the app logins (and hostnossl ... reject): a plain
    // connection with the right password gets nowhere.
    ServerAddress plain{m_host, m_port, m_database};
    plain.sslMode = u"disable"_s;
    data::DeskConnection desk;
    const SignInResult result = desk.signIn(request(plain));
    QVERIFY(!result.ok());
    QCOMPARE(toString(result.error().kind), u"server_not_trusted"_s);
    QVERIFY2(result.error().message.startsWith(u"The database server accepts only TLS connections"_s),
             qPrintable(result.error().message));
}

void TestPgTlsDesk::signIn_serverWithoutTls_saysSo()
{
    // What a PostgreSQL with ssl=off answers to libpq's SSLRequest: the single byte 'N'.
    QTcpServer plainServer;
    QVERIFY(plainServer.listen(QHostAddress::LocalHost, 0));
    connect(&plainServer, &QTcpServer::newConnection, this, [&plainServer] {
        while (QTcpSocket *socket = plainServer.nextPendingConnection()) {
            connect(socket, &QTcpSocket::readyRead, socket, [socket] {
                if (socket->bytesAvailable() >= 8) {
                    socket->readAll();
                    socket->write("N");
                }
            });
        }
    });
    ServerAddress address = server(u"localhost"_s, m_ca);
    address.host = u"127.0.0.1"_s;
    address.port = plainServer.serverPort();
    data::DeskConnection desk;
    std::optional<SignInResult> outcome;
    connect(&desk, &DeskSession::signInFinished, this, [&outcome](const SignInResult &r) { outcome = r; });
    desk.requestSignIn(request(address));
    QTRY_VERIFY_WITH_TIMEOUT(outcome.has_value(), 15000);
    const SignInResult result = *outcome;
    QVERIFY(!result.ok());
    QCOMPARE(toString(result.error().kind), u"server_not_trusted"_s);
    QVERIFY2(result.error().message.startsWith(u"The database server does not offer TLS"_s),
             qPrintable(result.error().message));
}

void TestPgTlsDesk::serviceSession_verifyFull_connectsOverTls()
{
    // rdk-sync's login (member of rdk_sync) with the URL parameters the runbook gives it.
    const std::string url = u"postgresql://%1:%2@%3:%4/%5?sslmode=verify-full&sslrootcert=%6"_s
                                .arg(m_serviceLogin, m_servicePassword, m_host)
                                .arg(m_port)
                                .arg(m_database, m_ca)
                                .toStdString();
    auto session = data::PgSession::open(url);
    QVERIFY2(session, qPrintable(session ? QString() : session.error().message));
    auto ssl = session.value()->transact([](pqxx::work &tx) -> Result<bool> {
        return tx.exec1("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")[0].as<bool>();
    });
    QVERIFY(ssl);
    QVERIFY(ssl.value());
}

void TestPgTlsDesk::serviceSession_nameNotInCertificate_saysWhoseCertificateItIs()
{
    // rdk-sync and rdk-admin open sessions from a URL; the same sentence reaches their logs.
    const std::string url = u"postgresql://%1:%2@127.0.0.1:%3/%4?sslmode=verify-full&sslrootcert=%5"_s
                                .arg(m_login, m_password)
                                .arg(m_port)
                                .arg(m_database, m_ca)
                                .toStdString();
    QCOMPARE(data::sslRootCertOf(url), m_ca);
    const auto session = data::PgSession::open(url);
    QVERIFY(!session);
    QCOMPARE(session.error().code, ErrorCode::Unavailable);
    QVERIFY2(session.error().message.startsWith(u"The database server's certificate is for db.shop.lan"_s),
             qPrintable(session.error().message));
    QVERIFY(!session.error().message.contains(m_password));
}

void TestPgTlsDesk::dialog_overTls_signsInEndToEnd()
{
    data::DeskConnection desk;
    SignInDialog dialog(desk, server(m_host, m_ca), nullptr);
    dialog.show();
    auto *security = dialog.findChild<QLabel *>(u"connectionSecurity"_s);
    QVERIFY(security->isVisible());
    QVERIFY(security->text().contains(m_ca));
    QTest::keyClicks(dialog.findChild<QLineEdit *>(u"login"_s), m_login);
    QTest::keyClicks(dialog.findChild<QLineEdit *>(u"password"_s), m_password);
    QTest::keyClick(dialog.findChild<QLineEdit *>(u"password"_s), Qt::Key_Return);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.isBusy(), 15000);
    QVERIFY2(dialog.lastErrorKind().isEmpty(), qPrintable(dialog.lastErrorKind()));
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    QVERIFY(desk.isSignedIn());
    QCOMPARE(desk.server().sslMode, u"verify-full"_s);
}

void TestPgTlsDesk::dialog_nameNotInCertificate_showsTheSentence()
{
    data::DeskConnection desk;
    SignInDialog dialog(desk, server(m_host, m_ca), nullptr);
    dialog.show();
    // The person types an address the certificate doesn't name; TLS settings stay the configured ones.
    auto *serverField = dialog.findChild<QLineEdit *>(u"server"_s);
    serverField->clear();
    QTest::keyClicks(serverField, u"127.0.0.1:%1/%2"_s.arg(m_port).arg(m_database));
    QTest::keyClicks(dialog.findChild<QLineEdit *>(u"login"_s), m_login);
    QTest::keyClicks(dialog.findChild<QLineEdit *>(u"password"_s), m_password);
    QTest::mouseClick(dialog.findChild<QPushButton *>(u"signInButton"_s), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.isBusy(), 15000);
    QCOMPARE(dialog.lastErrorKind(), u"server_not_trusted"_s);
    auto *problem = dialog.findChild<QLabel *>(u"problem"_s);
    QVERIFY(problem->isVisible());
    QVERIFY2(problem->text().startsWith(u"The database server's certificate is for db.shop.lan"_s),
             qPrintable(problem->text()));
    QVERIFY(!problem->text().contains(u"SSL"_s));   // libpq's words stay in the log
    QVERIFY(dialog.isVisible());
    QVERIFY(!desk.isSignedIn());
    QVERIFY(serverField->hasFocus());

    // Reference picture: the dialog as it appears on a 1366x768 counter screen.
    const QString dir = env("RDK_SCREENSHOTS");
    if (!dir.isEmpty()) {
        QTest::qWait(50);   // let the word-wrapped message settle into its final height (not a pass/fail wait)
        const QPixmap grabbed = dialog.grab();
        QVERIFY(grabbed.width() <= 1366 && grabbed.height() <= 768);
        QImage screen(1366, 768, QImage::Format_RGB32);
        screen.fill(dialog.palette().color(QPalette::Dark));
        QPainter painter(&screen);
        painter.drawPixmap((screen.width() - grabbed.width()) / 2, (screen.height() - grabbed.height()) / 2, grabbed);
        painter.end();
        const QString path = QDir(dir).filePath(u"desk-signin-tls-mismatch.png"_s);
        QVERIFY(screen.save(path));
        qInfo().noquote() << "wrote" << path;
    }
}

QTEST_MAIN(TestPgTlsDesk)
#include "tst_pgtls_desk.moc"
