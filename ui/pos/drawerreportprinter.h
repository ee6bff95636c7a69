#pragma once

#include "domain/drawer.h"
#include "domain/result.h"

#include <QRectF>

class QPaintDevice;
class QPainter;
class QPrinter;
class QWidget;

namespace rdk {

/// Draws an X/Z report (DrawerReport::lines) on the receipt roll: one QPainter routine for the
/// PDF and the printer, so what is saved is what is printed.
class DrawerReportPrinter final {
public:
    static constexpr qreal PaperWidthMm = 80.0;
    static constexpr qreal MarginMm = 4.0;

    explicit DrawerReportPrinter(DrawerReport report) : m_report(std::move(report)) {}

    /// Draws from the top of `area`; returns the height used (measures only without a painter).
    qreal paint(QPainter *painter, QPaintDevice *device, const QRectF &area) const;
    /// A one-page PDF, PaperWidthMm wide and as long as the report, written atomically.
    Status savePdf(const QString &path) const;
    Status print(QPrinter &printer) const;
    /// Shows the print dialog, then prints. False when canceled or the printer failed.
    bool printWithDialog(QWidget *parent) const;

private:
    DrawerReport m_report;
};

} // namespace rdk
