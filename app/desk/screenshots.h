#pragma once

#include "domain/signin.h"

#include <QString>

namespace rdk {

struct DeskConfig;
namespace data {
class DeskConnection;
}

/// Automation for scripts/screenshots: signs in with RDK_DESK_LOGIN / RDK_DESK_PASSWORD
/// (and RDK_DESK_TOTP_SECRET for accounts with a second factor) from the environment, then
/// writes desk-*.png of the sign-in dialog, every screen the role may open and the lock.
/// Returns 0 when every picture was written.
int takeScreenshots(data::DeskConnection &connection, const DeskConfig &config, const ServerAddress &server,
                    const QString &directory);

} // namespace rdk
