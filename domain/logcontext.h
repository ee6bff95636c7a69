#pragma once

#include <QList>
#include <QPair>
#include <QString>

namespace rdk {

/// Structured fields (request_id, tenant, stripe_event_id, ...) attached to every log line
/// written on this thread while a ScopedLogField is alive. Lower layers log with plain Qt
/// logging categories; the binary's log handler adds these fields to each line.
using LogFields = QList<QPair<QString, QString>>;

inline LogFields &threadLogFields()
{
    thread_local LogFields fields;
    return fields;
}

class ScopedLogField final {
public:
    ScopedLogField(QString key, QString value) { threadLogFields().append({std::move(key), std::move(value)}); }
    ~ScopedLogField() { threadLogFields().removeLast(); }
    ScopedLogField(const ScopedLogField &) = delete;
    ScopedLogField &operator=(const ScopedLogField &) = delete;
};

} // namespace rdk
