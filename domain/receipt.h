#pragma once

// What a POS receipt says, as text ready to lay out: built once from the order as the
// database holds it, so the PDF, the printout and a reprint from the order later all agree.

#include "domain/pos.h"
#include "domain/result.h"

#include <QList>
#include <QString>

namespace rdk {

/// The shop as the receipt names it.
struct ReceiptShop final {
    QString name;
    QString addressLine;  ///< optional, one line ("12 Canal St, New York")
    QString timeZone;     ///< IANA id ("America/New_York"); times print in it (UTC if unknown)
};

struct ReceiptLine final {
    QString title;       ///< "Dunk Low Retro Panda"
    QString detail;      ///< "Size 10 · DNK-LO-PANDA"
    int quantity = 1;
    QString unitPrice;   ///< "$115.00"
    QString discount;    ///< "-$10.00", empty when none
    QString amount;      ///< the line after its discount: "$220.00"
};

/// A label and an amount on the right: "Subtotal  $230.00".
struct ReceiptRow final {
    QString label;
    QString amount;
};

struct Receipt final {
    QString shopName;
    QString addressLine;
    QString dateText;        ///< "Nov 30, 2026, 10:15 AM EST", in the shop's time zone
    QString orderNumber;     ///< "RDK-1001"
    QString customer;        ///< the customer's name, empty when the sale has none
    QList<ReceiptLine> lines;
    QList<ReceiptRow> totals;  ///< Subtotal, Discount (when any), Total
    QString discountReason;
    QString payment;         ///< "Card — pi_3N…" or "Cash — tendered $200.00, change $12.50"
    QString status;          ///< "PAID", or why it is not a paid receipt ("NOT PAID — Canceled")
    QString footer;

    /// Everything on the receipt as plain lines, in printing order (tests, logs, clipboard).
    QStringList textLines() const;
};

/// Refuses an order without an order number or lines.
Result<Receipt> buildReceipt(const PosOrderState &order, const ReceiptShop &shop);

/// "Card — pi_…", "Cash — tendered $200.00, change $12.50", "Not paid".
QString describePayment(const PosOrderState &order);

} // namespace rdk
