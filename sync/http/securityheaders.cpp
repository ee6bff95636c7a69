#include "sync/http/securityheaders.h"

#include <QCryptographicHash>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace rdk::sync {

namespace {

bool isBase64Char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

// `'sha256-<44 base64 chars>'` (or the same unquoted), normalized to the quoted form; empty when
// it is anything else.
QByteArray wellFormedHash(QByteArrayView hash)
{
    if (hash.size() >= 2 && hash.front() == '\'' && hash.back() == '\'')
        hash = hash.sliced(1, hash.size() - 2);
    if (!hash.startsWith("sha256-"))
        return {};
    const QByteArrayView digest = hash.sliced(7);
    // SHA-256 is 32 bytes: 43 base64 characters and one '=' of padding.
    if (digest.size() != 44 || digest.back() != '=')
        return {};
    if (!std::all_of(digest.begin(), digest.end() - 1, isBase64Char))
        return {};
    return "'sha256-"_ba + digest.toByteArray() + '\'';
}

// `https://host[:port]` with a plain host name: no path, spaces, quotes or semicolons.
bool isBareHttpsOrigin(QByteArrayView origin)
{
    if (!origin.startsWith("https://") || origin.size() <= 8 || origin.size() > 253)
        return false;
    const QByteArrayView rest = origin.sliced(8);
    return std::all_of(rest.begin(), rest.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == ':';
    });
}

// `http://127.0.0.1:port`, `http://localhost:port` or `http://[::1]:port`: the Stripe sandbox,
// which only ever listens on loopback.
bool isLoopbackHttpOrigin(QByteArrayView origin)
{
    for (const QByteArrayView prefix : {QByteArrayView("http://127.0.0.1:"), QByteArrayView("http://localhost:"),
                                        QByteArrayView("http://[::1]:")}) {
        if (!origin.startsWith(prefix))
            continue;
        const QByteArrayView port = origin.sliced(prefix.size());
        return !port.isEmpty() && port.size() <= 5 && std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
    }
    return false;
}

} // namespace

QList<QPair<QByteArray, QByteArray>> securityHeaders(const SecurityHeaderOptions &options)
{
    QByteArray scriptSrc = "script-src 'self'"_ba;
    for (const QByteArray &hash : options.scriptHashes) {
        const QByteArray clean = wellFormedHash(hash);
        if (!clean.isEmpty() && !scriptSrc.contains(clean))
            scriptSrc += ' ' + clean;
    }
    QByteArray formAction = "form-action 'self'"_ba;
    if (isBareHttpsOrigin(options.checkoutOrigin) || isLoopbackHttpOrigin(options.checkoutOrigin))
        formAction += ' ' + options.checkoutOrigin;

    const QByteArrayList directives = {
        "default-src 'none'"_ba,
        "img-src 'self' data:"_ba,
        "style-src 'self'"_ba,
        scriptSrc,
        formAction,
        "base-uri 'none'"_ba,
        "frame-ancestors 'none'"_ba,
        "connect-src 'self'"_ba,
    };

    QList<QPair<QByteArray, QByteArray>> headers = {
        {"Content-Security-Policy"_ba, directives.join("; ")},
        {"X-Content-Type-Options"_ba, "nosniff"_ba},
        {"Referrer-Policy"_ba, "strict-origin-when-cross-origin"_ba},
        {"X-Frame-Options"_ba, "DENY"_ba},
        {"Cross-Origin-Opener-Policy"_ba, "same-origin"_ba},
        {"Permissions-Policy"_ba, "camera=(), microphone=(), geolocation=()"_ba},
    };
    if (options.https)
        headers.append({"Strict-Transport-Security"_ba, "max-age=63072000; includeSubDomains"_ba});
    if (options.privateResponse)
        headers.append({"Cache-Control"_ba, "no-store"_ba});
    return headers;
}

QByteArray cspScriptHash(QByteArrayView scriptBody)
{
    return "'sha256-"_ba + QCryptographicHash::hash(scriptBody, QCryptographicHash::Sha256).toBase64() + '\'';
}

} // namespace rdk::sync
