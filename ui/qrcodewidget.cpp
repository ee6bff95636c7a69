#include "ui/qrcodewidget.h"

#include <QPainter>

#include <qrencode.h>

#include <cerrno>
#include <memory>

namespace rdk {
namespace {

QRecLevel toQrLevel(QrCodeWidget::ErrorCorrection level)
{
    switch (level) {
    case QrCodeWidget::ErrorCorrection::Low:
        return QR_ECLEVEL_L;
    case QrCodeWidget::ErrorCorrection::Medium:
        return QR_ECLEVEL_M;
    case QrCodeWidget::ErrorCorrection::Quartile:
        return QR_ECLEVEL_Q;
    case QrCodeWidget::ErrorCorrection::High:
        return QR_ECLEVEL_H;
    }
    return QR_ECLEVEL_M;
}

} // namespace

QrCodeWidget::QrCodeWidget(QWidget *parent) : QWidget(parent)
{
    setAccessibleName(tr("QR code"));
    QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
}

bool QrCodeWidget::setText(const QString &text)
{
    if (text == m_text && (m_size > 0 || text.isEmpty()))
        return m_error.isEmpty();
    m_text = text;
    const bool ok = encode();
    setAccessibleDescription(m_size > 0 ? tr("QR code for %1").arg(m_text) : m_error);
    updateGeometry();
    update();
    Q_EMIT textChanged(m_text);
    return ok;
}

void QrCodeWidget::setErrorCorrection(ErrorCorrection level)
{
    if (level == m_level)
        return;
    m_level = level;
    encode();
    update();
}

bool QrCodeWidget::encode()
{
    m_size = 0;
    m_modules.clear();
    m_error.clear();
    if (m_text.isEmpty())
        return true;
    const QByteArray bytes = m_text.toUtf8();
    // Byte mode over the exact UTF-8 bytes (encodeData, not encodeString, so an embedded
    // NUL can't cut the text short); version 0 lets libqrencode pick the smallest symbol.
    errno = 0;
    std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
        QRcode_encodeData(int(bytes.size()), reinterpret_cast<const unsigned char *>(bytes.constData()), 0,
                          toQrLevel(m_level)),
        &QRcode_free);
    if (!code) {
        m_error = errno == ERANGE ? tr("This text is too long for a QR code (%1 bytes).").arg(bytes.size())
                                  : tr("The QR code could not be made.");
        return false;
    }
    m_size = code->width;
    m_modules.resize(qsizetype(m_size) * m_size);
    for (int i = 0; i < m_size * m_size; ++i)
        m_modules[i] = (code->data[i] & 1) != 0;  // bit 0: dark module; the other bits are metadata
    return true;
}

bool QrCodeWidget::isDark(int x, int y) const
{
    if (x < 0 || y < 0 || x >= m_size || y >= m_size)
        return false;
    return m_modules.at(qsizetype(y) * m_size + x);
}

QImage QrCodeWidget::toImage(int modulePixels) const
{
    if (m_size == 0 || modulePixels < 1)
        return {};
    const int side = (m_size + 2 * QuietZone) * modulePixels;
    QImage image(side, side, QImage::Format_RGB32);
    image.fill(Qt::white);
    QPainter painter(&image);
    for (int y = 0; y < m_size; ++y) {
        for (int x = 0; x < m_size; ++x) {
            if (isDark(x, y))
                painter.fillRect((x + QuietZone) * modulePixels, (y + QuietZone) * modulePixels, modulePixels,
                                 modulePixels, Qt::black);
        }
    }
    return image;
}

QSize QrCodeWidget::sizeHint() const
{
    const int modules = (m_size > 0 ? m_size : 29) + 2 * QuietZone;
    return {modules * 5, modules * 5};
}

QSize QrCodeWidget::minimumSizeHint() const
{
    const int modules = (m_size > 0 ? m_size : 21) + 2 * QuietZone;
    return {modules * 2, modules * 2};
}

void QrCodeWidget::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    if (m_size == 0) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(rect().adjusted(4, 4, -4, -4), Qt::AlignCenter | Qt::TextWordWrap, m_error);
        return;
    }
    // Whole device pixels per module: a fractional size would blur module edges.
    const qreal dpr = devicePixelRatioF();
    const int modules = m_size + 2 * QuietZone;
    const int deviceSide = int(qMin(width(), height()) * dpr);
    const int modulePixels = qMax(1, deviceSide / modules);
    const QImage image = toImage(modulePixels);
    const qreal logicalSide = image.width() / dpr;
    const QRectF target((width() - logicalSide) / 2.0, (height() - logicalSide) / 2.0, logicalSide, logicalSide);
    painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
    painter.drawImage(target, image);
}

} // namespace rdk
