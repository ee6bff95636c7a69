#include "ui/orders/packingslipprinter.h"

#include "ui/print/barcodesymbol.h"

#include <QFont>
#include <QFontMetricsF>
#include <QObject>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

constexpr qreal MarginMm = 15.0;

QFont slipFont(qreal points, bool bold = false)
{
    QFont f(u"DejaVu Sans"_s);
    f.setStyleHint(QFont::SansSerif);
    f.setPointSizeF(points);
    f.setBold(bold);
    return f;
}

/// Writes lines top to bottom inside `area`, starting a new page when the next one doesn't fit.
class Pen final {
public:
    Pen(QPainter &painter, QPagedPaintDevice &device, const QRectF &area)
        : m_painter(painter), m_device(device), m_area(area), m_y(area.top()),
          m_mm(device.logicalDpiY() / 25.4)
    {
    }

    qreal mm() const { return m_mm; }
    qreal y() const { return m_y; }
    void setY(qreal y) { m_y = y; }
    void space(qreal mm) { m_y += mm * m_mm; }

    /// One line (wrapped when too long) in `font`, from `left` to `right` (device units).
    void text(const QString &line, const QFont &font, qreal left, qreal right, Qt::Alignment align = Qt::AlignLeft)
    {
        const QFontMetricsF metrics(font, &m_device);
        const QRectF box = metrics.boundingRect(QRectF(left, 0, right - left, 1e6), int(align) | Qt::TextWordWrap, line);
        place(box.height());
        m_painter.setFont(font);
        m_painter.setPen(Qt::black);
        m_painter.drawText(QRectF(left, m_y, right - left, box.height()), int(align) | Qt::TextWordWrap, line);
        m_y += box.height();
    }

    void rule()
    {
        space(1.5);
        QPen pen(Qt::black);
        pen.setWidthF(0.3 * m_mm);
        m_painter.setPen(pen);
        m_painter.drawLine(QPointF(m_area.left(), m_y), QPointF(m_area.right(), m_y));
        space(1.5);
    }

    /// Room for `height` on this page, or a new one.
    void place(qreal height)
    {
        if (m_y + height > m_area.bottom() && m_y > m_area.top()) {
            m_device.newPage();
            m_y = m_area.top();
        }
    }

private:
    QPainter &m_painter;
    QPagedPaintDevice &m_device;
    QRectF m_area;
    qreal m_y;
    qreal m_mm;
};

} // namespace

Status PackingSlipPrinter::paint(QPagedPaintDevice &device) const
{
    QPainter painter;
    if (!painter.begin(&device))
        return Error::internal(QObject::tr("Can't draw the packing slip."));
    const qreal mm = device.logicalDpiX() / 25.4;
    const QRectF area(MarginMm * mm, MarginMm * mm, device.width() - 2 * MarginMm * mm, device.height() - 2 * MarginMm * mm);
    Pen pen(painter, device, area);
    const qreal middle = area.left() + area.width() * 0.55;

    // Left: who sends it. Right: the order number, its barcode, the day it was placed.
    pen.text(m_slip.shopName, slipFont(16, true), area.left(), middle - 4 * mm);
    for (const QString &line : m_slip.shopAddress)
        pen.text(line, slipFont(9.5), area.left(), middle - 4 * mm);
    const qreal leftBottom = pen.y();
    pen.setY(area.top());
    pen.text(QObject::tr("PACKING SLIP"), slipFont(9, true), middle, area.right(), Qt::AlignRight);
    pen.text(m_slip.orderLabel, slipFont(15, true), middle, area.right(), Qt::AlignRight);
    if (const Result<ui::BarcodeBars> bars = ui::encodeBarcode(BarcodeKind::Code128, m_slip.orderLabel)) {
        const qreal height = 13 * mm;
        const qreal width = qMin(area.right() - middle, bars->width * 0.4 * mm);
        pen.space(1);
        ui::paintBarcode(painter, *bars, QRectF(area.right() - width, pen.y(), width, height));
        pen.setY(pen.y() + height);
        pen.space(1.5);
    }
    if (!m_slip.placed.isEmpty())
        pen.text(QObject::tr("Ordered %1").arg(m_slip.placed), slipFont(9), middle, area.right(), Qt::AlignRight);
    pen.setY(qMax(pen.y(), leftBottom));
    pen.space(4);
    pen.rule();

    // Where it goes and how.
    pen.text(QObject::tr("Ship to"), slipFont(9, true), area.left(), area.right());
    pen.space(1);
    if (m_slip.shipTo.isEmpty())
        pen.text(QObject::tr("No address: the customer picks it up at the shop."), slipFont(12), area.left(), area.right());
    for (const QString &line : m_slip.shipTo)
        pen.text(line, slipFont(12, line == m_slip.shipTo.constFirst()), area.left(), area.right());
    if (!m_slip.phone.isEmpty())
        pen.text(QObject::tr("Phone: %1").arg(m_slip.phone), slipFont(10), area.left(), area.right());
    pen.space(3);
    pen.text(QObject::tr("Method: %1").arg(m_slip.method), slipFont(10.5, true), area.left(), area.right());
    pen.space(2);
    pen.rule();

    // What to pack.
    const QFont head = slipFont(9, true);
    const QFont body = slipFont(10.5);
    const qreal qtyRight = area.left() + 14 * mm;
    const qreal itemLeft = area.left() + 18 * mm;
    const qreal skuLeft = area.left() + area.width() * 0.62;
    const qreal sizeLeft = area.left() + area.width() * 0.85;
    const auto row = [&](const QStringList &cells, const QFont &font) {
        const QFontMetricsF metrics(font, &device);
        const qreal itemWidth = skuLeft - itemLeft - 3 * mm;
        const qreal height = metrics.boundingRect(QRectF(0, 0, itemWidth, 1e6), Qt::TextWordWrap, cells[1]).height();
        pen.place(height + 1.5 * mm);
        const qreal top = pen.y();
        painter.setFont(font);
        painter.setPen(Qt::black);
        painter.drawText(QRectF(area.left(), top, qtyRight - area.left(), height), Qt::AlignRight | Qt::AlignTop, cells[0]);
        painter.drawText(QRectF(itemLeft, top, itemWidth, height), Qt::AlignLeft | Qt::TextWordWrap, cells[1]);
        painter.drawText(QRectF(skuLeft, top, sizeLeft - skuLeft - 2 * mm, height), Qt::AlignLeft, cells[2]);
        painter.drawText(QRectF(sizeLeft, top, area.right() - sizeLeft, height), Qt::AlignLeft, cells[3]);
        pen.setY(top + height + 1.5 * mm);
    };
    row({QObject::tr("Qty"), QObject::tr("Item"), QObject::tr("SKU"), QObject::tr("Size")}, head);
    for (const PackingSlip::Item &item : m_slip.items)
        row({QString::number(item.quantity), item.name, item.sku, item.size.isEmpty() ? u"–"_s : item.size}, body);
    pen.rule();
    pen.text(QObject::tr("%n unit(s) in this parcel", nullptr, m_slip.units), slipFont(10.5, true), area.left(), area.right());
    painter.end();
    return {};
}

Status PackingSlipPrinter::savePdf(const QString &path) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error::unavailable(QObject::tr("Can't write %1: %2").arg(path, file.errorString()));
    {
        QPdfWriter writer(&file);
        writer.setResolution(300);
        writer.setTitle(QObject::tr("Packing slip %1").arg(m_slip.orderLabel));
        writer.setCreator(u"Real Deal Kickz rdk-desk"_s);
        writer.setPageSize(QPageSize(QPageSize::A4));
        writer.setPageMargins(QMarginsF(0, 0, 0, 0));
        if (Status painted = paint(writer); !painted)
            return painted;
    }
    if (!file.commit())
        return Error::unavailable(QObject::tr("Can't write %1: %2").arg(path, file.errorString()));
    return {};
}

} // namespace rdk
