#pragma once

#include "domain/receipt.h"
#include "domain/result.h"

#include <QRectF>
#include <QString>

class QPagedPaintDevice;
class QPaintDevice;
class QPainter;
class QPrinter;
class QWidget;

namespace rdk {

/// Draws a Receipt: one QPainter routine shared by the PDF (receipt roll width) and the
/// printer, so what is saved is what is printed.
class ReceiptPrinter final {
public:
    /// Width of a receipt roll; the PDF page is this wide and as long as the receipt.
    static constexpr qreal PaperWidthMm = 80.0;
    static constexpr qreal MarginMm = 4.0;

    explicit ReceiptPrinter(Receipt receipt);

    /// Height in device pixels the receipt needs when drawn `width` pixels wide on `device`.
    qreal measure(QPaintDevice *device, qreal width) const;
    /// Draws from the top of `area`; when `pages` is set and the receipt is longer than the
    /// area, continues on new pages (a sheet printer). Returns the height drawn on the last page.
    qreal paint(QPainter &painter, const QRectF &area, QPagedPaintDevice *pages = nullptr) const;

    /// A one-page PDF, PaperWidthMm wide, written atomically to `path`.
    Status savePdf(const QString &path) const;
    /// Prints on a configured printer (receipt roll or sheet).
    Status print(QPrinter &printer) const;
    /// Shows the print dialog, then prints. False when canceled or the printer failed.
    bool printWithDialog(QWidget *parent) const;

    const Receipt &receipt() const { return m_receipt; }

private:
    qreal layout(QPainter *painter, QPaintDevice *device, const QRectF &area, QPagedPaintDevice *pages) const;

    Receipt m_receipt;
};

} // namespace rdk
