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

    SignInDialog signIn(connection, server, &settings);
    if (options.smokeTest) {
        signIn.show();
        QApplication::processEvents();
        return 0;
    }
    if (signIn.exec() != QDialog::Accepted)
        return 0;

    MainWindow window(connection, std::chrono::minutes(config.lockMinutes));
    DeskServices services{connection, config};
    registerScreens(window, services);
    window.show();
    const int code = QApplication::exec();
    connection.signOut();
    return code;
}

} // namespace rdk
