#pragma once

#include <QString>

namespace rdk {

struct DeskConfig;

struct DeskRunOptions final {
    bool smokeTest = false;       ///< build the sign-in dialog and exit 0 (packaging checks)
    QString screenshotDir;        ///< automation: sign in from the environment, save PNGs, exit
};

/// The desk's flow after configuration: sign-in dialog, then the main window with the
/// screens the role may open. Returns the process exit code.
int runDesk(const DeskConfig &config, const DeskRunOptions &options);

} // namespace rdk
