#pragma once

#include <QByteArray>
#include <QByteArrayList>
#include <QByteArrayView>
#include <QList>
#include <QPair>

namespace rdk::sync {

struct SecurityHeaderOptions final {
    /// The shopper reached us over TLS (RDK_PUBLIC_URL is https). HSTS is only sent then: over
    /// plain http it is ignored by browsers, and sending it from a dev box on localhost would pin
    /// every other local service to https.
    bool https = false;
    /// The response is for one shopper (cart, order, account) or staff: `Cache-Control: no-store`
    /// so no shared cache or back button keeps it. Public catalog responses set their own
    /// short TTL + ETag instead.
    bool privateResponse = false;
    /// CSP hashes of the inline scripts this page carries, as cspScriptHash() returns them.
    /// Anything that is not a well-formed `'sha256-<base64>'` is dropped, so a bad value can't
    /// smuggle `'unsafe-inline'` or a new directive into the policy.
    QByteArrayList scriptHashes;
    /// Where the checkout form may send the browser. Chrome applies `form-action` to the
    /// redirect that follows a POST as well, and our checkout POST answers 303 to Stripe's
    /// hosted page. Must be a bare https origin; anything else is dropped.
    QByteArray checkoutOrigin = QByteArrayLiteral("https://checkout.stripe.com");
};

/// The headers every rdk-sync response carries: a strict Content-Security-Policy (nothing
/// loads from elsewhere, no inline script without its hash, no framing, no <base> tricks),
/// nosniff, a referrer policy that keeps paths and order ids out of other sites' logs,
/// DENY framing for browsers without CSP 2, COOP, a Permissions-Policy switching off camera,
/// microphone and location, plus HSTS and no-store as the options ask.
QList<QPair<QByteArray, QByteArray>> securityHeaders(const SecurityHeaderOptions &options);

/// The CSP source expression for an inline script: `'sha256-<base64 of SHA-256(body)>'`. The
/// body must be byte-for-byte what sits between <script> and </script>.
QByteArray cspScriptHash(QByteArrayView scriptBody);

} // namespace rdk::sync
