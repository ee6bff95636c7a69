#pragma once

#include "app/runtime/config.h"

#include <QStringList>
#include <QTextStream>

namespace rdk {

/// `rdk-admin` commands. Each returns the process exit code: 0 done, 1 refused or failed
/// (one clear line on stderr), 64 usage error.
class AdminCli final {
public:
    AdminCli(AdminConfig config, QTextStream &out, QTextStream &err);
    int run(const QStringList &args);

private:
    int migrate(const QStringList &args);
    int tenant(const QStringList &args);
    int staff(const QStringList &args);
    int service(const QStringList &args);
    int seedDemo(const QStringList &args);

    int fail(const QString &message);
    int usage(const QString &message);
    QString readPassword(const QString &prompt);

    AdminConfig m_config;
    QTextStream &m_out;
    QTextStream &m_err;
};

QString adminUsage();

} // namespace rdk
