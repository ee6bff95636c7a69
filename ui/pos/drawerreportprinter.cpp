#include "ui/pos/drawerreportprinter.h"

#include <QFont>
#include <QFontMetricsF>
#include <QObject>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QPrintDialog>
#include <QPrinter>
#include <QSaveFile>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

QFont reportFont(qreal points, bool bold)
{
    QFont f(u"DejaVu Sans"_s);
    f.setStyleHint(QFont::SansSerif);
    f.setPointSizeF(points);
    f.setBold(bold);
    return f;
}

qreal mmToPixels(qreal mm, const QPaintDevice *device)
{
    return mm * device->logicalDpiX() / 25.4;
}

// Section headings are the label-only lines in capitals ("SALES", "CASH DRAWER").
bool isHeading(const QPair<QString, QString> &line)
{
    return line.second.isEmpty() && !line.first.isEmpty() && line.first == line.first.toUpper();
}

} // namespace

qreal DrawerReportPrinter::paint(QPainter *painter, QPaintDevice *device, const QRectF &area) const
{
    const auto lines = m_report.lines();
    const qreal gap = mmToPixels(2.5, device);
    qreal y = area.top();
    for (int i = 0; i < lines.size(); ++i) {
        const auto &line = lines[i];
        if (line.first.isEmpty() && line.second.isEmpty()) {
            y += gap;
            continue;
        }
        const bool title = i == 0;
        const bool strong = title || i == 1 || isHeading(line) || line.first.startsWith(u"Expected"_s) ||
                            line.first == u"Counted"_s || line.first == u"Short"_s || line.first == u"Over"_s;
        const QFont font = reportFont(title ? 12 : 8.5, strong);
        const QFontMetricsF metrics(font, device);
        const qreal lineHeight = metrics.height() + metrics.leading();
        const qreal valueWidth = metrics.horizontalAdvance(line.second);
        const qreal besideValue = line.second.isEmpty() ? area.width() : area.width() - valueWidth - mmToPixels(2, device);
        // A label that does not fit beside its amount (a long paid-out reason, a note) wraps
        // over the whole width, and the amount goes under it: nothing is cut off on paper.
        const bool fits = metrics.horizontalAdvance(line.first) <= besideValue;
        const QRectF labelBox = fits ? QRectF(area.left(), y, besideValue, lineHeight)
                                     : metrics.boundingRect(QRectF(area.left(), y, area.width(), 1e6),
                                                            Qt::AlignLeft | Qt::TextWordWrap | Qt::TextWrapAnywhere, line.first);
        const qreal labelHeight = fits ? lineHeight : labelBox.height();
        const qreal valueTop = fits ? y : y + labelHeight;
        if (painter) {
            painter->setFont(font);
            painter->setPen(Qt::black);
            painter->drawText(QRectF(area.left(), y, fits ? besideValue : area.width(), labelHeight),
                              Qt::AlignLeft | Qt::AlignVCenter | (fits ? 0 : Qt::TextWordWrap | Qt::TextWrapAnywhere), line.first);
            if (!line.second.isEmpty())
                painter->drawText(QRectF(area.left(), valueTop, area.width(), lineHeight), Qt::AlignRight | Qt::AlignVCenter,
                                  line.second);
        }
        y = (fits || line.second.isEmpty()) ? y + labelHeight : valueTop + lineHeight;
    }
    return y - area.top();
}

Status DrawerReportPrinter::savePdf(const QString &path) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error::unavailable(QObject::tr("Can't write %1: %2").arg(path, file.errorString()));
    {
        QPdfWriter writer(&file);
        writer.setResolution(300);
        writer.setTitle(m_report.title());
        writer.setCreator(u"Real Deal Kickz rdk-desk"_s);
        const qreal width = mmToPixels(PaperWidthMm - 2 * MarginMm, &writer);
        const qreal heightMm = paint(nullptr, &writer, QRectF(0, 0, width, 1e9)) * 25.4 / writer.logicalDpiY() + 2 * MarginMm;
        writer.setPageSize(QPageSize(QSizeF(PaperWidthMm, qMax(heightMm, 40.0)), QPageSize::Millimeter, u"Report"_s,
                                     QPageSize::ExactMatch));
        writer.setPageMargins(QMarginsF(0, 0, 0, 0));
        QPainter painter;
        if (!painter.begin(&writer))
            return Error::internal(QObject::tr("Can't draw the report PDF."));
        const qreal margin = mmToPixels(MarginMm, &writer);
        paint(&painter, &writer, QRectF(margin, margin, width, 1e9));
        painter.end();
    }
    if (!file.commit())
        return Error::unavailable(QObject::tr("Can't write %1: %2").arg(path, file.errorString()));
    return {};
}

Status DrawerReportPrinter::print(QPrinter &printer) const
{
    printer.setDocName(m_report.title());
    QPainter painter;
    if (!painter.begin(&printer))
        return Error::unavailable(QObject::tr("The printer is not ready."));
    const QRectF page = printer.pageLayout().paintRectPixels(printer.resolution());
    paint(&painter, &printer, QRectF(0, 0, qMin(page.width(), mmToPixels(PaperWidthMm, &printer)), page.height()));
    painter.end();
    return {};
}

bool DrawerReportPrinter::printWithDialog(QWidget *parent) const
{
    QPrinter printer(QPrinter::HighResolution);
    QPrintDialog dialog(&printer, parent);
    dialog.setWindowTitle(QObject::tr("Print %1").arg(m_report.title()));
    if (dialog.exec() != QDialog::Accepted)
        return false;
    return print(printer).ok();
}

} // namespace rdk
