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
#include <QPalette>
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

void waitUntilIdle(const SignInDialog &dialog)
{
    for (int i = 0; i < 200 && dialog.isBusy(); ++i)
        settle(50);
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
    // Checks that nothing is hard-wired to a light theme: the same pictures on a dark palette.
    if (qEnvironmentVariableIsSet("RDK_DESK_SCREENSHOT_DARK")) {
        QApplication::setStyle(u"Fusion"_s);
        QPalette dark;
        dark.setColor(QPalette::Window, QColor(0x2b, 0x2d, 0x31));
        dark.setColor(QPalette::WindowText, QColor(0xe8, 0xe8, 0xea));
        dark.setColor(QPalette::Base, QColor(0x1f, 0x21, 0x24));
        dark.setColor(QPalette::AlternateBase, QColor(0x33, 0x36, 0x3a));
        dark.setColor(QPalette::Text, QColor(0xe8, 0xe8, 0xea));
        dark.setColor(QPalette::Button, QColor(0x3a, 0x3d, 0x42));
        dark.setColor(QPalette::ButtonText, QColor(0xe8, 0xe8, 0xea));
        dark.setColor(QPalette::Highlight, QColor(0x3d, 0x7b, 0xd9));
        dark.setColor(QPalette::HighlightedText, Qt::white);
        dark.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9d, 0xa3));
        dark.setColor(QPalette::Mid, QColor(0x4a, 0x4d, 0x52));
        QApplication::setPalette(dark);
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
    waitUntilIdle(dialog);
    ok &= save(&dialog, directory, u"signin-error"_s);

    dialog.prefill(login, password);
    dialog.submit();
    waitUntilIdle(dialog);
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
        waitUntilIdle(dialog);
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
    // The same screens on a common laptop screen, where cut-off columns and labels show first.
    const QSize roomy = window.size();
    window.resize(1366, 768);
    for (const ScreenKey key : window.screenKeys()) {
        window.showScreen(key);
        ok &= save(&window, directory, toString(key).replace(u'_', u'-') + u"-1366x768"_s);
    }
    window.resize(roomy);
    window.showHome();

    // A real drop (the server ends the session) with a slow first retry, so the banner can
    // be photographed; admins then see the request for a fresh code.
    window.connectionSupervisor().setBackoff(std::chrono::milliseconds(2500), std::chrono::seconds(5));
    connection.dropMainConnection();
    ok &= save(&window, directory, u"reconnecting"_s);
    for (int i = 0; i < 50 && window.connectionSupervisor().state() == ConnectionSupervisor::State::Reconnecting; ++i)
        settle(100);
    if (window.connectionSupervisor().state() == ConnectionSupervisor::State::NeedsCode) {
        ok &= save(&window, directory, u"reconnected-code"_s);
        if (const auto secret = base32Decode(secretText)) {
            // The sign-in used this time step's code; codes work once, so the next step's.
            const auto verified = connection.verifySecondFactor(totpCode(*secret, QDateTime::currentSecsSinceEpoch() + 30));
            if (verified)
                window.connectionSupervisor().secondFactorVerified();
        }
    }
    if (window.connectionSupervisor().state() != ConnectionSupervisor::State::Connected) {
        err << "rdk-desk: the connection did not come back\n";
        ok = false;
    }
    window.lockNow();
    ok &= save(&window, directory, u"locked"_s);
    connection.signOut();
    return ok ? 0 : 1;
}

} // namespace rdk
