#pragma once

// Widgets the counter's panels share: big buttons that never take the focus (the scan field
// keeps it) and labels that show data as plain text.

#include <QColor>
#include <QString>

class QLabel;
class QPalette;
class QPushButton;
class QWidget;

namespace rdk::pos {

/// A button at least 44 px high whose font is `scale` times the application's; never takes
/// the focus, so the next scan always lands in the scan field.
QPushButton *bigButton(const QString &text, const QString &name, QWidget *parent, qreal scale = 1.2);
/// A word-wrapped label that shows its text as plain text (names and errors are data, never markup).
QLabel *plainLabel(const QString &name, QWidget *parent);
/// Behind PAID: reads from across the counter on light and dark palettes.
QColor successBackground(const QPalette &palette);

} // namespace rdk::pos
