#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>

namespace rdk {

struct EnvFile final {
    QHash<QString, QString> values;
    QStringList errors;   ///< "line N: reason", one per bad line
};

/// Parses a .env file: KEY=VALUE lines, optional `export `, '#' comments, single quotes taken
/// literally, double quotes with \n \" \\ escapes. Bad lines are reported, never guessed at.
EnvFile parseEnvFile(const QByteArray &content);

} // namespace rdk
