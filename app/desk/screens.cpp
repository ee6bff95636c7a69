#include "app/desk/screens.h"

#include "app/runtime/config.h"
#include "data/deskconnection.h"
#include "ui/mainwindow.h"
#include "ui/shell/homescreen.h"

namespace rdk {

void registerScreens(MainWindow &window, DeskServices &services)
{
    const SignedInUser &user = services.connection.user();
    // Screens are added here as they are built, in this shape:
    //   if (mayOpen(user.role, ScreenKey::Catalog))
    //       window.addScreen(ScreenSpec::defaultsFor(ScreenKey::Catalog),
    //                        new CatalogScreen(/* services the screen needs */));
    // A screen that is not built yet is simply not listed.

    window.setHomeScreen(new HomeScreen(user, services.connection.server(), window.navigationTitles()));
}

} // namespace rdk
