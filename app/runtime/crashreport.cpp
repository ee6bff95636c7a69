#include "app/runtime/crashreport.h"

#include "app/runtime/version.h"

#include <QDir>
#include <QLoggingCategory>
#include <QStandardPaths>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <execinfo.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

#if defined(__SANITIZE_ADDRESS__)
#define RDK_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define RDK_SANITIZED 1
#endif
#endif

Q_LOGGING_CATEGORY(lcCrash, "rdk.crash")

namespace rdk {
namespace {

constexpr int kFatalSignals[] = {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL};

// The ring of recent log lines. A slot is written by whichever thread logs; the handler reads
// them without a lock (a line being written at the instant of the crash may come out torn,
// which is acceptable in a crash report and better than taking a lock in a signal handler).
constexpr int kRingLines = 32;
constexpr int kLineBytes = 480;
struct LogSlot {
    std::atomic<quint64> sequence{0};   // 1 + the line's number; 0 while empty
    std::atomic<int> length{0};
    char text[kLineBytes];
};
LogSlot g_ring[kRingLines];
std::atomic<quint64> g_nextLine{0};

// Everything the handler needs, prepared at install time: no allocation inside the handler.
char g_prefix[3072];     // "<directory>/<component>-"
char g_component[64];
char g_release[128];
alignas(16) char g_altStack[64 * 1024];   // so a stack overflow can still be reported

size_t cstrlen(const char *s)
{
    size_t n = 0;
    while (s[n] != '\0')
        ++n;
    return n;
}

void put(int fd, const char *text, size_t length)
{
    while (length > 0) {
        const ssize_t written = ::write(fd, text, length);
        if (written <= 0) {
            if (written < 0 && errno == EINTR)
                continue;
            return;
        }
        text += written;
        length -= size_t(written);
    }
}

void put(int fd, const char *text)
{
    put(fd, text, cstrlen(text));
}

// Decimal digits of `value` into `out` (at least `width` digits, zero padded); returns the end.
char *appendNumber(char *out, unsigned long long value, int width = 1)
{
    char digits[24];
    int n = 0;
    do {
        digits[n++] = char('0' + value % 10);
        value /= 10;
    } while (value != 0 && n < 24);
    while (n < width && n < 24)
        digits[n++] = '0';
    while (n > 0)
        *out++ = digits[--n];
    return out;
}

void putNumber(int fd, long long value)
{
    char buffer[32];
    char *end = buffer;
    if (value < 0) {
        *end++ = '-';
        value = -value;
    }
    end = appendNumber(end, static_cast<unsigned long long>(value));
    put(fd, buffer, size_t(end - buffer));
}

// "2026-12-07T04:05:06Z" from seconds since the epoch, by arithmetic only (gmtime_r is not
// async-signal-safe). Days to civil date: Howard Hinnant's algorithm.
void putUtc(int fd, long long seconds)
{
    const long long days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
    const long long secondsOfDay = seconds - days * 86400;
    const long long z = days + 719468;
    const long long era = (z >= 0 ? z : z - 146096) / 146097;
    const long long doe = z - era * 146097;
    const long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const long long mp = (5 * doy + 2) / 153;
    const long long day = doy - (153 * mp + 2) / 5 + 1;
    const long long month = mp < 10 ? mp + 3 : mp - 9;
    const long long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    char buffer[40];
    char *p = appendNumber(buffer, static_cast<unsigned long long>(year), 4);
    *p++ = '-';
    p = appendNumber(p, static_cast<unsigned long long>(month), 2);
    *p++ = '-';
    p = appendNumber(p, static_cast<unsigned long long>(day), 2);
    *p++ = 'T';
    p = appendNumber(p, static_cast<unsigned long long>(secondsOfDay / 3600), 2);
    *p++ = ':';
    p = appendNumber(p, static_cast<unsigned long long>(secondsOfDay / 60 % 60), 2);
    *p++ = ':';
    p = appendNumber(p, static_cast<unsigned long long>(secondsOfDay % 60), 2);
    *p++ = 'Z';
    put(fd, buffer, size_t(p - buffer));
}

const char *signalName(int signal)
{
    switch (signal) {
    case SIGSEGV: return "SIGSEGV";
    case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    }
    return nullptr;
}

void writeReport(int fd, int signal, long long now)
{
    const char *name = signalName(signal);
    put(fd, "crash report of ");
    put(fd, g_component);
    put(fd, "\nsignal: ");
    putNumber(fd, signal);
    put(fd, " (");
    put(fd, name ? name : "?");
    put(fd, ")\nrelease: ");
    put(fd, g_release);
    put(fd, "\ntime: ");
    putUtc(fd, now);
    put(fd, "\npid: ");
    putNumber(fd, ::getpid());
    put(fd, "\n\nstack:\n");
    void *frames[64];
    const int depth = ::backtrace(frames, 64);
    ::backtrace_symbols_fd(frames, depth, fd);
    put(fd, "\nlast log lines:\n");
    const quint64 next = g_nextLine.load(std::memory_order_acquire);
    for (quint64 i = next > kRingLines ? next - kRingLines : 0; i < next; ++i) {
        const LogSlot &slot = g_ring[i % kRingLines];
        if (slot.sequence.load(std::memory_order_acquire) != i + 1)
            continue;   // overwritten meanwhile
        const int length = slot.length.load(std::memory_order_relaxed);
        put(fd, slot.text, size_t(length < 0 ? 0 : length > kLineBytes ? kLineBytes : length));
        put(fd, "\n");
    }
    put(fd, "end of report\n");
}

void onFatalSignal(int signal, siginfo_t *, void *)
{
    const int savedErrno = errno;
    const long long now = static_cast<long long>(::time(nullptr));
    char path[sizeof g_prefix + 64];
    const size_t prefixLength = cstrlen(g_prefix);
    std::memcpy(path, g_prefix, prefixLength);
    char *end = appendNumber(path + prefixLength, static_cast<unsigned long long>(now));
    *end++ = '-';
    end = appendNumber(end, static_cast<unsigned long long>(::getpid()));
    std::memcpy(end, ".crash", 7);

    const int fd = ::open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
        writeReport(fd, signal, now);
        ::close(fd);
    }
    put(STDERR_FILENO, g_component);
    put(STDERR_FILENO, ": fatal signal ");
    putNumber(STDERR_FILENO, signal);
    if (fd >= 0) {
        put(STDERR_FILENO, "; crash report written to ");
        put(STDERR_FILENO, path);
    } else {
        put(STDERR_FILENO, "; no crash report (can't create the file)");
    }
    put(STDERR_FILENO, "\n");

    // Die as without the handler: SA_RESETHAND already put the default action back; the signal
    // sent again is delivered when the handler returns (a fault re-faults on return anyway).
    ::signal(signal, SIG_DFL);
    ::raise(signal);
    errno = savedErrno;
}

} // namespace

bool builtWithSanitizers()
{
#ifdef RDK_SANITIZED
    return true;
#else
    return false;
#endif
}

QString fatalSignalName(int signal)
{
    const char *name = signalName(signal);
    return name ? QString::fromLatin1(name) : u"signal %1"_s.arg(signal);
}

QString crashReportDirectory(const ConfigSource &source)
{
    if (const auto configured = source.value(u"RDK_CRASH_DIR"_s))
        return QDir::cleanPath(*configured);
    if (const auto state = source.value(u"STATE_DIRECTORY"_s))
        return QDir::cleanPath(state->section(u':', 0, 0) + u"/crash"_s);
    return QDir::cleanPath(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation)
                           + u"/real-deal-kickz/crash"_s);
}

void rememberLogLine(QByteArrayView line)
{
    const quint64 number = g_nextLine.fetch_add(1, std::memory_order_relaxed);
    LogSlot &slot = g_ring[number % kRingLines];
    const int length = int(std::min<qsizetype>(line.size(), kLineBytes));
    slot.sequence.store(0, std::memory_order_relaxed);
    std::memcpy(slot.text, line.data(), size_t(length));
    slot.length.store(length, std::memory_order_relaxed);
    slot.sequence.store(number + 1, std::memory_order_release);
}

CrashHandlerState installCrashHandler(const QString &component, const QString &directory)
{
    if (builtWithSanitizers())
        return CrashHandlerState::SanitizerBuild;
    const QByteArray dir = QDir::cleanPath(directory).toLocal8Bit();
    const QByteArray prefix = dir + '/' + component.toLocal8Bit() + '-';
    if (dir.isEmpty() || prefix.size() >= qsizetype(sizeof g_prefix) || !QDir().mkpath(directory))
        return CrashHandlerState::NoDirectory;
    ::chmod(dir.constData(), 0700);   // reports hold log lines: for the service's user only
    std::memcpy(g_prefix, prefix.constData(), size_t(prefix.size()) + 1);
    const QByteArray componentName = component.toLatin1().left(sizeof g_component - 1);
    std::memcpy(g_component, componentName.constData(), size_t(componentName.size()) + 1);
    const QByteArray release = QByteArray(releaseString()).left(sizeof g_release - 1);
    std::memcpy(g_release, release.constData(), size_t(release.size()) + 1);

    // backtrace() loads libgcc on its first call, which allocates: do that now, not in the handler.
    void *warmUp[4];
    ::backtrace(warmUp, 4);

    stack_t stack{};
    stack.ss_sp = g_altStack;
    stack.ss_size = sizeof g_altStack;
    ::sigaltstack(&stack, nullptr);

    struct sigaction action{};
    action.sa_sigaction = onFatalSignal;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND;
    sigemptyset(&action.sa_mask);
    for (const int signal : kFatalSignals)
        ::sigaction(signal, &action, nullptr);
    return CrashHandlerState::Installed;
}

} // namespace rdk

namespace rdk {

void installCrashReports(const QString &component, const ConfigSource &source)
{
    const QString directory = crashReportDirectory(source);
    switch (installCrashHandler(component, directory)) {
    case CrashHandlerState::Installed:
        qCInfo(lcCrash).noquote() << "crash reports go to" << directory;
        break;
    case CrashHandlerState::SanitizerBuild:
        qCInfo(lcCrash) << "crash reports are off in a sanitizer build: the sanitizer reports fatal signals itself";
        break;
    case CrashHandlerState::NoDirectory:
        qCWarning(lcCrash).noquote() << "no crash reports: can't create" << directory << "(set RDK_CRASH_DIR)";
        break;
    }
}

} // namespace rdk
