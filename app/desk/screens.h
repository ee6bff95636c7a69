#pragma once

namespace rdk {

class MainWindow;
struct DeskConfig;
namespace data {
class DeskConnection;
}

/// What screens may be built from: the signed-in connection (main session for the UI thread,
/// openWorkerSession() for background work) and the configuration.
struct DeskServices final {
    data::DeskConnection &connection;
    const DeskConfig &config;
};

/// Puts every screen the signed-in role may open into the window, plus the overview page.
/// The one place where screens are wired: each screen is constructed here with the services
/// it needs, and only when the role may open it (the database refuses the rest anyway).
void registerScreens(MainWindow &window, DeskServices &services);

} // namespace rdk
