#include "ui/dashboard/dashboardstyle.h"

namespace rdk {

DashboardColors dashboardColors(const QPalette &palette)
{
    DashboardColors c;
    const QColor window = palette.color(QPalette::Window);
    c.dark = window.lightness() < 128;
    c.window = c.dark ? window.darker(115) : QColor(0xf4, 0xf5, 0xf7);
    c.card = c.dark ? window.lighter(125) : QColor(Qt::white);
    c.border = c.dark ? window.lighter(160) : QColor(0xe2, 0xe5, 0xea);
    c.text = palette.color(QPalette::WindowText);
    c.muted = c.dark ? c.text.darker(140) : QColor(0x6b, 0x72, 0x80);
    c.grid = c.dark ? window.lighter(170) : QColor(0xec, 0xee, 0xf1);
    c.good = c.dark ? QColor(0x4a, 0xde, 0x80) : QColor(0x16, 0xa3, 0x4a);
    c.bad = c.dark ? QColor(0xf8, 0x71, 0x71) : QColor(0xdc, 0x26, 0x26);
    c.online = c.dark ? QColor(0x60, 0xa5, 0xfa) : QColor(0x25, 0x63, 0xeb);
    c.pos = c.dark ? QColor(0xfb, 0xbf, 0x24) : QColor(0xf5, 0x9e, 0x0b);
    c.visitors = c.dark ? QColor(0x34, 0xd3, 0x99) : QColor(0x05, 0x96, 0x69);
    c.pageViews = c.dark ? QColor(0xa7, 0x8b, 0xfa) : QColor(0x7c, 0x3a, 0xed);
    c.accent = palette.color(QPalette::Highlight);
    return c;
}

} // namespace rdk
