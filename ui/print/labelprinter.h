#pragma once

#include "domain/labels.h"
#include "domain/result.h"

#include <QImage>
#include <QList>
#include <QString>

class QPagedPaintDevice;

namespace rdk::ui {

/// Prints `labels` on `device` (a QPdfWriter or a QPrinter), laid out on `stock`: each label
/// shows name, SKU and size, condition, the price large, and the barcode with its text. Sets the
/// page size and no margins, starts a new page when one is full. Fails before drawing anything
/// when a barcode can't be made, so no half-printed sheet comes out.
Status printLabels(QPagedPaintDevice &device, const LabelStock &stock, const QList<LabelContent> &labels);

/// printLabels into a PDF file at `path` (600 dpi, vector bars).
Status writeLabelsPdf(const QString &path, const LabelStock &stock, const QList<LabelContent> &labels);

/// Page `page` (0-based) of the job as an image at `dpi`, white background: the preview.
QImage renderLabelPage(const LabelStock &stock, const QList<LabelContent> &labels, int page, int dpi);

/// Pages the job takes on `stock`.
int labelPageCount(const LabelStock &stock, qsizetype labelCount);

} // namespace rdk::ui
