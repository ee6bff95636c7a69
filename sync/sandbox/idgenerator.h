#pragma once

#include <QString>
#include <QStringView>

namespace rdk::sandbox {

/// Stripe-shaped object ids: a type prefix and a random base62 suffix ("pi_3Pq0...").
/// Random rather than sequential so a client can't come to rely on ordering or guess ids.
class IdGenerator final {
public:
    static constexpr int kDefaultLength = 24;
    /// Checkout Session ids are much longer than other ids at Stripe; clients must not
    /// truncate them into short columns, and the sandbox makes sure they'd notice.
    static constexpr int kSessionLength = 58;

    static QString make(QStringView prefix, int length = kDefaultLength);
};

} // namespace rdk::sandbox
