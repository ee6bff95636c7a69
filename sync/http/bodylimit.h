#pragma once

#include "sync/http/ratelimiter.h"

#include <QByteArrayView>
#include <QtGlobal>

namespace rdk::sync {

// Request body limits. QHttpServer 6.4 has none: it buffers the whole body in memory before a
// handler runs, so these checks stop us *processing* an oversized body but can't stop the
// buffering. The reverse proxy (docs/Caddyfile.example, `request_body max_size`) must enforce
// a limit as well; these are the second line and the only one in tests and local runs.

/// A checkout request is a cart: a few dozen SKUs, sizes and quantities.
inline constexpr qint64 checkoutBodyLimit = 16 * 1024;
/// Stripe's event payloads stay well under this even with expanded line items.
inline constexpr qint64 webhookBodyLimit = 512 * 1024;
/// Other writes (login form, small JSON) need little.
inline constexpr qint64 defaultWriteBodyLimit = 8 * 1024;
/// GET, HEAD, OPTIONS, DELETE, TRACE, CONNECT carry no body here.
inline constexpr qint64 noBodyLimit = 0;

/// The largest body accepted for a request of this family and method.
inline qint64 bodyLimitFor(RouteFamily family, QByteArrayView method)
{
    if (method != "POST" && method != "PUT" && method != "PATCH")
        return noBodyLimit;
    switch (family) {
    case RouteFamily::Checkout: return checkoutBodyLimit;
    case RouteFamily::Webhook: return webhookBodyLimit;
    default: return defaultWriteBodyLimit;
    }
}

/// True when the declared Content-Length (negative when absent or unparsable) or the bytes
/// actually received exceed `limit`: checking both refuses early on an honest header and
/// still catches a body longer than its header.
constexpr bool bodyTooLarge(qint64 contentLength, qsizetype received, qint64 limit)
{
    return contentLength > limit || qint64(received) > limit;
}

} // namespace rdk::sync
