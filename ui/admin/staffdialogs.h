#pragma once

#include "domain/staffadmin.h"

#include <QDialog>

#include <functional>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace rdk {

class QrCodeWidget;

/// A line under the fields that says what went wrong, read out by screen readers.
QLabel *makeDialogErrorLabel(QWidget *parent);

/// New staff account: login, name, role, password twice. OK runs `submit`; an error from it
/// (login taken, not allowed...) stays in the dialog so the admin can fix the entry.
class StaffAccountDialog final : public QDialog {
    Q_OBJECT
public:
    using Submit = std::function<Status(const NewStaffAccount &)>;
    explicit StaffAccountDialog(Submit submit, QWidget *parent = nullptr);
    void accept() override;

private:
    Submit m_submit;
    QLineEdit *m_login;
    QLineEdit *m_displayName;
    QComboBox *m_role;
    QLineEdit *m_password;
    QLineEdit *m_repeat;
    QLabel *m_error;
};

/// A new password, typed twice, for `login`.
class PasswordResetDialog final : public QDialog {
    Q_OBJECT
public:
    using Submit = std::function<Status(const QString &password)>;
    PasswordResetDialog(const QString &login, Submit submit, QWidget *parent = nullptr);
    void accept() override;

private:
    QString m_login;
    Submit m_submit;
    QLineEdit *m_password;
    QLineEdit *m_repeat;
    QLabel *m_error;
};

/// Picks the new role of `login`.
class RoleDialog final : public QDialog {
    Q_OBJECT
public:
    using Submit = std::function<Status(StaffRole role)>;
    RoleDialog(const QString &login, StaffRole current, Submit submit, QWidget *parent = nullptr);
    void accept() override;

private:
    Submit m_submit;
    QComboBox *m_role;
    QLabel *m_error;
};

/// Shows the enrolment QR code and secret; the person scans it and types the first code,
/// which `submit` checks (in the database). Wrong codes keep the dialog open.
class TotpEnrolmentDialog final : public QDialog {
    Q_OBJECT
public:
    using Submit = std::function<Status(const QString &code)>;
    TotpEnrolmentDialog(const TotpEnrolment &enrolment, Submit submit, QWidget *parent = nullptr);
    void accept() override;
    QrCodeWidget *qrCode() const { return m_qr; }

private:
    Submit m_submit;
    QrCodeWidget *m_qr;
    QLineEdit *m_code;
    QLabel *m_error;
};

} // namespace rdk
