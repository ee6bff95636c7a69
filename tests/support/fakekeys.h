#pragma once

#include <QString>

namespace rdk::test {

/// A made-up live-mode Stripe key ("sk_live_<tail>", or the restricted "rk_live_<tail>") for
/// tests of what the product does with one (refuse it over http, warn about it, never echo it).
/// Assembled at run time, so no file in the tree holds a string that a secret scanner, or a
/// reader, would take for a real live key.
inline QString fakeLiveStripeKey(const QString &tail, bool restricted = false)
{
    return (restricted ? QStringLiteral("rk_") : QStringLiteral("sk_")) + QStringLiteral("live_") + tail;
}

} // namespace rdk::test
