#include "ui/shell/theme.h"

#include <QFont>
#include <QWidget>

namespace rdk::theme {

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

QColor errorText(const QPalette &palette)
{
    return isDark(palette) ? QColor(0xff, 0x9a, 0x92) : QColor(0xa4, 0x1e, 0x22);
}

QColor errorBackground(const QPalette &palette)
{
    return isDark(palette) ? QColor(0x4a, 0x1c, 0x1c) : QColor(0xfd, 0xec, 0xea);
}

QColor warningBackground(const QPalette &palette)
{
    return isDark(palette) ? QColor(0x4d, 0x3b, 0x0a) : QColor(0xff, 0xf4, 0xce);
}

QColor warningText(const QPalette &palette)
{
    return isDark(palette) ? QColor(0xff, 0xe0, 0x8a) : QColor(0x5c, 0x43, 0x00);
}

QColor mutedText(const QPalette &palette)
{
    QColor c = palette.color(QPalette::WindowText);
    c.setAlphaF(0.65f);
    return c;
}

QColor accent(const QPalette &palette)
{
    return isDark(palette) ? QColor(0xff, 0x8a, 0x4c) : QColor(0xd9, 0x4f, 0x0b);
}

void setForeground(QWidget *widget, const QColor &color)
{
    QPalette p = widget->palette();
    p.setColor(QPalette::WindowText, color);
    p.setColor(QPalette::Text, color);
    widget->setPalette(p);
}

void setRelativeFontSize(QWidget *widget, qreal factor, bool bold)
{
    QFont f = widget->font();
    if (f.pointSizeF() > 0)
        f.setPointSizeF(f.pointSizeF() * factor);
    f.setBold(bold);
    widget->setFont(f);
}

} // namespace rdk::theme
