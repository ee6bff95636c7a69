#pragma once

#include "data/pgsession.h"
#include "domain/storefront.h"

namespace rdk::data {

/// An image variant ready to send.
struct MediaFile final {
    QByteArray bytes;
    QString mime;
};

/// The storefront's reads, made as the service login: row-level security already limits
/// them to the shop's published products, and the queries say so again.
class PgStorefront final {
public:
    explicit PgStorefront(PgSession &session) : m_session(session) {}

    Result<CatalogPage> catalog(const CatalogQuery &query);
    Result<std::optional<StorefrontProduct>> product(const QString &sku);
    /// Only the public renditions (thumb, medium, large); the original upload may carry
    /// camera metadata such as a location and is never served.
    Result<std::optional<MediaFile>> media(const QString &fileName);
    Result<std::optional<CheckoutSummary>> orderSummary(const QString &orderId);
    /// The shop's online order with this number whose customer e-mail is `email` (any case);
    /// nullopt when there is none, whichever of the two did not match.
    Result<std::optional<CheckoutSummary>> lookupOrder(qint64 orderNumber, const QString &email);
    /// Stores a batch of views in one statement (one round trip, one commit).
    Status recordPageViews(const QList<PageView> &views);
    /// Current SKUs and sizes in stock for a cart: sku -> product.
    Result<QList<StorefrontProduct>> productsBySku(const QStringList &skus);

private:
    PgSession &m_session;
};

} // namespace rdk::data
