#include "ui/signindialog.h"

#include "ui/shell/theme.h"

#include <QApplication>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QSettings>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace rdk {

SignInDialog::SignInDialog(DeskSession &session, const ServerAddress &defaultServer, QSettings *settings,
                           QWidget *parent)
    : QDialog(parent), m_session(session), m_defaultServer(defaultServer), m_settings(settings)
{
    setWindowTitle(tr("Sign in — Real Deal Kickz"));
    setObjectName(u"signInDialog"_s);

    auto *brand = new QLabel(tr("Real Deal Kickz"), this);
    theme::setRelativeFontSize(brand, 1.6, true);
    theme::setForeground(brand, theme::accent(palette()));
    auto *subtitle = new QLabel(tr("Back office — sign in with your staff login"), this);
    theme::setForeground(subtitle, theme::mutedText(palette()));

    m_server = new QLineEdit(this);
    m_server->setObjectName(u"server"_s);
    m_server->setAccessibleName(tr("Server"));
    m_server->setPlaceholderText(u"host:5432/rdk"_s);
    m_server->setMaxLength(300);
    m_login = new QLineEdit(this);
    m_login->setObjectName(u"login"_s);
    m_login->setAccessibleName(tr("Login"));
    m_login->setMaxLength(64);
    m_login->setInputMethodHints(Qt::ImhNoAutoUppercase | Qt::ImhNoPredictiveText | Qt::ImhLatinOnly);
    m_password = new QLineEdit(this);
    m_password->setObjectName(u"password"_s);
    m_password->setAccessibleName(tr("Password"));
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setMaxLength(MaxSignInPasswordLength);
    m_code = new QLineEdit(this);
    m_code->setObjectName(u"code"_s);
    m_code->setAccessibleName(tr("Two-factor code"));
    m_code->setPlaceholderText(tr("6 digits"));
    m_code->setMaxLength(9);
    m_code->setInputMethodHints(Qt::ImhDigitsOnly);
    m_code->setValidator(new QRegularExpressionValidator(QRegularExpression(u"^[0-9 ]{0,9}$"_s), m_code));

    m_form = new QFormLayout;
    m_form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    m_form->setRowWrapPolicy(QFormLayout::DontWrapRows);
    m_form->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_form->setHorizontalSpacing(12);
    m_form->setVerticalSpacing(10);
    m_form->addRow(tr("&Server"), m_server);
    m_form->addRow(tr("&Login"), m_login);
    m_form->addRow(tr("&Password"), m_password);
    m_form->addRow(tr("Two-factor &code"), m_code);

    m_problem = new QLabel(this);
    m_problem->setObjectName(u"problem"_s);
    m_problem->setWordWrap(true);
    m_problem->setTextFormat(Qt::PlainText);
    m_problem->setAccessibleName(tr("Sign-in message"));
    m_problem->setContentsMargins(10, 8, 10, 8);
    m_problem->setAutoFillBackground(true);
    m_problem->hide();

    m_status = new QLabel(tr("Signing in…"), this);
    m_status->setObjectName(u"signInStatus"_s);
    theme::setForeground(m_status, theme::mutedText(palette()));
    m_status->hide();

    m_buttons = new QDialogButtonBox(this);
    auto *signIn = m_buttons->addButton(tr("Sign in"), QDialogButtonBox::AcceptRole);
    signIn->setObjectName(u"signInButton"_s);
    signIn->setDefault(true);
    m_buttons->addButton(QDialogButtonBox::Cancel)->setIcon(QIcon());
    signIn->setIcon(QIcon());

    auto *privacy = new QLabel(tr("Your password is checked by the database server and never stored on this computer."), this);
    privacy->setWordWrap(true);
    theme::setForeground(privacy, theme::mutedText(palette()));
    theme::setRelativeFontSize(privacy, 0.9);
    // Says how the desk reaches the server (ADR 0025), so a counter PC set up without TLS shows it.
    auto *security = new QLabel(this);
    security->setObjectName(u"connectionSecurity"_s);
    security->setWordWrap(true);
    security->setTextFormat(Qt::PlainText);
    theme::setForeground(security, theme::mutedText(palette()));
    theme::setRelativeFontSize(security, 0.9);
    if (defaultServer.verifiesServer())
        security->setText(tr("Encrypted: the server must prove it is the shop's with a certificate signed by the shop's "
                             "authority (%1).")
                              .arg(defaultServer.sslRootCert.isEmpty() ? tr("libpq's default root.crt")
                                                                       : defaultServer.sslRootCert));
    else
        security->hide();
    connect(m_buttons, &QDialogButtonBox::accepted, this, &SignInDialog::submit);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(&m_session, &DeskSession::signInFinished, this, &SignInDialog::onFinished);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(28, 24, 28, 20);
    layout->setSpacing(6);
    layout->addWidget(brand);
    layout->addWidget(subtitle);
    layout->addSpacing(16);
    layout->addLayout(m_form);
    layout->addSpacing(8);
    layout->addWidget(m_problem);
    layout->addSpacing(4);
    layout->addWidget(privacy);
    layout->addWidget(security);
    layout->addSpacing(12);
    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_status);
    bottom->addWidget(m_buttons, 1);
    layout->addLayout(bottom);
    setMinimumWidth(460);

    QString server = defaultServer.toDisplayString();
    QString login;
    if (m_settings) {
        server = m_settings->value(QLatin1StringView(LastServerKey), server).toString();
        login = m_settings->value(QLatin1StringView(LastLoginKey)).toString();
    }
    m_server->setText(server);
    m_login->setText(login);
    showCodeRow(false);
    setTabOrder(m_server, m_login);
    setTabOrder(m_login, m_password);
    setTabOrder(m_password, m_code);
    (login.isEmpty() ? m_login : m_password)->setFocus();
}

void SignInDialog::prefill(const QString &login, const QString &password)
{
    m_login->setText(login);
    m_password->setText(password);
}

void SignInDialog::showCodeRow(bool visible)
{
    m_form->setRowVisible(m_code, visible);
    if (!visible)
        m_code->clear();
    adjustSize();
}

void SignInDialog::clearProblem()
{
    m_problem->hide();
    m_problem->clear();
}

void SignInDialog::showProblem(const SignInError &error)
{
    m_lastErrorKind = toString(error.kind);
    // A request for the code is a next step, not a failure: it is not shown in red.
    const bool hint = error.kind == SignInErrorKind::CodeRequired;
    QPalette p = palette();
    p.setColor(QPalette::Window, hint ? palette().color(QPalette::AlternateBase) : theme::errorBackground(palette()));
    p.setColor(QPalette::WindowText, hint ? palette().color(QPalette::WindowText) : theme::errorText(palette()));
    m_problem->setPalette(p);
    m_problem->setText(error.message);
    m_problem->show();

    // Send the person to the field that needs them.
    if (error.kind == SignInErrorKind::CodeRequired || error.kind == SignInErrorKind::CodeWrong
        || error.kind == SignInErrorKind::TooManyAttempts) {
        showCodeRow(true);
        m_code->selectAll();
        m_code->setFocus();
    } else if (error.field == u"server"_s) {
        m_server->setFocus();
    } else if (error.kind == SignInErrorKind::WrongCredentials || error.field == u"password"_s) {
        m_password->selectAll();
        m_password->setFocus();
    } else if (error.field == u"login"_s) {
        m_login->setFocus();
    }
    adjustSize();
}

void SignInDialog::submit()
{
    if (m_busy)
        return;
    clearProblem();
    SignInRequest request;
    const auto server = ServerAddress::parse(m_server->text(), m_defaultServer);
    if (!server) {
        showProblem({SignInErrorKind::InvalidInput,
                     tr("Enter the server as host:port/database, for example 127.0.0.1:5432/rdk."), u"server"_s});
        return;
    }
    request.server = *server;
    request.login = m_login->text();
    request.password = m_password->text();
    request.code = m_form->isRowVisible(m_code) ? m_code->text() : QString();

    m_pendingServer = request.server;
    setBusy(true);
    m_session.requestSignIn(request);
}

void SignInDialog::setBusy(bool busy)
{
    m_busy = busy;
    m_server->setEnabled(!busy);
    m_login->setEnabled(!busy);
    m_password->setEnabled(!busy);
    m_code->setEnabled(!busy);
    for (QAbstractButton *button : m_buttons->buttons()) {
        if (m_buttons->buttonRole(button) == QDialogButtonBox::AcceptRole)
            button->setEnabled(!busy);
    }
    m_status->setVisible(busy);
}

void SignInDialog::onFinished(const SignInResult &result)
{
    if (!m_busy)
        return;
    setBusy(false);
    if (!result) {
        if (result.error().kind != SignInErrorKind::CodeRequired && result.error().kind != SignInErrorKind::CodeWrong
            && result.error().kind != SignInErrorKind::TooManyAttempts)
            showCodeRow(false);
        showProblem(result.error());
        return;
    }
    m_lastErrorKind.clear();
    m_password->clear();
    m_code->clear();
    if (m_settings) {
        m_settings->setValue(QLatin1StringView(LastLoginKey), result.user().login);
        m_settings->setValue(QLatin1StringView(LastServerKey), m_pendingServer.toDisplayString());
        m_settings->sync();
    }
    accept();
}

} // namespace rdk
