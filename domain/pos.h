#pragma once

// The point of sale as the domain sees it: what the counter can sell, a sale in progress and
// its payment. data/ implements PosStore on PostgreSQL; the Stripe calls themselves are made
// by rdk-sync, which holds the Stripe key (ADR 0007): the counter asks for a payment link
// through the database and watches the answer arrive.

#include "domain/money.h"
#include "domain/order.h"
#include "domain/product.h"
#include "domain/result.h"
#include "domain/tax.h"

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QString>

namespace rdk {

/// How long a POS payment link may stay unpaid before the sale is canceled (RDK_POS_LINK_MINUTES).
inline constexpr int DefaultPosLinkMinutes = 15;

/// One size of a product as the counter sees it. `size` is empty for flat stock.
struct SellableSize final {
    QString size;
    int available = 0;  ///< on hand minus held by open orders; never negative
};

/// A product the counter can put in a cart (archived products are never returned).
struct SellableProduct final {
    QString productId;
    QString sku;
    QString name;
    QString brand;
    QString colorway;
    Money price;
    InventoryStrategy inventoryStrategy = InventoryStrategy::Flat;
    QList<SellableSize> sizes;  ///< every size of the run (flat: one entry with an empty size)
};

/// A box barcode scanned at the counter: exactly one size of one product.
struct ScannedBox final {
    SellableProduct product;
    QString size;   ///< empty for flat stock
};

/// One line of a sale as the counter sends it; the store re-reads prices and stock.
struct PosLineRequest final {
    QString sku;
    QString size;       ///< empty for flat stock
    int quantity = 1;
    Money discount;     ///< off the whole line; zero = none
};

struct PosSaleRequest final {
    QList<PosLineRequest> lines;
    Money orderDiscount;                ///< off the whole cart after line discounts; zero = none
    QString discountReason;             ///< required when any discount is non-zero (audited)
    int linkMinutes = DefaultPosLinkMinutes;
    /// The buyer's e-mail: required for pairs of a release (issue 15), whose limit per buyer
    /// counts counter and online sales together; empty otherwise.
    QString buyerEmail;
};

/// Where the Stripe Payment Link of a POS order stands.
enum class PaymentLinkState {
    None,          ///< not asked for (cash sale, or an online order)
    Requested,     ///< asked for; rdk-sync is creating it
    Ready,         ///< url is set: show the QR code
    Failed,        ///< Stripe refused or could not be reached; `error` says why; retry is safe
    Deactivated,   ///< the order was paid or canceled and the link no longer works
};
QString toString(PaymentLinkState state);

struct PosPaymentLink final {
    PaymentLinkState state = PaymentLinkState::None;
    QString url;
    QString paymentLinkId;
    QString error;      ///< for staff, e.g. "Stripe could not be reached. Try again."
};

enum class PaymentMethod { None, Card, Cash };
QString toString(PaymentMethod method);   ///< "", "card", "cash"

/// A POS order as the counter needs it, read fresh from the database.
struct PosOrderState final {
    QString orderId;
    qint64 orderNumber = 0;
    OrderStatus status = OrderStatus::Pending;
    QList<OrderLine> lines;
    OrderTotals totals;
    QString discountReason;
    QDateTime createdAt;
    QDateTime reservedUntil;        ///< the link is canceled when this passes unpaid
    PosPaymentLink link;
    PaymentMethod paymentMethod = PaymentMethod::None;
    QString paymentReference;       ///< Stripe payment intent id, or "cash"
    Money cashTendered;             ///< cash sales only
    QDateTime paidAt;
    bool needsReview = false;
    QString reviewReason;
    QString customerName;           ///< the customer attached to the sale, empty when none
    Money credit;                   ///< an exchange's return credit paying part of the total (returns)

    /// What the buyer still pays: the total less an exchange's credit.
    Money due() const
    {
        const auto d = credit.isZero() ? Result<Money>(totals.total) : totals.total.minus(credit);
        return d ? *d : totals.total;
    }
};

/// Storage for the counter. Every call is one transaction and may block: call it from a
/// worker thread with a session of its own. Permissions are enforced by the database
/// (discounts and cash need ops/admin); refusals come back as Error::forbidden with a
/// sentence for staff.
class PosStore {
public:
    virtual ~PosStore() = default;
    /// A scanned SKU (any case, surrounding spaces ignored). NotFound: "No product with SKU X."
    virtual Result<SellableProduct> findBySku(const QString &sku) = 0;
    /// Products whose SKU, name, brand or colorway match `text`, at most `limit`.
    virtual Result<QList<SellableProduct>> search(const QString &text, int limit) = 0;
    /// The product and size whose box carries `gtin` (a normalized UPC-A or EAN-13; the same
    /// box read either way is found). NotFound when no size of the shop carries it.
    virtual Result<ScannedBox> findByBarcode(const QString &gtin) = 0;
    /// Creates a pending POS order holding the stock of every line (all or nothing:
    /// OutOfStock names the item) and asks for its payment link.
    virtual Result<PosOrderState> placeSale(const PosSaleRequest &sale) = 0;
    virtual Result<PosOrderState> orderState(const QString &orderId) = 0;
    /// Asks again after a failure. Never makes a second link: Stripe sees the same
    /// idempotency keys, derived from the order id.
    virtual Status retryPaymentLink(const QString &orderId) = 0;
    /// Cancels a pending sale: stock released, link deactivated. Conflict when already paid.
    virtual Status cancelSale(const QString &orderId, const QString &reason) = 0;
    /// ops/admin: the buyer paid cash. `tendered` >= total; the change is tendered - total.
    virtual Result<PosOrderState> recordCashPayment(const QString &orderId, const Money &tendered) = 0;
    /// The shop's tax rates and whether its prices include tax, for the cart's display (the
    /// database computes the sale's tax itself when it is placed).
    virtual Result<TaxSettings> taxSettings() = 0;
};

/// Order and payment-link changes of the signed-in shop, as the database announces them on the
/// shop's private channels (migration 0013). Each signal is a wake-up naming an order, never its
/// state: a login of the shop can forge one, so receivers re-read the order before they show
/// anything. data/ implements it; tests may emit the signals.
class OrderChangeFeed : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
Q_SIGNALS:
    /// An order was created or its status changed: re-read it.
    void orderChanged(const QString &orderId);
    /// The payment link or refund work of an order moved (requested, ready, failed, done).
    void paymentWorkChanged(const QString &orderId);
    /// The LISTEN connection was lost (false) or is back (true). After a loss, re-read
    /// whatever is on screen: notifications sent meanwhile are gone.
    void connectionChanged(bool connected);
};

} // namespace rdk
