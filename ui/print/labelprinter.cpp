#include "ui/print/labelprinter.h"

#include "ui/print/barcodesymbol.h"

#include <QFontMetricsF>
#include <QHash>
#include <QPageLayout>
#include <QPageSize>
#include <QPagedPaintDevice>
#include <QPainter>
#include <QPdfWriter>

using namespace Qt::StringLiterals;

namespace rdk::ui {

namespace {

/// A font whose em is `heightMm` tall on a device with `dotsPerMm`.
QFont fontOfMm(double heightMm, double dotsPerMm, bool bold = false)
{
    QFont font(u"DejaVu Sans"_s);
    font.setPixelSize(qMax(1, qRound(heightMm * dotsPerMm)));
    font.setBold(bold);
    return font;
}

/// Draws `text` in `rect`, elided on the right when it does not fit.
void drawLine(QPainter &painter, const QRectF &rect, const QString &text, Qt::Alignment align)
{
    const QString shown = QFontMetricsF(painter.font()).elidedText(text, Qt::ElideRight, rect.width());
    painter.drawText(rect, int(align | Qt::AlignVCenter), shown);
}

/// Draws `text` in `rect` with `font`, made smaller (down to `smallest` of its size) until it
/// fits; only what still does not fit is elided.
void fitLine(QPainter &painter, const QRectF &rect, const QString &text, QFont font, Qt::Alignment align,
             double smallest = 0.6)
{
    const int floor = qMax(1, int(font.pixelSize() * smallest));
    while (font.pixelSize() > floor && QFontMetricsF(font).horizontalAdvance(text) > rect.width())
        font.setPixelSize(qMax(floor, font.pixelSize() * 9 / 10));
    painter.setFont(font);
    drawLine(painter, rect, text, align);
}

/// The bars of every label, one symbol per distinct code: a job of 500 copies of three sizes
/// encodes three symbols. The first code that can't be encoded fails the whole job.
Result<QList<BarcodeBars>> encodeAll(const QList<LabelContent> &labels)
{
    QHash<QString, BarcodeBars> byCode;
    QList<BarcodeBars> bars;
    bars.reserve(labels.size());
    for (const LabelContent &label : labels) {
        const QString key = QString::number(int(label.kind)) + u':' + label.barcode;
        auto known = byCode.constFind(key);
        if (known == byCode.constEnd()) {
            Result<BarcodeBars> encoded = encodeBarcode(label.kind, label.barcode);
            if (!encoded)
                return Error::invalid(u"%1%2: %3"_s.arg(label.sku, label.size.isEmpty() ? QString() : u" size "_s + label.size,
                                                       encoded.error().message));
            known = byCode.insert(key, encoded.value());
        }
        bars.append(*known);
    }
    return bars;
}

/// The labels on page `page` of the job.
QList<LabelContent> labelsOnPage(const LabelStock &stock, const QList<LabelContent> &labels, int page)
{
    const int perPage = qMax(1, stock.labelsPerPage());
    return labels.mid(qsizetype(page) * perPage, perPage);
}

void paintLabelWithBars(QPainter &painter, const LabelContent &label, const BarcodeBars &bars, const QRectF &rect,
                        double dotsPerMm)
{
    const double pad = 1.5 * dotsPerMm;
    const QRectF inner = rect.adjusted(pad, pad, -pad, -pad);
    const double line = inner.height() / 8.0;   // the label's rhythm: 8 rows of text height

    painter.save();
    painter.setPen(Qt::black);
    painter.setFont(fontOfMm(line / dotsPerMm * 0.8, dotsPerMm, true));
    drawLine(painter, QRectF(inner.left(), inner.top(), inner.width(), line), label.name, Qt::AlignLeft);
    const QString sizeLine = label.size.isEmpty() ? label.condition : u"Size %1 · %2"_s.arg(label.size, label.condition);
    fitLine(painter, QRectF(inner.left(), inner.top() + line, inner.width() * 0.5, line), sizeLine,
            fontOfMm(line / dotsPerMm * 0.8, dotsPerMm, true), Qt::AlignLeft);
    fitLine(painter, QRectF(inner.left(), inner.top() + 2 * line, inner.width() * 0.5, line), label.sku,
            fontOfMm(line / dotsPerMm * 0.75, dotsPerMm), Qt::AlignLeft);
    // The price is never cut: its type shrinks until it fits beside the size and SKU.
    fitLine(painter, QRectF(inner.left() + inner.width() * 0.52, inner.top() + line, inner.width() * 0.48, 2 * line),
            label.price, fontOfMm(line * 1.7 / dotsPerMm, dotsPerMm, true), Qt::AlignRight, 0.2);

    const QRectF barsRect(inner.left(), inner.top() + 3.2 * line, inner.width(), 3.8 * line);
    // Keep the bars' proportions readable: no wider than ~0.5 mm per module (scanners and
    // thermal heads both prefer a module of 0.25-0.5 mm), centred.
    const double widest = bars.width * 0.5 * dotsPerMm;
    const double width = qMin(barsRect.width(), widest);
    paintBarcode(painter, bars, QRectF(barsRect.center().x() - width / 2, barsRect.top(), width, barsRect.height()));
    painter.setFont(fontOfMm(line * 0.8 / dotsPerMm, dotsPerMm));
    drawLine(painter, QRectF(inner.left(), barsRect.bottom(), inner.width(), line), label.barcode, Qt::AlignHCenter);
    painter.restore();
}

/// Draws `onPage` (the labels of one page, with their bars) in their places.
void paintPage(QPainter &painter, const LabelStock &stock, const QList<LabelContent> &onPage,
               const QList<BarcodeBars> &bars, double dotsPerMm)
{
    for (int i = 0; i < onPage.size(); ++i) {
        const LabelPlacement at = placeLabel(stock, i);   // placement within the page
        const QRectF rect(at.xMm * dotsPerMm, at.yMm * dotsPerMm, stock.labelWidthMm * dotsPerMm,
                          stock.labelHeightMm * dotsPerMm);
        paintLabelWithBars(painter, onPage[i], bars[i], rect, dotsPerMm);
    }
}

} // namespace

int labelPageCount(const LabelStock &stock, qsizetype labelCount)
{
    const int perPage = qMax(1, stock.labelsPerPage());
    return int((labelCount + perPage - 1) / perPage);
}

Status printLabels(QPagedPaintDevice &device, const LabelStock &stock, const QList<LabelContent> &labels)
{
    if (labels.isEmpty())
        return Error::invalid(u"Pick at least one label to print"_s);
    const Result<QList<BarcodeBars>> bars = encodeAll(labels);
    if (!bars)
        return bars.error();
    const QPageSize pageSize(QSizeF(stock.pageWidthMm, stock.pageHeightMm), QPageSize::Millimeter, stock.name,
                             QPageSize::ExactMatch);
    if (!device.setPageLayout(QPageLayout(pageSize, stock.pageWidthMm > stock.pageHeightMm ? QPageLayout::Landscape
                                                                                           : QPageLayout::Portrait,
                                          QMarginsF(0, 0, 0, 0), QPageLayout::Millimeter)))
        return Error::invalid(u"The printer does not take %1 pages"_s.arg(stock.name));
    QPainter painter;
    if (!painter.begin(&device))
        return Error::unavailable(u"Could not start printing (is the printer or file available?)"_s);
    const double dotsPerMm = device.logicalDpiX() / 25.4;
    const int pages = labelPageCount(stock, labels.size());
    for (int page = 0; page < pages; ++page) {
        if (page > 0 && !device.newPage())
            return Error::unavailable(u"The printer stopped after page %1 of %2"_s.arg(page).arg(pages));
        const int perPage = qMax(1, stock.labelsPerPage());
        paintPage(painter, stock, labelsOnPage(stock, labels, page), bars->mid(qsizetype(page) * perPage, perPage),
                  dotsPerMm);
    }
    if (!painter.end())
        return Error::unavailable(u"Printing did not finish"_s);
    return {};
}

Status writeLabelsPdf(const QString &path, const LabelStock &stock, const QList<LabelContent> &labels)
{
    QPdfWriter pdf(path);
    pdf.setResolution(600);
    pdf.setCreator(u"Real Deal Kickz"_s);
    pdf.setTitle(u"Price labels"_s);
    return printLabels(pdf, stock, labels);
}

QImage renderLabelPage(const LabelStock &stock, const QList<LabelContent> &labels, int page, int dpi)
{
    const double dotsPerMm = dpi / 25.4;
    QImage image(qRound(stock.pageWidthMm * dotsPerMm), qRound(stock.pageHeightMm * dotsPerMm), QImage::Format_RGB32);
    image.setDotsPerMeterX(qRound(dotsPerMm * 1000));
    image.setDotsPerMeterY(qRound(dotsPerMm * 1000));
    image.fill(Qt::white);
    // Only this page's symbols: the preview redraws on every change of a count.
    const QList<LabelContent> onPage = labelsOnPage(stock, labels, page);
    const Result<QList<BarcodeBars>> bars = encodeAll(onPage);
    if (!bars)
        return image;
    QPainter painter(&image);
    painter.setRenderHint(QPainter::TextAntialiasing);
    paintPage(painter, stock, onPage, *bars, dotsPerMm);
    return image;
}

} // namespace rdk::ui
