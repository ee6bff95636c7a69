#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QString>

namespace rdk::sandbox {

/// A request as the sandbox's logic sees it, independent of QHttpServer so the API can be
/// driven directly in unit tests.
struct HttpRequest final {
    QByteArray method;                               ///< "GET", "POST", ...
    QString path;                                    ///< decoded path, no query
    QByteArray query;                                ///< raw query string, still percent-encoded
    QList<QPair<QByteArray, QByteArray>> headers;    ///< names as sent
    QByteArray body;
    QHostAddress peer;

    /// The first header called `name` (case-insensitive), or empty.
    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[key, value] : headers) {
            if (key.compare(name, Qt::CaseInsensitive) == 0)
                return value;
        }
        return {};
    }
    bool hasHeader(const QByteArray &name) const
    {
        for (const auto &[key, value] : headers) {
            if (key.compare(name, Qt::CaseInsensitive) == 0)
                return true;
        }
        return false;
    }
};

struct HttpResponse final {
    int status = 200;
    QByteArray contentType = "application/json";
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;

    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[key, value] : headers) {
            if (key.compare(name, Qt::CaseInsensitive) == 0)
                return value;
        }
        return {};
    }
    void setHeader(const QByteArray &name, const QByteArray &value)
    {
        for (auto &[key, existing] : headers) {
            if (key.compare(name, Qt::CaseInsensitive) == 0) {
                existing = value;
                return;
            }
        }
        headers.append({name, value});
    }
};

} // namespace rdk::sandbox
