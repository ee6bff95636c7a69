#pragma once

#include "domain/result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

namespace rdk::sync {

/// Stripe's own default: an event signed more than 5 minutes ago (or ahead) is refused,
/// so a captured request can't be replayed later.
inline constexpr int DefaultWebhookToleranceSeconds = 300;

/// A Stripe-Signature header is a few dozen bytes; anything much bigger is not Stripe
/// and is refused before any work is done on it.
inline constexpr qsizetype MaxSignatureHeaderBytes = 8 * 1024;

/// The parts of a Stripe-Signature header we use.
struct SignatureHeader {
    qint64 timestamp = 0;       ///< `t=`, seconds since the epoch, > 0
    QList<QByteArray> v1;       ///< every `v1=` value: 64 lowercase hex characters each
};

/// Reads `t=<unix seconds>,v1=<hex>[,v1=<hex>...]`. Items are comma-separated `key=value`;
/// empty items are skipped and other schemes (`v0=`, future ones) are ignored, because
/// Stripe adds them. Refused with Error::invalid (field "Stripe-Signature"): an empty or
/// over-8-KiB header, whitespace inside it (leading/trailing blanks are trimmed, as HTTP
/// allows), an item without '=', a missing, repeated, signed, non-numeric, zero or
/// overflowing `t`, a `v1` that is not 64 lowercase hex characters, and no `v1` at all.
Result<SignatureHeader> parseSignatureHeader(QByteArrayView header);

/// Checks a webhook the way Stripe's official libraries do: HMAC-SHA256 keyed with the
/// whole endpoint secret (`whsec_...`, prefix included) over `"<t>.<raw body>"`, compared
/// in constant time against every `v1`; any one match passes. `rawBody` must be the exact
/// bytes received (re-serialised JSON will not match).
/// The timestamp must be within `toleranceSeconds` of `nowUnix` in either direction: an
/// age of exactly 300 s passes and 301 s fails, as in the official Node library; unlike
/// it, a timestamp more than the tolerance in the future is refused too (a clock that
/// far off should be fixed, not trusted). A negative tolerance counts as 0.
/// Errors (messages never contain the signature, the secret or the body):
///   Error::invalid   - malformed or missing header (field "Stripe-Signature")
///   Error::forbidden - no v1 matches ("no matching signature"), or the timestamp is
///                      outside the tolerance
///   Error::internal  - empty secret (configuration) or a crypto library failure
Status verifyStripeSignature(QByteArrayView rawBody, QByteArrayView header, QByteArrayView secret,
                             qint64 nowUnix, int toleranceSeconds = DefaultWebhookToleranceSeconds);

/// A complete Stripe-Signature header value (`t=<t>,v1=<hex>`) for `body`, as Stripe would
/// send it. For tests and the development sandbox; production never signs webhooks.
/// Returns an empty array only if the crypto library fails.
QByteArray signStripePayload(QByteArrayView body, QByteArrayView secret, qint64 t);

} // namespace rdk::sync
