#include "ui/shell/homescreen.h"

#include "ui/shell/theme.h"

#include <QFormLayout>
#include <QFrame>
#include <QLabel>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

QLabel *value(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setTextFormat(Qt::PlainText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

} // namespace

HomeScreen::HomeScreen(const SignedInUser &user, const ServerAddress &server, const QStringList &screens, QWidget *parent)
    : QWidget(parent)
{
    setObjectName(u"homeScreen"_s);
    setAccessibleName(tr("Overview"));

    auto *title = new QLabel(user.tenantName, this);
    title->setObjectName(u"shopName"_s);
    title->setTextFormat(Qt::PlainText);
    theme::setRelativeFontSize(title, 1.8, true);
    auto *welcome = new QLabel(tr("Welcome, %1.").arg(user.displayName), this);
    welcome->setTextFormat(Qt::PlainText);
    theme::setRelativeFontSize(welcome, 1.15);

    auto *card = new QFrame(this);
    card->setObjectName(u"accountCard"_s);
    card->setStyleSheet(u"QFrame#accountCard { background: palette(base); border: 1px solid palette(mid);"
                        u" border-radius: 8px; }"_s);
    auto *form = new QFormLayout(card);
    form->setContentsMargins(24, 20, 24, 20);
    form->setHorizontalSpacing(24);
    form->setVerticalSpacing(10);
    form->setLabelAlignment(Qt::AlignLeft);
    form->addRow(tr("Signed in as"), value(u"%1 (%2)"_s.arg(user.displayName, user.login), card));
    form->addRow(tr("Role"), value(displayName(user.role), card));
    form->addRow(tr("Two-factor sign-in"), value(user.needsSecondFactor() ? tr("On") : tr("Off"), card));
    form->addRow(tr("Shop"), value(user.tenantName, card));
    form->addRow(tr("Currency"), value(user.currency, card));
    form->addRow(tr("Time zone"), value(user.timezone, card));
    form->addRow(tr("Server"), value(server.toDisplayString(), card));

    auto *available = new QLabel(this);
    available->setWordWrap(true);
    available->setTextFormat(Qt::PlainText);
    available->setText(screens.isEmpty() ? tr("No screens are installed in this build yet.")
                                         : tr("Your role can open: %1.").arg(screens.join(u", "_s)));
    theme::setForeground(available, theme::mutedText(palette()));
    auto *hint = new QLabel(tr("Ctrl+L locks the desk when you step away."), this);
    theme::setForeground(hint, theme::mutedText(palette()));

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(40, 32, 40, 32);
    layout->setSpacing(8);
    layout->addWidget(title);
    layout->addWidget(welcome);
    layout->addSpacing(16);
    layout->addWidget(card);
    layout->addSpacing(12);
    layout->addWidget(available);
    layout->addWidget(hint);
    layout->addStretch(1);
    card->setMaximumWidth(640);
}

} // namespace rdk
