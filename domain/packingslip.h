#pragma once

#include "domain/orderbook.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QTimeZone>

namespace rdk {

/// What goes in the box with an online order: who sends it, the order number (with a Code 128
/// of it, so the counter scans it like a receipt's), what to pack, where it goes and how.
/// No prices: the slip travels with the parcel.
struct PackingSlip final {
    struct Item final {
        QString sku;
        QString name;
        QString size;
        int quantity = 0;       ///< to pack: ordered less refunded
    };

    QString shopName;
    QStringList shopAddress;    ///< its lines
    QString orderLabel;         ///< "RDK-1001", also the barcode's data
    QString placed;             ///< "2026-12-07 10:15" (shop time)
    QString method;             ///< "Standard shipping · shipped" / "Local pickup · picked up at the shop"
    QStringList shipTo;         ///< name and address lines
    QString phone;
    QList<Item> items;
    int units = 0;

    /// Every text of the slip, in reading order (for a plain-text copy and for tests).
    QStringList lines() const;
};

/// The slip of `order` (its shipTo filled). The shop's address is the one of its settings, or
/// `fallbackAddress` (the receipt's) when the settings have none.
PackingSlip buildPackingSlip(const OrderDetail &order, const QString &shopName, const QString &fallbackAddress,
                             const QTimeZone &zone);

} // namespace rdk
