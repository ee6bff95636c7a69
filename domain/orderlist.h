#pragma once

// Rules of the Orders screen that don't need a database: what a search means, which
// filters are sane, which actions a role may offer on an order, and the checks of the ship,
// cancel and refund forms. The database enforces roles and transitions again; these rules
// keep the screen honest and give people a sentence before a round trip.

#include "domain/orderbook.h"
#include "domain/staff.h"

#include <QString>

#include <optional>

namespace rdk {

/// Longest search text accepted (an email address is at most 254 characters).
inline constexpr int MaxOrderSearchLength = 254;
/// Most orders one list call may return.
inline constexpr int MaxOrderPageSize = 500;
/// Carrier and tracking number: 1..100 characters each.
inline constexpr int MaxShipmentFieldLength = 100;
/// Cancel and refund reasons: 1..200 characters (the audit log keeps 200).
inline constexpr int MaxOrderReasonLength = 200;

/// What a search box text asks for: an order number, or a part of an email address.
struct OrderSearch final {
    std::optional<qint64> orderNumber;
    QString emailPart;      ///< trimmed, lower case; empty when searching by number or not at all
    /// emailPart with LIKE's wildcards escaped (backslash), for `ILIKE '%' || $n || '%'`.
    QString emailLikePattern() const;
};

/// Reads the search text: "RDK-1001", "#1001" or "1001" is a number, anything else a part
/// of an email. Refuses text longer than MaxOrderSearchLength and control characters.
Result<OrderSearch> parseOrderSearch(const QString &text);

/// Checks a query: limit 1..MaxOrderPageSize, from <= to, a search parseOrderSearch accepts,
/// a positive page key. The search comes back trimmed.
Result<OrderQuery> validateOrderQuery(OrderQuery query);

/// True when the order's money counts in the totals line: it was paid at some point
/// (pending, awaiting payment and canceled orders carry no money).
bool countsAsSale(OrderStatus status);

/// What the screen may offer on an order for a role. The database decides again.
struct OrderActions final {
    bool ship = false;          ///< paid -> shipped (online orders)
    bool fulfil = false;        ///< paid -> fulfilled (picked up)
    bool cancel = false;        ///< pending/awaiting payment; online orders need ops/admin
    bool refund = false;        ///< ops/admin, paid-like statuses with money left to refund
    bool printReceipt = false;  ///< anything that was paid
};
OrderActions allowedOrderActions(const OrderSummary &order, StaffRole role);

/// ReadyForPickup: a paid local-pickup order waits at the counter. PackingSlip: a paid online
/// order's slip (the screen also refuses it when the role may not see the address).
enum class OrderAction { Ship, Fulfil, Cancel, Refund, PrintReceipt, ReadyForPickup, PackingSlip };
/// Why `role` can't do `action` on `order` now, as a sentence for the disabled button's
/// tooltip ("Refunds are given by operations staff or an administrator."); empty when it can.
QString orderActionRefusal(OrderAction action, const OrderSummary &order, StaffRole role);

/// The customer email column: ops and admins only (staff can't SELECT it).
bool canSeeCustomerEmail(StaffRole role);

struct Shipment final {
    QString carrier;
    QString trackingNumber;
};
/// Trims both; each 1..MaxShipmentFieldLength characters, no control characters.
Result<Shipment> validateShipment(const QString &carrier, const QString &trackingNumber);

/// Trims; 1..MaxOrderReasonLength characters, no control characters other than none at all.
Result<QString> validateOrderReason(const QString &reason);

/// What the refund form holds, as typed.
struct RefundForm final {
    bool full = true;
    QString amountText;             ///< partial refunds: what was typed, e.g. "50" or "12.50"
    QList<RestockLine> restock;     ///< zero quantities are dropped
    QString reason;
};

/// Money still refundable: total - refunded.
Money refundableAmount(const OrderSummary &order);
/// The same, less refunds asked for and not yet answered by Stripe (queued or working), as
/// the database counts it: a second refund can't overtake the first.
Money refundableAmount(const OrderDetail &order);

/// Turns the form into a request for `order`: the amount parsed in the order's currency,
/// above zero and at most what is left; restock quantities within what each line can still
/// take back; a reason. Errors name the field ("amount", "restock", "reason").
Result<RefundRequest> validateRefund(const OrderDetail &order, const RefundForm &form);

} // namespace rdk
