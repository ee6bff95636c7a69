#pragma once

#include "domain/labels.h"
#include "domain/result.h"

#include <QList>
#include <QRectF>

class QPainter;

namespace rdk::ui {

/// A barcode as bars, in modules (the narrowest bar is 1 wide), quiet zones included, as
/// libzint lays it out. Drawn by scaling to any size, so PDF and printer output stay sharp.
struct BarcodeBars final {
    double width = 0;    ///< modules
    double height = 0;   ///< modules
    QList<QRectF> bars;  ///< dark bars, in modules from the top-left
};

/// Encodes `data` as `kind` (UPC-A: 12 digits, EAN-13: 13 digits, both with their check digit;
/// Code 128: printable ASCII). Invalid data is an Error with libzint's reason.
Result<BarcodeBars> encodeBarcode(BarcodeKind kind, const QString &data);

/// Draws `bars` filling `target` (device units): stretched to its height, scaled to its width.
void paintBarcode(QPainter &painter, const BarcodeBars &bars, const QRectF &target);

} // namespace rdk::ui
