#pragma once
// A server a test starts must not outlive the test, also when the test crashes (an assertion,
// a sanitizer's abort) or is killed by ctest's timeout: then its own stop() never runs.

#include <QHostAddress>
#include <QProcess>
#include <QTcpServer>

#include <csignal>
#include <sys/prctl.h>

namespace rdk::test {

/// Call before `process` starts: the kernel sends the child SIGKILL as soon as the thread that
/// started it ends (PR_SET_PDEATHSIG), so a dead test leaves no server listening behind it.
/// Start it from the test's main thread.
inline void endWithThisTest(QProcess &process)
{
    process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
}

/// Stops a server the test started: SIGTERM, then SIGKILL when it hasn't ended within 10 s.
inline void stopChild(QProcess &process)
{
    if (process.state() == QProcess::NotRunning)
        return;
    process.terminate();
    if (!process.waitForFinished(10000)) {
        process.kill();
        process.waitForFinished(5000);
    }
}

/// A port on 127.0.0.1 that was free a moment ago, for a server the test starts next.
inline quint16 freeLoopbackPort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

} // namespace rdk::test
