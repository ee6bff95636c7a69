#include "app/desk/screenshots.h"

#include "app/desk/screens.h"
#include "app/runtime/config.h"
#include "data/deskconnection.h"
#include "domain/totp.h"
#include "ui/mainwindow.h"
#include "ui/signindialog.h"

#include <QApplication>
#include <QDateTime>
#include <QDir>
#include <QEventLoop>
#include <QLineEdit>
#include <QListWidget>
#include <QSettings>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

#include <chrono>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

void settle(int ms = 400)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

bool save(QWidget *widget, const QString &directory, const QString &name)
{
    settle();
    const QString path = QDir(directory).filePath(u"desk-%1.png"_s.arg(name));
    const bool ok = widget->grab().save(path);
    QTextStream(stderr) << (ok ? "wrote " : "could not write ") << path << '\n';
    return ok;
}

QString takeEnv(const char *name)
{
    const QString value = qEnvironmentVariable(name);
    qunsetenv(name);  // keep secrets out of anything this process might start
    return value;
}

} // namespace

int takeScreenshots(data::DeskConnection &connection, const DeskConfig &config, const ServerAddress &server,
                    const QString &directory)
{
    QTextStream err(stderr);
    const QString login = takeEnv("RDK_DESK_LOGIN");
    const QString password = takeEnv("RDK_DESK_PASSWORD");
    const QString secretText = takeEnv("RDK_DESK_TOTP_SECRET");
    if (login.isEmpty() || password.isEmpty()) {
        err << "rdk-desk: --screenshot-dir needs RDK_DESK_LOGIN and RDK_DESK_PASSWORD in the environment\n";
        return 2;
    }
    if (!QDir().mkpath(directory)) {
        err << "rdk-desk: can't create " << directory << '\n';
        return 1;
    }
    // A throwaway settings file: automation must not change what the person's desk remembers.
    QTemporaryDir settingsDir;
    QSettings settings(settingsDir.filePath(u"desk.ini"_s), QSettings::IniFormat);
    bool ok = true;

    SignInDialog dialog(connection, server, &settings);
    dialog.prefill(login, {});
    dialog.show();
    ok &= save(&dialog, directory, u"signin"_s);

    dialog.prefill(login, u"not-the-password"_s);
    dialog.submit();
    ok &= save(&dialog, directory, u"signin-error"_s);

    dialog.prefill(login, password);
    dialog.submit();
    if (dialog.lastErrorKind() == toString(SignInErrorKind::CodeRequired)) {
        ok &= save(&dialog, directory, u"signin-2fa"_s);
        const auto secret = base32Decode(secretText);
        if (!secret) {
            err << "rdk-desk: this account needs a code: set RDK_DESK_TOTP_SECRET\n";
            return 1;
        }
        dialog.prefill(login, password);
        dialog.findChild<QLineEdit *>(u"code"_s)->setText(totpCode(*secret, QDateTime::currentSecsSinceEpoch()));
        dialog.submit();
    }
    if (!connection.isSignedIn()) {
        err << "rdk-desk: sign-in failed: " << dialog.lastErrorKind() << '\n';
        return 1;
    }
    dialog.hide();

    MainWindow window(connection, std::chrono::minutes(config.lockMinutes));
    DeskServices services{connection, config};
    registerScreens(window, services);
    window.show();
    window.showHome();
    ok &= save(&window, directory, u"overview"_s);
    for (const ScreenKey key : window.screenKeys()) {
        window.showScreen(key);
        ok &= save(&window, directory, toString(key).replace(u'_', u'-'));
    }
    window.showHome();
    window.lockNow();
    ok &= save(&window, directory, u"locked"_s);
    connection.signOut();
    return ok ? 0 : 1;
}

} // namespace rdk
