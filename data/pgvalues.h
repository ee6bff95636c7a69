#pragma once

// Small conversions between Qt values and libpqxx parameters and fields, shared by the
// repositories so each is written once. For data/*.cpp only (it includes libpqxx).

#include <QDateTime>
#include <QString>
#include <QStringList>
#include <QTimeZone>

#include <pqxx/pqxx>

#include <optional>
#include <string>

namespace rdk::data {

/// Text of a field, or empty for NULL.
inline QString text(const pqxx::field &f)
{
    return f.is_null() ? QString() : QString::fromStdString(f.as<std::string>());
}

inline std::string str(const QString &s)
{
    return s.toStdString();
}

/// A PostgreSQL array literal of text (`{"a","b"}`) for a `$n::text[]` parameter: libpqxx 6
/// has no container parameters. Every element is quoted and escaped, so any text is safe.
std::string textArray(const QStringList &items);

/// A LIKE pattern matching text that contains `search` (lower-cased, with `\`, `%` and `_`
/// escaped, so they match themselves), for the products' lower-case search_text.
QString likeContaining(const QString &search);

/// A text parameter that is NULL when `s` is empty.
inline std::optional<std::string> orNull(const QString &s)
{
    return s.isEmpty() ? std::nullopt : std::optional<std::string>(s.toStdString());
}

/// A UTC time from milliseconds since the epoch (`extract(epoch from t) * 1000`); invalid for NULL.
inline QDateTime fromMillis(const pqxx::field &f)
{
    return f.is_null() ? QDateTime() : QDateTime::fromMSecsSinceEpoch(f.as<qint64>(), Qt::UTC);
}

} // namespace rdk::data
