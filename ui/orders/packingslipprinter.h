#pragma once

#include "domain/packingslip.h"
#include "domain/result.h"

class QPagedPaintDevice;

namespace rdk {

/// Draws a packing slip on A4 paper (the shop's sheet printer, not the receipt roll): the shop
/// and its address, the order number with its Code 128, the ship-to block, the method and the
/// items to pack with sizes and quantities. Pages continue when the items don't fit on one.
class PackingSlipPrinter final {
public:
    explicit PackingSlipPrinter(PackingSlip slip) : m_slip(std::move(slip)) {}

    /// A PDF at `path`, written atomically (nothing is left there on failure).
    Status savePdf(const QString &path) const;

private:
    Status paint(QPagedPaintDevice &device) const;

    PackingSlip m_slip;
};

} // namespace rdk
