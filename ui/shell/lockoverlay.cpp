#include "ui/shell/lockoverlay.h"

#include "ui/shell/theme.h"

#include <QApplication>
#include <QEvent>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QFrame>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace rdk {

LockOverlay::LockOverlay(DeskSession &session, QWidget *parent) : QWidget(parent), m_session(session)
{
    setObjectName(u"lockOverlay"_s);
    setAccessibleName(tr("Locked"));
    setAttribute(Qt::WA_NoMousePropagation);

    auto *card = new QFrame(this);
    card->setObjectName(u"lockCard"_s);
    card->setStyleSheet(u"QFrame#lockCard { background: palette(base); border: 1px solid palette(mid); border-radius: 10px; }"_s);
    card->setFixedWidth(460);
    card->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Minimum);

    auto *brand = new QLabel(tr("Real Deal Kickz"), card);
    theme::setForeground(brand, theme::accent(palette()));
    theme::setRelativeFontSize(brand, 1.0, true);
    auto *title = new QLabel(tr("This desk is locked"), card);
    theme::setRelativeFontSize(title, 1.5, true);
    m_who = new QLabel(card);
    m_who->setWordWrap(true);
    m_who->setTextFormat(Qt::PlainText);

    m_password = new QLineEdit(card);
    m_password->setObjectName(u"unlockPassword"_s);
    m_password->setAccessibleName(tr("Password"));
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setMaxLength(MaxSignInPasswordLength);
    m_code = new QLineEdit(card);
    m_code->setObjectName(u"unlockCode"_s);
    m_code->setAccessibleName(tr("Two-factor code"));
    m_code->setPlaceholderText(tr("6 digits"));
    m_code->setMaxLength(9);
    m_codeLabel = new QLabel(tr("Two-factor &code"), card);
    m_codeLabel->setBuddy(m_code);

    m_problem = new QLabel(card);
    m_problem->setObjectName(u"unlockProblem"_s);
    m_problem->setWordWrap(true);
    m_problem->setTextFormat(Qt::PlainText);
    theme::setForeground(m_problem, theme::errorText(palette()));
    m_problem->hide();

    m_status = new QLabel(tr("Checking…"), card);
    m_status->setObjectName(u"unlockStatus"_s);
    m_status->hide();
    m_unlock = new QPushButton(tr("Unlock"), card);
    m_unlock->setObjectName(u"unlockButton"_s);
    m_unlock->setDefault(true);
    connect(m_unlock, &QPushButton::clicked, this, &LockOverlay::tryUnlock);
    connect(&m_session, &DeskSession::identityChecked, this, &LockOverlay::onChecked);
    connect(m_password, &QLineEdit::returnPressed, this, &LockOverlay::tryUnlock);
    connect(m_code, &QLineEdit::returnPressed, this, &LockOverlay::tryUnlock);

    auto *form = new QFormLayout;
    auto *passwordLabel = new QLabel(tr("&Password"), card);
    passwordLabel->setBuddy(m_password);
    form->addRow(passwordLabel, m_password);
    form->addRow(m_codeLabel, m_code);
    form->setVerticalSpacing(10);

    auto *cardLayout = new QVBoxLayout(card);
    cardLayout->setContentsMargins(32, 28, 32, 28);
    cardLayout->setSpacing(10);
    cardLayout->addWidget(brand);
    cardLayout->addWidget(title);
    cardLayout->addWidget(m_who);
    cardLayout->addSpacing(6);
    cardLayout->addLayout(form);
    cardLayout->addWidget(m_problem);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_status);
    buttons->addStretch(1);
    buttons->addWidget(m_unlock);
    cardLayout->addLayout(buttons);

    auto *layout = new QVBoxLayout(this);
    layout->addStretch(1);
    layout->addWidget(card, 0, Qt::AlignHCenter);
    layout->addStretch(2);

    setTabOrder(m_password, m_code);
    setTabOrder(m_code, m_unlock);
    parent->installEventFilter(this);
    hide();
}

void LockOverlay::activate()
{
    const SignedInUser &user = m_session.user();
    const bool needsCode = user.needsSecondFactor();
    m_who->setText(tr("%1 (%2) is signed in.").arg(user.displayName, user.login) + u'\n'
                   + (needsCode ? tr("Enter your password and a fresh two-factor code to continue.")
                                : tr("Enter your password to continue.")));
    m_code->setVisible(needsCode);
    m_codeLabel->setVisible(needsCode);
    m_password->clear();
    m_code->clear();
    m_problem->hide();
    setGeometry(parentWidget()->rect());
    raise();
    show();
    qApp->installEventFilter(this);
    m_password->setFocus();
}

void LockOverlay::tryUnlock()
{
    if (m_busy || !isVisible())
        return;
    m_busy = true;
    m_unlock->setEnabled(false);
    m_status->show();
    const QString password = m_password->text();
    const QString code = m_code->isVisible() ? m_code->text() : QString();
    m_password->clear();
    m_code->clear();
    m_session.requestConfirmIdentity(password, code);
}

void LockOverlay::onChecked(const SignInResult &result)
{
    if (!m_busy)
        return;
    m_busy = false;
    m_unlock->setEnabled(true);
    m_status->hide();
    if (!result) {
        m_lastErrorKind = toString(result.error().kind);
        m_problem->setText(result.error().message);
        m_problem->show();
        (result.error().field == u"code"_s ? m_code : m_password)->setFocus();
        return;
    }
    m_lastErrorKind.clear();
    qApp->removeEventFilter(this);
    hide();
    Q_EMIT unlocked();
}

bool LockOverlay::isMine(QObject *object) const
{
    for (QObject *o = object; o; o = o->parent()) {
        if (o == this)
            return true;
    }
    return false;
}

bool LockOverlay::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == parentWidget() && event->type() == QEvent::Resize && isVisible())
        setGeometry(parentWidget()->rect());
    if (isVisible() && !isMine(watched)) {
        switch (event->type()) {
        case QEvent::KeyPress:
        case QEvent::KeyRelease:
        case QEvent::ShortcutOverride:
        case QEvent::Shortcut:
        case QEvent::MouseButtonPress:
        case QEvent::MouseButtonRelease:
        case QEvent::MouseButtonDblClick:
        case QEvent::Wheel:
        case QEvent::TouchBegin:
        case QEvent::InputMethod:
            // Dialogs that screens opened stay as they are, unusable until unlocked.
            if (watched->isWidgetType() || event->type() == QEvent::Shortcut)
                return true;
            break;
        default:
            break;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void LockOverlay::paintEvent(QPaintEvent *)
{
    // Opaque: nothing of the work beneath shows through while the desk is unattended.
    QPainter painter(this);
    painter.fillRect(rect(), palette().color(QPalette::Window));
}

} // namespace rdk
