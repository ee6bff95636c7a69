#pragma once

#include "domain/order.h"
#include "domain/product.h"

#include <QDateTime>
#include <QList>
#include <QString>

namespace rdk {

/// A believable sneaker-shop catalog for the demo store and for tests: 80 products over a
/// dozen brands, mostly per-size stock (men's, some women's and grade school), a few
/// flat-stock accessories, about a quarter used pairs with grades (SKU suffix "-U"), about
/// 8 % sold out, some down to a single size, about 90 % published. Every product passes
/// validateProduct(). The same seed gives the same catalog. `id`, `tenantId` and the
/// timestamps are left empty for the repository to fill. Prices are whole amounts in
/// `currency` (USD figures converted roughly for common currencies); an invalid currency
/// code gives an empty list.
QList<Product> demoCatalog(const QString &currency = QStringLiteral("USD"), quint32 seed = 2026);

/// One historical order for the demo dashboard. `customerEmail` is set for online orders
/// only (in-store customers are anonymous).
struct DemoOrder {
    QDateTime createdAt;
    OrderChannel channel = OrderChannel::Pos;
    OrderStatus status = OrderStatus::Paid;
    QString customerEmail;
    QList<OrderLine> lines;
};

/// `days` days of order history ending at `now`, oldest first: 3-12 orders a day with
/// weekend peaks, online and in-store, mostly paid/shipped/fulfilled with a few refunds and
/// cancellations, 1-3 lines each. Lines copy the product's id (empty until the catalog was
/// stored), SKU, name and price; sizes come from the product's run. Sold-out used pairs may
/// appear (they were sold here); used pairs still in stock never do.
QList<DemoOrder> demoOrders(const QList<Product> &catalog, const QDateTime &now, int days = 28,
                            quint32 seed = 2026);

/// A seed for renderPlaceholderSneaker() whose colourway matches the product's colorway
/// name where it can ("Chicago", "Panda", "University Blue", "Bred"...), stable per SKU.
quint32 demoPhotoSeed(const Product &product);

} // namespace rdk
