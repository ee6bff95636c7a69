#pragma once

#include "app/runtime/config.h"

#include <QByteArrayView>
#include <QString>

namespace rdk {

/// Where crash reports of this machine's binaries go: RDK_CRASH_DIR when set; else, for a
/// service started by systemd with StateDirectory=, "$STATE_DIRECTORY/crash"; else
/// "<XDG data home>/real-deal-kickz/crash" (~/.local/share/real-deal-kickz/crash). `rdk-admin
/// doctor` looks in the same place.
QString crashReportDirectory(const ConfigSource &source);

enum class CrashHandlerState {
    Installed,
    SanitizerBuild,   ///< ASan/UBSan builds keep the sanitizer's own handler (its report is better)
    NoDirectory,      ///< the directory can't be created: nothing was installed
};

/// On SIGSEGV, SIGABRT, SIGBUS, SIGFPE or SIGILL writes `<directory>/<component>-<unix
/// time>-<pid>.crash` (mode 0600): the signal, component, release, time, pid, a stack trace
/// (backtrace_symbols_fd) and the last log lines (see rememberLogLine), then lets the signal
/// kill the process as it would have without the handler (same signal, same exit status,
/// core dump as configured). Only async-signal-safe calls run inside the handler: the path
/// and the fixed fields are prepared here. Call once from main(), after installLogging().
CrashHandlerState installCrashHandler(const QString &component, const QString &directory);

/// installCrashHandler() for `component` in crashReportDirectory(source), and one log line
/// saying where reports go (or why there are none).
void installCrashReports(const QString &component, const ConfigSource &source);

/// Keeps a copy of one log line (cut to 480 bytes) in a fixed ring of the last 32 lines, which
/// a crash report ends with. Called by the logging handler for every line it writes; safe from
/// any thread, never allocates.
void rememberLogLine(QByteArrayView line);

/// True when this binary was built with AddressSanitizer or UndefinedBehaviorSanitizer.
bool builtWithSanitizers();

/// "-", "SIGSEGV", ... for the signals above, "signal N" for others.
QString fatalSignalName(int signal);

} // namespace rdk
