#include "ui/pos/receiptprinter.h"

#include "ui/print/barcodesymbol.h"

#include <QFont>
#include <QFontMetricsF>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QPrintDialog>
#include <QPrinter>
#include <QSaveFile>
#include <QTextLayout>

#include <memory>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

enum class Style { Shop, Small, Normal, Strong, Total, Status };

QFont fontFor(Style style)
{
    QFont f(u"DejaVu Sans"_s);
    f.setStyleHint(QFont::SansSerif);
    switch (style) {
    case Style::Shop: f.setPointSizeF(13); f.setBold(true); break;
    case Style::Small: f.setPointSizeF(7.5); break;
    case Style::Normal: f.setPointSizeF(9); break;
    case Style::Strong: f.setPointSizeF(9.5); f.setBold(true); break;
    case Style::Total: f.setPointSizeF(11); f.setBold(true); break;
    case Style::Status: f.setPointSizeF(15); f.setBold(true); break;
    }
    return f;
}

/// Lays out wrapped text (at word boundaries, or anywhere for one endless word) in `width`.
struct Paragraph final {
    std::unique_ptr<QTextLayout> layout;
    qreal height = 0;
};

Paragraph wrap(const QString &text, Style style, Qt::Alignment align, QPaintDevice *device, qreal width)
{
    Paragraph p;
    p.layout = std::make_unique<QTextLayout>(text, fontFor(style), device);
    QTextOption option(align);
    option.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    p.layout->setTextOption(option);
    p.layout->beginLayout();
    const qreal leading = QFontMetricsF(fontFor(style), device).leading();
    qreal y = 0;
    for (QTextLine line = p.layout->createLine(); line.isValid(); line = p.layout->createLine()) {
        line.setLineWidth(width);
        line.setPosition(QPointF(0, y));
        y += line.height() + leading;
    }
    p.layout->endLayout();
    p.height = y;
    return p;
}

/// Walks the receipt top to bottom; draws when it has a painter, only measures otherwise.
class Cursor final {
public:
    Cursor(QPainter *painter, QPaintDevice *device, const QRectF &area, QPagedPaintDevice *pages)
        : m_painter(painter), m_device(device), m_area(area), m_pages(pages), m_y(area.top())
    {
        m_mm = device->logicalDpiY() / 25.4;
    }

    void text(const QString &text, Style style, Qt::Alignment align = Qt::AlignLeft, qreal indentMm = 0)
    {
        if (text.isEmpty())
            return;
        const qreal indent = indentMm * m_mm;
        Paragraph p = wrap(text, style, align, m_device, m_area.width() - indent);
        place(p.height);
        if (m_painter) {
            m_painter->setPen(Qt::black);
            p.layout->draw(m_painter, QPointF(m_area.left() + indent, m_y));
        }
        m_y += p.height;
    }

    /// Left text wrapped beside an amount on the right.
    void row(const QString &left, const QString &right, Style style, qreal indentMm = 0)
    {
        const qreal indent = indentMm * m_mm;
        const qreal rightWidth = QFontMetricsF(fontFor(style), m_device).horizontalAdvance(right);
        const qreal gap = 2 * m_mm;
        const qreal leftWidth = qMax(m_area.width() * 0.4, m_area.width() - indent - rightWidth - gap);
        Paragraph l = wrap(left, style, Qt::AlignLeft, m_device, leftWidth);
        Paragraph r = wrap(right, style, Qt::AlignRight, m_device, m_area.width() - indent);
        const qreal height = qMax(l.height, r.height);
        place(height);
        if (m_painter) {
            m_painter->setPen(Qt::black);
            l.layout->draw(m_painter, QPointF(m_area.left() + indent, m_y));
            r.layout->draw(m_painter, QPointF(m_area.left() + indent, m_y));
        }
        m_y += height;
    }

    void rule()
    {
        space(1.5);
        place(1);
        if (m_painter) {
            QPen pen(Qt::black);
            pen.setWidthF(0.25 * m_mm);
            pen.setStyle(Qt::DashLine);
            m_painter->setPen(pen);
            m_painter->drawLine(QPointF(m_area.left(), m_y), QPointF(m_area.right(), m_y));
        }
        space(1.5);
    }

    /// A barcode centred on the paper, `heightMm` tall, its narrowest bar about 0.33 mm wide
    /// (what 203 dpi receipt printers print cleanly), narrower only if the paper is too narrow.
    void barcode(const ui::BarcodeBars &bars, qreal heightMm)
    {
        const qreal height = heightMm * m_mm;
        const qreal width = qMin(m_area.width(), bars.width * 0.33 * m_mm);
        place(height);
        if (m_painter)
            ui::paintBarcode(*m_painter, bars, QRectF(m_area.center().x() - width / 2, m_y, width, height));
        m_y += height;
    }

    void space(qreal mm) { m_y += mm * m_mm; }
    qreal used() const { return m_y - m_area.top(); }

private:
    /// Starts a new page when the next block does not fit (sheet printers only).
    void place(qreal height)
    {
        if (m_pages && m_painter && m_y + height > m_area.bottom() && m_y > m_area.top()) {
            m_pages->newPage();
            m_y = m_area.top();
        }
    }

    QPainter *m_painter;
    QPaintDevice *m_device;
    QRectF m_area;
    QPagedPaintDevice *m_pages;
    qreal m_y;
    qreal m_mm = 1;
};

qreal mmToPixels(qreal mm, const QPaintDevice *device)
{
    return mm * device->logicalDpiX() / 25.4;
}

} // namespace

ReceiptPrinter::ReceiptPrinter(Receipt receipt) : m_receipt(std::move(receipt)) {}

qreal ReceiptPrinter::measure(QPaintDevice *device, qreal width) const
{
    return layout(nullptr, device, QRectF(0, 0, width, 1e9), nullptr);
}

qreal ReceiptPrinter::paint(QPainter &painter, const QRectF &area, QPagedPaintDevice *pages) const
{
    return layout(&painter, painter.device(), area, pages);
}

qreal ReceiptPrinter::layout(QPainter *painter, QPaintDevice *device, const QRectF &area, QPagedPaintDevice *pages) const
{
    const Receipt &r = m_receipt;
    Cursor c(painter, device, area, pages);
    c.text(r.shopName, Style::Shop, Qt::AlignHCenter);
    c.text(r.addressLine, Style::Small, Qt::AlignHCenter);
    c.space(1);
    c.text(r.dateText, Style::Small, Qt::AlignHCenter);
    c.text(QObject::tr("Order %1").arg(r.orderNumber), Style::Strong, Qt::AlignHCenter);
    if (!r.customer.isEmpty())
        c.text(QObject::tr("Customer: %1").arg(r.customer), Style::Small, Qt::AlignHCenter);
    c.rule();
    for (const ReceiptLine &line : r.lines) {
        c.row(QObject::tr("%1 × %2").arg(line.quantity).arg(line.title), line.amount, Style::Normal);
        c.text(QObject::tr("%1 · %2 each").arg(line.detail, line.unitPrice), Style::Small, Qt::AlignLeft, 3);
        if (!line.discount.isEmpty())
            c.row(QObject::tr("Discount"), line.discount, Style::Small, 3);
        c.space(1);
    }
    c.rule();
    for (const ReceiptRow &row : r.totals)
        c.row(row.label, row.amount, row.label == u"Total"_s ? Style::Total : Style::Normal);
    if (!r.discountReason.isEmpty())
        c.text(QObject::tr("Discount reason: %1").arg(r.discountReason), Style::Small);
    c.rule();
    c.text(r.payment, Style::Normal);
    c.space(2);
    c.text(r.status, Style::Status, Qt::AlignHCenter);
    c.space(2);
    // The order number as a Code 128: a return or exchange at the counter starts with a scan.
    if (const Result<ui::BarcodeBars> bars = ui::encodeBarcode(BarcodeKind::Code128, r.orderNumber)) {
        c.barcode(*bars, 10);
        c.text(r.orderNumber, Style::Small, Qt::AlignHCenter);
        c.space(2);
    }
    c.text(r.footer, Style::Small, Qt::AlignHCenter);
    return c.used();
}

Status ReceiptPrinter::savePdf(const QString &path) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error::unavailable(QObject::tr("Can't write %1: %2").arg(path, file.errorString()));
    {
        QPdfWriter writer(&file);
        writer.setResolution(300);
        writer.setTitle(QObject::tr("Receipt %1").arg(m_receipt.orderNumber));
        writer.setCreator(u"Real Deal Kickz rdk-desk"_s);
        const qreal width = mmToPixels(PaperWidthMm - 2 * MarginMm, &writer);
        const qreal heightMm = measure(&writer, width) * 25.4 / writer.logicalDpiY() + 2 * MarginMm;
        writer.setPageSize(QPageSize(QSizeF(PaperWidthMm, qMax(heightMm, 40.0)), QPageSize::Millimeter,
                                     u"Receipt"_s, QPageSize::ExactMatch));
        writer.setPageMargins(QMarginsF(0, 0, 0, 0));
        QPainter painter;
        if (!painter.begin(&writer))
            return Error::internal(QObject::tr("Can't draw the receipt PDF."));
        painter.setRenderHint(QPainter::Antialiasing);
        const qreal margin = mmToPixels(MarginMm, &writer);
        paint(painter, QRectF(margin, margin, width, 1e9));
        painter.end();
    }
    if (!file.commit())
        return Error::unavailable(QObject::tr("Can't write %1: %2").arg(path, file.errorString()));
    return {};
}

Status ReceiptPrinter::print(QPrinter &printer) const
{
    printer.setDocName(QObject::tr("Receipt %1").arg(m_receipt.orderNumber));
    QPainter painter;
    if (!painter.begin(&printer))
        return Error::unavailable(QObject::tr("The printer is not ready."));
    const QRectF page = printer.pageLayout().paintRectPixels(printer.resolution());
    // A receipt roll is narrow; on a sheet the receipt keeps its roll width at the top left.
    const qreal width = qMin(page.width(), mmToPixels(PaperWidthMm, &printer));
    paint(painter, QRectF(0, 0, width, page.height()), &printer);
    painter.end();
    return {};
}

bool ReceiptPrinter::printWithDialog(QWidget *parent) const
{
    QPrinter printer(QPrinter::HighResolution);
    QPrintDialog dialog(&printer, parent);
    dialog.setWindowTitle(QObject::tr("Print receipt %1").arg(m_receipt.orderNumber));
    if (dialog.exec() != QDialog::Accepted)
        return false;
    return print(printer).ok();
}

} // namespace rdk
