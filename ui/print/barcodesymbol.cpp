#include "ui/print/barcodesymbol.h"

#include <QPainter>

#include <zint.h>

#include <memory>

using namespace Qt::StringLiterals;

namespace rdk::ui {

namespace {

struct SymbolDeleter {
    void operator()(zint_symbol *symbol) const { ZBarcode_Delete(symbol); }
};

int symbologyOf(BarcodeKind kind)
{
    switch (kind) {
    case BarcodeKind::UpcA:
        return BARCODE_UPCA_CHK;   // 12 digits, the last one checked
    case BarcodeKind::Ean13:
        return BARCODE_EANX_CHK;   // 13 digits, the last one checked
    case BarcodeKind::Code128:
        return BARCODE_CODE128;
    }
    return BARCODE_CODE128;
}

} // namespace

Result<BarcodeBars> encodeBarcode(BarcodeKind kind, const QString &data)
{
    const QByteArray bytes = data.toLatin1();
    if (bytes.isEmpty() || bytes.size() > 80 || QString::fromLatin1(bytes) != data)
        return Error::invalid(u"A barcode holds 1 to 80 plain characters"_s, u"barcode"_s);
    std::unique_ptr<zint_symbol, SymbolDeleter> symbol(ZBarcode_Create());
    if (!symbol)
        return Error::internal(u"The barcode library could not start (out of memory)"_s);
    symbol->symbology = symbologyOf(kind);
    symbol->show_hrt = 0;                            // the label prints the digits itself
    symbol->output_options |= BARCODE_QUIET_ZONES;   // scanners need the blank margins
    const int status = ZBarcode_Encode_and_Buffer_Vector(
        symbol.get(), reinterpret_cast<const unsigned char *>(bytes.constData()), int(bytes.size()), 0);
    if (status >= ZINT_ERROR || !symbol->vector)
        return Error::invalid(u"Can't make a barcode of %1: %2"_s.arg(data.left(24), QString::fromLatin1(symbol->errtxt)),
                              u"barcode"_s);
    BarcodeBars out;
    out.width = symbol->vector->width;
    out.height = symbol->vector->height;
    for (const zint_vector_rect *r = symbol->vector->rectangles; r; r = r->next) {
        if (r->colour == -1 || r->colour == 7)   // foreground or black
            out.bars.append(QRectF(r->x, r->y, r->width, r->height));
    }
    return out;
}

void paintBarcode(QPainter &painter, const BarcodeBars &bars, const QRectF &target)
{
    if (bars.width <= 0 || bars.height <= 0)
        return;
    const double sx = target.width() / bars.width;
    const double sy = target.height() / bars.height;
    painter.save();
    painter.setPen(Qt::NoPen);
    painter.setBrush(Qt::black);
    painter.setRenderHint(QPainter::Antialiasing, false);   // crisp bar edges
    for (const QRectF &bar : bars.bars)
        painter.drawRect(QRectF(target.left() + bar.x() * sx, target.top() + bar.y() * sy, bar.width() * sx, bar.height() * sy));
    painter.restore();
}

} // namespace rdk::ui
