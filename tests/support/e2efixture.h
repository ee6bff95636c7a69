#pragma once

// Fixtures the end-to-end tests share (pos/flow, pos/sync, syncservice, edge): a product as the
// back office would have entered it, and the Stripe sandbox's controls the tests drive.

#include "tests/support/serviceprocess.h"
#include "tests/support/testdatabase.h"

#include <QNetworkAccessManager>
#include <QString>

#include <optional>

namespace rdk::test {

/// A Nike product priced in USD. By default it has a men's 9-10 size run with size 9 sold out
/// and `size10` pairs of size 10; with `flatStock` it has no sizes. Fields in declaration order,
/// so a test can name only what it cares about: `{.tenantId = t, .sku = u"X"_s, .size10 = 2}`.
struct ProductSeed final {
    // Every member has a default, so designated initializers may leave any of them out.
    QString tenantId = {};
    QString sku = {};
    QString name = {};                            ///< empty: "Jordan 1 <sku>"
    QString colorway = {};                        ///< empty: "Chicago"
    qint64 priceMinor = 18'000;
    int size10 = 0;
    std::optional<int> flatStock = std::nullopt;
    bool published = true;
    std::optional<quint32> photoSeed = std::nullopt;   ///< a placeholder photo drawn from this seed (main photo)
    int photoWidth = 1200;
    int photoHeight = 900;
};

/// Inserts the product as the database owner through the data layer (the same path as the back
/// office). Its id, or an empty string with the reason in `error`.
QString seedProduct(TestDatabase &db, const ProductSeed &seed, QString *error = nullptr);

/// Asks the sandbox to deliver `eventId` again and waits (up to `timeoutMs`) until the receiver
/// answered that delivery. Returns the HTTP status the receiver answered, or 0 when the sandbox
/// refused the resend or no answer came in time. Once it returns, the receiver has finished with
/// the event: a test may check at once that the second delivery changed nothing.
int resendEventAndWait(QNetworkAccessManager &nam, const ServiceProcess &sandbox, const QString &eventId,
                       int timeoutMs = 10'000);

} // namespace rdk::test
