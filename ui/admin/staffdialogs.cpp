#include "ui/admin/staffdialogs.h"

#include "ui/qrcodewidget.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

QLineEdit *passwordField(QWidget *parent, const QString &name, const QString &accessible)
{
    auto *edit = new QLineEdit(parent);
    edit->setObjectName(name);
    edit->setEchoMode(QLineEdit::Password);
    edit->setAccessibleName(accessible);
    edit->setMaxLength(128);
    return edit;
}

QComboBox *roleCombo(QWidget *parent, StaffRole current)
{
    auto *combo = new QComboBox(parent);
    combo->setObjectName(u"role"_s);
    combo->setAccessibleName(QObject::tr("Role"));
    for (StaffRole role : {StaffRole::Staff, StaffRole::Ops, StaffRole::Admin})
        combo->addItem(displayName(role), toString(role));
    combo->setCurrentIndex(combo->findData(toString(current)));
    return combo;
}

StaffRole roleOf(const QComboBox *combo)
{
    return staffRoleFromString(combo->currentData().toString()).value_or(StaffRole::Staff);
}

Status checkRepeat(const QLineEdit *password, const QLineEdit *repeat)
{
    if (password->text() != repeat->text())
        return Error::invalid(QObject::tr("The two passwords are not the same."), u"repeat"_s);
    return {};
}

} // namespace

QLabel *makeDialogErrorLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(u"error"_s);
    label->setWordWrap(true);
    label->setAccessibleName(QObject::tr("Error"));
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // The theme's own "negative" colour is not in QPalette; bold keeps it visible in both
    // light and dark palettes without hard-coding a red that may clash.
    QFont font = label->font();
    font.setBold(true);
    label->setFont(font);
    label->hide();
    return label;
}

// ---------------------------------------------------------------------------------------

StaffSubmitDialog::StaffSubmitDialog(const QString &okText, QWidget *parent)
    : QDialog(parent), m_okText(okText), m_error(makeDialogErrorLabel(this))
{
}

void StaffSubmitDialog::addErrorAndButtons(QBoxLayout *layout)
{
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    m_ok->setText(m_okText);
    m_ok->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
}

void StaffSubmitDialog::beginSubmit()
{
    m_submitting = true;
    showError(QString());
    m_ok->setEnabled(false);
    m_ok->setText(tr("Saving…"));
    setCursor(Qt::BusyCursor);
}

void StaffSubmitDialog::finishSubmit(const Status &status)
{
    m_submitting = false;
    m_ok->setEnabled(true);
    m_ok->setText(m_okText);
    unsetCursor();
    if (status) {
        QDialog::accept();
        return;
    }
    showError(status.error().message);
    focusAfterError(status.error());
}

QString StaffSubmitDialog::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void StaffSubmitDialog::showError(const QString &message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

void StaffSubmitDialog::focusAfterError(const Error &) {}

// ---------------------------------------------------------------------------------------

StaffAccountDialog::StaffAccountDialog(QWidget *parent)
    : StaffSubmitDialog(tr("Create account"), parent), m_login(new QLineEdit(this)), m_displayName(new QLineEdit(this)),
      m_role(roleCombo(this, StaffRole::Staff)),
      m_password(passwordField(this, u"password"_s, tr("Password"))),
      m_repeat(passwordField(this, u"repeat"_s, tr("Repeat password")))
{
    setWindowTitle(tr("New staff account"));
    m_login->setObjectName(u"login"_s);
    m_login->setAccessibleName(tr("Login"));
    m_login->setPlaceholderText(tr("e.g. jordan_k"));
    m_login->setToolTip(tr("3 to 31 lowercase letters, digits or underscores, starting with a letter. "
                           "It is also the person's database login."));
    m_displayName->setObjectName(u"displayName"_s);
    m_displayName->setAccessibleName(tr("Display name"));
    m_displayName->setMaxLength(120);
    m_password->setToolTip(tr("At least 12 characters. It is sent to the server only as a SCRAM hash."));

    auto *form = new QFormLayout;
    form->addRow(tr("&Login:"), m_login);
    form->addRow(tr("&Name:"), m_displayName);
    form->addRow(tr("&Role:"), m_role);
    form->addRow(tr("&Password:"), m_password);
    form->addRow(tr("Re&peat:"), m_repeat);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    addErrorAndButtons(layout);
}

void StaffAccountDialog::accept()
{
    if (isSubmitting())
        return;
    const NewStaffAccount account{m_login->text(), m_displayName->text(), roleOf(m_role), m_password->text()};
    if (Status same = checkRepeat(m_password, m_repeat); !same) {
        showError(same.error().message);
        focusAfterError(same.error());
        return;
    }
    auto valid = validateNewStaffAccount(account);
    if (!valid) {
        showError(valid.error().message);
        focusAfterError(valid.error());
        return;
    }
    beginSubmit();
    Q_EMIT submitted(*valid);
}

void StaffAccountDialog::focusAfterError(const Error &error)
{
    QWidget *focus = error.field == u"login"_s ? m_login
                     : error.field == u"displayName"_s ? m_displayName
                     : error.field == u"password"_s ? m_password
                     : error.field == u"repeat"_s ? m_repeat : nullptr;
    if (focus)
        focus->setFocus();
}

// ---------------------------------------------------------------------------------------

PasswordResetDialog::PasswordResetDialog(const QString &login, QWidget *parent)
    : StaffSubmitDialog(tr("Reset password"), parent), m_login(login),
      m_password(passwordField(this, u"password"_s, tr("New password"))),
      m_repeat(passwordField(this, u"repeat"_s, tr("Repeat new password")))
{
    setWindowTitle(tr("Reset password of %1").arg(login));
    auto *intro = new QLabel(tr("The old password stops working at once. Give the new one to %1 in person.").arg(login), this);
    intro->setWordWrap(true);
    auto *form = new QFormLayout;
    form->addRow(tr("&New password:"), m_password);
    form->addRow(tr("Re&peat:"), m_repeat);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    addErrorAndButtons(layout);
}

void PasswordResetDialog::accept()
{
    if (isSubmitting())
        return;
    Status status = checkRepeat(m_password, m_repeat);
    if (status)
        status = validatePassword(m_password->text(), m_login);
    if (!status) {
        showError(status.error().message);
        focusAfterError(status.error());
        return;
    }
    beginSubmit();
    Q_EMIT submitted(m_password->text());
}

void PasswordResetDialog::focusAfterError(const Error &)
{
    m_password->setFocus();
}

// ---------------------------------------------------------------------------------------

RoleDialog::RoleDialog(const QString &login, StaffRole current, QWidget *parent)
    : StaffSubmitDialog(tr("Change role"), parent), m_role(roleCombo(this, current))
{
    setWindowTitle(tr("Change role of %1").arg(login));
    auto *help = new QLabel(tr("Staff: catalog, point of sale, orders. Operations: also edit the catalog. "
                               "Administrator: also staff accounts and the audit log."),
                            this);
    help->setWordWrap(true);
    auto *form = new QFormLayout;
    form->addRow(tr("&Role:"), m_role);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(help);
    layout->addLayout(form);
    addErrorAndButtons(layout);
}

void RoleDialog::accept()
{
    if (isSubmitting())
        return;
    beginSubmit();
    Q_EMIT submitted(roleOf(m_role));
}

// ---------------------------------------------------------------------------------------

TotpEnrolmentDialog::TotpEnrolmentDialog(const TotpEnrolment &enrolment, QWidget *parent)
    : StaffSubmitDialog(tr("Confirm"), parent), m_qr(new QrCodeWidget(this)), m_code(new QLineEdit(this))
{
    setWindowTitle(tr("Two-factor sign-in for %1").arg(enrolment.login));
    auto *steps = new QLabel(tr("1. On %1's phone, open an authenticator app and scan this code.\n"
                                "2. Type the six-digit code the app shows.")
                                 .arg(enrolment.login),
                             this);
    steps->setWordWrap(true);
    m_qr->setObjectName(u"qrCode"_s);
    m_qr->setText(enrolment.uri);
    m_qr->setAccessibleName(tr("QR code for the authenticator app"));
    m_qr->setMinimumSize(220, 220);

    // Grouped by four so it can be read out and typed in by hand when scanning fails.
    QString grouped;
    for (qsizetype i = 0; i < enrolment.secretBase32.size(); i += 4)
        grouped += enrolment.secretBase32.mid(i, 4) + u' ';
    auto *secret = new QLabel(grouped.trimmed(), this);
    secret->setObjectName(u"secret"_s);
    secret->setAccessibleName(tr("Secret key"));
    secret->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    secret->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));

    m_code->setObjectName(u"code"_s);
    m_code->setAccessibleName(tr("Six-digit code"));
    m_code->setPlaceholderText(u"123456"_s);
    m_code->setMaxLength(7);
    m_code->setInputMethodHints(Qt::ImhDigitsOnly);

    auto *form = new QFormLayout;
    form->addRow(tr("Key (if the code can't be scanned):"), secret);
    form->addRow(tr("&Code:"), m_code);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(steps);
    layout->addWidget(m_qr, 1, Qt::AlignHCenter);
    layout->addLayout(form);
    addErrorAndButtons(layout);
    m_code->setFocus();
}

void TotpEnrolmentDialog::accept()
{
    if (isSubmitting())
        return;
    auto code = normaliseTotpCode(m_code->text());
    if (!code) {
        showError(code.error().message);
        focusAfterError(code.error());
        return;
    }
    beginSubmit();
    Q_EMIT submitted(*code);
}

void TotpEnrolmentDialog::focusAfterError(const Error &)
{
    m_code->selectAll();
    m_code->setFocus();
}

} // namespace rdk
