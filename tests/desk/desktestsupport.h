#pragma once

// Helpers shared by the desk's widget tests: the test database's server address, codes for
// enrolled admins, and a port where nothing listens.

#include "domain/signin.h"
#include "domain/totp.h"
#include "tests/support/testdatabase.h"

#include <QDateTime>
#include <QTcpServer>
#include <QUrl>

namespace rdk::test {

inline ServerAddress serverOf(const TestDatabase &db)
{
    const QUrl url(QString::fromStdString(db.ownerUrl()));
    return ServerAddress{url.host(), url.port(5432), url.path().mid(1)};
}

inline SignInRequest requestFor(const TestDatabase &db, const Login &login, const QString &code = {})
{
    return SignInRequest{serverOf(db), login.login, login.password, code};
}

/// The code of the time step `stepsAhead` steps from now (the database accepts one step
/// either side, and each step only once).
inline QString codeFor(const TestDatabase &db, const Login &login, int stepsAhead = 0)
{
    return totpCode(db.totpSecretOf(login.login), QDateTime::currentSecsSinceEpoch() + 30 * stepsAhead);
}

/// Six digits that match none of the steps the database would accept now.
inline QString wrongCodeFor(const TestDatabase &db, const Login &login)
{
    const QByteArray secret = db.totpSecretOf(login.login);
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    for (int candidate = 0;; ++candidate) {
        const QString code = QStringLiteral("%1").arg(candidate * 7919 % 1000000, 6, 10, QLatin1Char('0'));
        if (code != totpCode(secret, now - 30) && code != totpCode(secret, now) && code != totpCode(secret, now + 30)
            && code != totpCode(secret, now + 60))
            return code;
    }
}

/// A local port that was free a moment ago: connecting there is refused.
inline int closedPort()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    const int port = server.serverPort();
    server.close();
    return port;
}

} // namespace rdk::test
