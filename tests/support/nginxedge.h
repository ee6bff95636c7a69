#pragma once
// The nginx edge of ADR 0034 for a test: resources/edge/render-nginx-conf writes its
// configuration into a folder of the test's own, and nginx runs from there in the foreground,
// ending with the test (childprocess.h). Used by tests/edge.

#include "tests/support/childprocess.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QStringList>

#include <unistd.h>

namespace rdk::test {

/// Renders the edge's configuration with `settings` (render-nginx-conf's NAME=value; prefix is
/// `dir`) and starts nginx with it in `process`. False with `error` set when nginx is missing or
/// the settings are refused. The caller waits for the edge to answer.
inline bool startNginxEdge(QProcess &process, const QString &sourceDir, const QString &dir, QStringList settings,
                           QString *error)
{
    using namespace Qt::Literals::StringLiterals;
    const QString nginx = QStandardPaths::findExecutable(u"nginx"_s, {u"/usr/sbin"_s, u"/usr/bin"_s});
    if (nginx.isEmpty()) {
        *error = u"nginx is not installed (Debian package nginx-light; scripts/test installs it)"_s;
        return false;
    }
    settings.prepend(u"prefix="_s + dir);
    // Started as root (CI), nginx's workers would run as nobody, who can't use the test's
    // private folder.
    if (::geteuid() == 0)
        settings.append(u"user=root"_s);
    QProcess render;
    render.start(sourceDir + u"/resources/edge/render-nginx-conf"_s, settings);
    QFile conf(dir + u"/nginx.conf"_s);
    if (!render.waitForFinished(10000) || render.exitCode() != 0 || !QDir(dir).mkpath(u"tmp"_s)
        || !QDir(dir).mkpath(u"cache"_s) || !conf.open(QIODevice::WriteOnly)
        || conf.write(render.readAllStandardOutput()) <= 0) {
        *error = u"can't write the nginx configuration in %1: %2"_s.arg(dir, QString::fromUtf8(render.readAllStandardError()));
        return false;
    }
    conf.close();
    process.setProcessChannelMode(QProcess::MergedChannels);
    endWithThisTest(process);
    process.start(nginx, {u"-p"_s, dir, u"-c"_s, conf.fileName(), u"-e"_s, dir + u"/startup.log"_s, u"-g"_s,
                          u"daemon off;"_s});
    return true;
}

} // namespace rdk::test
