#pragma once

#include "app/runtime/config.h"

#include <QString>

namespace rdk {

/// Routes all Qt logging (every layer logs through QLoggingCategory) to spdlog on stderr:
/// JSON lines with ts, level, msg, release, component, category and the thread's LogFields,
/// or readable text. Call once from main().
void installLogging(const QString &component, const LogSettings &settings);

/// One log line as JSON (exposed for tests).
QString formatJsonLogLine(const QString &timestamp, const QString &level, const QString &message,
                          const QString &component, const QString &category);

} // namespace rdk
