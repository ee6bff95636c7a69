#pragma once
// A server a test starts must not outlive the test, also when the test crashes (an assertion,
// a sanitizer's abort) or is killed by ctest's timeout: then its own stop() never runs.

#include <QProcess>

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

} // namespace rdk::test
