#pragma once

#include <QColor>
#include <QPalette>

namespace rdk {

/// Colours of the dashboard, derived from the widget palette so light and dark desktops
/// both read well. Series colours are fixed hues tuned for either background.
struct DashboardColors final {
    bool dark = false;
    QColor window;
    QColor card;
    QColor border;
    QColor text;
    QColor muted;
    QColor grid;
    QColor good;
    QColor bad;
    QColor online;
    QColor pos;
    QColor visitors;
    QColor pageViews;
    QColor accent;
};

DashboardColors dashboardColors(const QPalette &palette);

} // namespace rdk
