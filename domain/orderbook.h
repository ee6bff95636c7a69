#pragma once

// The order back office: finding orders, reading one whole, and the actions staff take on
// them. data/ implements OrderBook on PostgreSQL; every action goes through the order state
// machine (domain/order.h), which the database enforces again, and lands in the audit log.

#include "domain/money.h"
#include "domain/order.h"
#include "domain/ordermail.h"
#include "domain/pos.h"
#include "domain/result.h"

#include <QDate>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace rdk {

/// Filters of the Orders screen. Newest first; pages continue with keyset paging.
struct OrderQuery final {
    std::optional<OrderStatus> status;
    std::optional<OrderChannel> channel;
    std::optional<QDate> from;          ///< shop day (tenant time zone), inclusive
    std::optional<QDate> to;            ///< shop day, inclusive
    QString search;                     ///< an order number ("RDK-1001", "#1001", "1001") or part of an email
    bool needsReviewOnly = false;
    std::optional<qint64> beforeOrderNumber;  ///< next page: orders numbered below this
    int limit = 100;
};

/// How an online order goes out (orders.fulfillment, set when the shopper picked a shipping
/// option). Unknown for counter sales and online orders placed before shipping options.
enum class Fulfillment { Unknown, Ship, Pickup };
std::optional<Fulfillment> fulfillmentFromString(const QString &text);   ///< "ship", "pickup"

/// Where an order goes, as rdk.order_ship_to tells it: cashiers only while it waits to go out.
struct ShipTo final {
    QString name;               ///< the recipient as Stripe collected it
    QStringList addressLines;   ///< street lines, then "City, State Postal code", then the country code
    QString phone;
    QString method;             ///< the shipping option's label, e.g. "Standard shipping"
    Fulfillment fulfillment = Fulfillment::Unknown;
    QString shopAddress;        ///< the shop's own address (its settings): the slip's return address
};

/// The address block of a packing slip or the Orders screen: name, street lines, city line,
/// country; empty when Stripe collected no address.
QStringList shipToLines(const ShipTo &shipTo);

struct OrderSummary final {
    QString orderId;
    qint64 orderNumber = 0;
    QDateTime createdAt;
    OrderChannel channel = OrderChannel::Online;
    OrderStatus status = OrderStatus::Pending;
    PaymentMethod paymentMethod = PaymentMethod::None;
    int units = 0;
    Money total;
    Money refunded;
    QString customerEmail;      ///< empty when the signed-in role may not see it
    bool needsReview = false;
    Money subtotal;             ///< before discounts (the accounting export needs it)
    Money discount;             ///< line plus order discounts
    Money tax{};                ///< sales tax as charged (counter) or reported by Stripe (online)
    Fulfillment fulfillment = Fulfillment::Unknown;   ///< filled by OrderBook::detail (list pages leave Unknown)
    bool readyForPickup = false;                      ///< filled by OrderBook::detail
};

struct OrderPage final {
    QList<OrderSummary> items;
    bool hasMore = false;
    QString shopTimeZone;       ///< IANA id of tenants.timezone: dates are shown in shop time
};

/// Sums over every order the query matches (not just the loaded page), per currency.
struct OrderListTotals final {
    int count = 0;
    QList<Money> total;
    QList<Money> refunded;
};

struct OrderDetailLine final {
    qint64 itemId = 0;
    OrderLine line;
    int refundedQuantity = 0;
    int restockedQuantity = 0;  ///< units put back on the shelf by refunds
};

/// One step in an order's life, from the audit log.
struct OrderTimelineEntry final {
    QDateTime at;
    QString actor;      ///< staff login or "rdk_sync"/"stripe"
    QString action;     ///< audit action, e.g. "status", "refund_requested", "cash_payment"
    QString summary;    ///< a sentence for staff, e.g. "Paid → Shipped (UPS 1Z999)"
};

enum class RefundRequestState { Queued, Working, Done, Failed };
QString toString(RefundRequestState state);

struct RefundRequestInfo final {
    qint64 requestId = 0;
    Money amount;
    RefundRequestState state = RefundRequestState::Queued;
    QString stripeRefundId;
    QString error;
    QString requestedBy;
    QDateTime requestedAt;
    QString reason;             ///< as staff gave it (audited)
};

struct OrderDetail final {
    OrderSummary summary;
    QList<OrderDetailLine> lines;
    OrderTotals totals;
    QString discountReason;
    bool emailVisible = false;          ///< false: the role may not see customer_email
    QString stripeCheckoutSessionId;
    QString stripePaymentLinkId;
    QString stripePaymentIntentId;
    QString stripeChargeId;
    QString carrier;
    QString trackingNumber;
    QString reviewReason;
    QDateTime paidAt;
    QList<RefundRequestInfo> refunds;
    QList<OrderTimelineEntry> timeline;
    QList<OrderMail> mails;             ///< mails to the customer (outbox), oldest first
    QString shippingMethod;             ///< the option the shopper picked (online), e.g. "Local pickup"
    QDateTime readyForPickupAt;
    /// Filled by readOrderDetail for paid online orders: the address, or why this role may not see it.
    std::optional<ShipTo> shipTo;
    QString shipToRefusal;
};

struct RestockLine final {
    qint64 itemId = 0;
    int quantity = 0;   ///< 1..(quantity - restocked)
};

struct RefundRequest final {
    QString orderId;
    std::optional<Money> amount;        ///< none: everything not yet refunded
    QList<RestockLine> restock;         ///< units to put back on the shelf
    QString reason;                     ///< required, audited
};

/// Storage for the Orders screen. Every call is one transaction and may block: call it from
/// a worker thread with a session of its own. Refusals by role come back as Error::forbidden,
/// illegal moves as Error::conflict with checkTransition's sentence.
class OrderBook {
public:
    virtual ~OrderBook() = default;
    virtual Result<OrderPage> list(const OrderQuery &query) = 0;
    virtual Result<OrderListTotals> totals(const OrderQuery &query) = 0;
    virtual Result<OrderDetail> detail(const QString &orderId) = 0;
    /// paid -> shipped; carrier and tracking number are required (1..100 characters).
    virtual Status markShipped(const QString &orderId, const QString &carrier, const QString &trackingNumber) = 0;
    /// paid -> fulfilled (picked up at the counter).
    virtual Status markFulfilled(const QString &orderId) = 0;
    /// Where an online order goes (rdk.order_ship_to): Error::forbidden with the database's
    /// sentence when a cashier asks for an order that no longer waits to go out.
    virtual Result<ShipTo> shipTo(const QString &orderId) = 0;
    /// A paid local-pickup order waits at the counter; the customer is mailed (rdk.mark_ready_for_pickup).
    virtual Status markReadyForPickup(const QString &orderId) = 0;
    /// pending/awaiting payment -> canceled, stock released, payment link deactivated.
    virtual Status cancel(const QString &orderId, const QString &reason) = 0;
    /// ops/admin. Card payments: rdk-sync asks Stripe's Refunds API; `charge.refunded`
    /// confirms the final state. Cash payments: recorded at once. Returns the request id.
    virtual Result<qint64> requestRefund(const RefundRequest &request) = 0;
};

/// detail(), plus shipTo() for online orders that were paid: a refusal lands in shipToRefusal,
/// not in the result.
Result<OrderDetail> readOrderDetail(OrderBook &book, const QString &orderId);

} // namespace rdk
