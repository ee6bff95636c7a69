#include "app/desk/deskapp.h"

#include "app/desk/screens.h"
#include "app/desk/screenshots.h"
#include "app/runtime/config.h"
#include "data/deskconnection.h"
#include "ui/mainwindow.h"
#include "ui/signindialog.h"

#include <QApplication>
#include <QSettings>

#include <chrono>

namespace rdk {

int runDesk(const DeskConfig &config, const DeskRunOptions &options)
{
    data::DeskConnection connection;
    QSettings settings;
    const ServerAddress server = ServerAddress::fromUrl(config.databaseUrl).value_or(ServerAddress{});

    if (!options.screenshotDir.isEmpty())
        return takeScreenshots(connection, config, server, options.screenshotDir);

    if (options.smokeTest) {
        SignInDialog signIn(connection, server, &settings);
        signIn.show();
        QApplication::processEvents();
        return 0;
    }
    // Sign in, work, and after "Sign out" the sign-in screen again for the next person; the
    // window (its screens, their sessions and workers) is built anew for each.
    for (;;) {
        SignInDialog signIn(connection, server, &settings);
        if (signIn.exec() != QDialog::Accepted)
            return 0;
        bool signedOut = false;
        int code = 0;
        {
            MainWindow window(connection, std::chrono::minutes(config.lockMinutes));
            QObject::connect(&window, &MainWindow::signOutRequested, [&signedOut] { signedOut = true; });
            DeskServices services{connection, config};
            registerScreens(window, services);
            window.show();
            code = QApplication::exec();
        }
        connection.signOut();
        if (!signedOut)
            return code;
    }
}

} // namespace rdk
