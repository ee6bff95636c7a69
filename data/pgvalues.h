#pragma once

// Small conversions between Qt values and libpqxx parameters and fields, shared by the
// repositories so each is written once.

#include <QDateTime>
#include <QString>
#include <QTimeZone>

#include <pqxx/pqxx>

#include <optional>
#include <string>

namespace rdk::data {

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
