#include "ui/shell/connectionbanner.h"

#include "ui/shell/theme.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

using namespace Qt::Literals::StringLiterals;

namespace rdk {

ConnectionBanner::ConnectionBanner(DeskSession &session, ConnectionSupervisor &supervisor, QWidget *parent)
    : QFrame(parent), m_session(session), m_supervisor(supervisor)
{
    setObjectName(u"connectionBanner"_s);
    setAccessibleName(tr("Connection status"));
    setAutoFillBackground(true);
    QPalette p = palette();
    p.setColor(QPalette::Window, theme::warningBackground(p));
    p.setColor(QPalette::WindowText, theme::warningText(p));
    p.setColor(QPalette::Text, theme::warningText(p));
    setPalette(p);

    m_text = new QLabel(this);
    m_text->setObjectName(u"connectionMessage"_s);
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::PlainText);
    m_retry = new QPushButton(tr("Retry now"), this);
    m_retry->setObjectName(u"retryButton"_s);
    m_code = new QLineEdit(this);
    m_code->setObjectName(u"bannerCode"_s);
    m_code->setAccessibleName(tr("Two-factor code"));
    m_code->setPlaceholderText(tr("6-digit code"));
    m_code->setMaxLength(9);
    m_code->setMaximumWidth(130);
    m_verify = new QPushButton(tr("Verify"), this);
    m_verify->setObjectName(u"verifyButton"_s);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(16, 8, 16, 8);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_code);
    layout->addWidget(m_verify);
    layout->addWidget(m_retry);

    connect(m_retry, &QPushButton::clicked, &m_supervisor, &ConnectionSupervisor::retryNow);
    connect(m_verify, &QPushButton::clicked, this, &ConnectionBanner::verifyCode);
    connect(m_code, &QLineEdit::returnPressed, this, &ConnectionBanner::verifyCode);
    connect(&m_supervisor, &ConnectionSupervisor::stateChanged, this, &ConnectionBanner::onStateChanged);
    hide();
}

QString ConnectionBanner::message() const
{
    return m_text->text();
}

void ConnectionBanner::onStateChanged(ConnectionSupervisor::State state, const QString &message)
{
    m_text->setText(message);
    const bool needsCode = state == ConnectionSupervisor::State::NeedsCode;
    m_code->setVisible(needsCode);
    m_verify->setVisible(needsCode);
    m_retry->setVisible(state == ConnectionSupervisor::State::Reconnecting);
    setVisible(state != ConnectionSupervisor::State::Connected);
}

void ConnectionBanner::verifyCode()
{
    const SignInResult result = m_session.verifySecondFactor(m_code->text());
    m_code->clear();
    if (!result) {
        m_text->setText(result.error().message);
        return;
    }
    m_supervisor.secondFactorVerified();
}

} // namespace rdk
