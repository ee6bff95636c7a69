#pragma once

#include <QColor>
#include <QPalette>

class QWidget;

namespace rdk::theme {

/// True when the palette's window colour is dark (a dark desktop theme).
bool isDark(const QPalette &palette);
/// Colours for messages that stay readable on light and dark palettes.
QColor errorText(const QPalette &palette);
QColor errorBackground(const QPalette &palette);
QColor warningBackground(const QPalette &palette);
QColor warningText(const QPalette &palette);
QColor mutedText(const QPalette &palette);
/// The brand accent used for headings and the navigation marker.
QColor accent(const QPalette &palette);

/// Sets a widget's text colour whether it sits on a Window or a Base background (a child
/// of a Base-coloured panel inherits that role and draws with Text, not WindowText).
void setForeground(QWidget *widget, const QColor &color);

/// Scales a widget's font relative to the application font (high-DPI safe: points, not pixels).
void setRelativeFontSize(QWidget *widget, qreal factor, bool bold = false);

} // namespace rdk::theme
