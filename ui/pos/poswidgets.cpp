#include "ui/pos/poswidgets.h"

#include "ui/shell/theme.h"

#include <QLabel>
#include <QPushButton>

namespace rdk::pos {

QPushButton *bigButton(const QString &text, const QString &name, QWidget *parent, qreal scale)
{
    auto *button = new QPushButton(text, parent);
    button->setObjectName(name);
    // Buttons never take the focus: the scan field keeps it, so the next scan always lands.
    button->setFocusPolicy(Qt::NoFocus);
    button->setMinimumHeight(44);
    theme::setRelativeFontSize(button, scale);
    return button;
}

QLabel *plainLabel(const QString &name, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(name);
    label->setTextFormat(Qt::PlainText);  // names and errors are data, never markup
    label->setWordWrap(true);
    return label;
}

QColor successBackground(const QPalette &palette)
{
    return theme::isDark(palette) ? QColor(0x2f, 0x9e, 0x52) : QColor(0x1b, 0x7a, 0x36);
}

} // namespace rdk::pos
