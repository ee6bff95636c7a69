#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QLoggingCategory>
#include <QString>

namespace rdk::sync {

Q_DECLARE_LOGGING_CATEGORY(lcAccess)   // "rdk.sync.access"

/// One answered request, as the server saw it.
struct AccessLogEntry final {
    QByteArray requestId;
    QByteArray method;
    QString route;            ///< the router's template ("/api/orders/<arg>"), or "unmatched"
    QByteArray target;        ///< the request target as received: path and query
    bool privateRoute = false;///< cart, order, account, checkout, admin: the query is never logged
    int status = 0;
    double durationMs = 0.0;
    qint64 bytes = 0;         ///< response body bytes
    QHostAddress client;      ///< from clientAddress(), not the raw peer behind a proxy
    QByteArray userAgent;
    int loop = -1;            ///< the HTTP event loop that took the request; -1: not said
};

/// The structured fields of the access line, in order: request_id, method, route, path,
/// status, duration_ms, bytes, client, user_agent, then loop when known. `path` drops the
/// query of private routes (it can carry session ids, emails, order tokens); path and user agent lose control
/// characters (no forged log lines) and are cut to 200 characters, so a client can't make one
/// request cost a kilobyte of log.
QList<QPair<QString, QString>> accessLogFields(const AccessLogEntry &entry);

/// The human part of the line: `GET /api/products 200 3.2 ms 512 B`.
QString accessLogMessage(const AccessLogEntry &entry);

/// Logs one info line on `rdk.sync.access` with the fields attached through
/// rdk::ScopedLogField, so the JSON handler writes them as keys. A field the thread already
/// carries with the same value (the request id set around the handler) is not added twice.
void logAccess(const AccessLogEntry &entry);

} // namespace rdk::sync
