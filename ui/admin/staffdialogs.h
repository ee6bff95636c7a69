#pragma once

#include "domain/staffadmin.h"

#include <QDialog>

class QBoxLayout;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace rdk {

class QrCodeWidget;

/// A line under the fields that says what went wrong, read out by screen readers.
QLabel *makeDialogErrorLabel(QWidget *parent);

/// What the staff dialogs share. OK checks the entry here, then hands it to the screen (each
/// dialog's submitted() signal), which sends it to the database off the UI thread and answers
/// with finishSubmit(). Meanwhile OK reads "Saving…" and is disabled. An error from the
/// database stays in the dialog so the admin can fix the entry; success closes it. Closing the
/// dialog while it waits loses nothing: the change goes on, and the screen shows its outcome.
class StaffSubmitDialog : public QDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StaffSubmitDialog)

public:
    bool isSubmitting() const { return m_submitting; }
    /// The answer to the entry sent with OK: success closes the dialog, an error is shown in it.
    void finishSubmit(const Status &status);
    /// The error line as shown, empty when hidden.
    QString errorText() const;

protected:
    StaffSubmitDialog(const QString &okText, QWidget *parent);
    /// Ends the derived constructor: the error line and OK/Cancel under the fields (made last,
    /// so they come last in the tab order and the first field gets the focus).
    void addErrorAndButtons(QBoxLayout *layout);
    /// From accept(), once the entry passed the checks that need no database.
    void beginSubmit();
    void showError(const QString &message);
    /// Where the cursor goes after an error, so the admin can fix the entry (default: stays).
    virtual void focusAfterError(const Error &error);

private:
    QString m_okText;
    QLabel *m_error;
    QPushButton *m_ok = nullptr;
    bool m_submitting = false;
};

/// New staff account: login, name, role, password twice.
class StaffAccountDialog final : public StaffSubmitDialog {
    Q_OBJECT
public:
    explicit StaffAccountDialog(QWidget *parent = nullptr);
    void accept() override;

Q_SIGNALS:
    /// A checked account (login normalised) to create.
    void submitted(const rdk::NewStaffAccount &account);

private:
    void focusAfterError(const Error &error) override;

    QLineEdit *m_login;
    QLineEdit *m_displayName;
    QComboBox *m_role;
    QLineEdit *m_password;
    QLineEdit *m_repeat;
};

/// A new password, typed twice, for `login`.
class PasswordResetDialog final : public StaffSubmitDialog {
    Q_OBJECT
public:
    PasswordResetDialog(const QString &login, QWidget *parent = nullptr);
    void accept() override;

Q_SIGNALS:
    void submitted(const QString &password);

private:
    void focusAfterError(const Error &error) override;

    QString m_login;
    QLineEdit *m_password;
    QLineEdit *m_repeat;
};

/// Picks the new role of `login`.
class RoleDialog final : public StaffSubmitDialog {
    Q_OBJECT
public:
    RoleDialog(const QString &login, StaffRole current, QWidget *parent = nullptr);
    void accept() override;

Q_SIGNALS:
    void submitted(rdk::StaffRole role);

private:
    QComboBox *m_role;
};

/// Shows the enrolment QR code and secret; the person scans it and types the first code,
/// which the database checks. Wrong codes keep the dialog open.
class TotpEnrolmentDialog final : public StaffSubmitDialog {
    Q_OBJECT
public:
    TotpEnrolmentDialog(const TotpEnrolment &enrolment, QWidget *parent = nullptr);
    void accept() override;
    QrCodeWidget *qrCode() const { return m_qr; }

Q_SIGNALS:
    /// The six digits, spaces removed.
    void submitted(const QString &code);

private:
    void focusAfterError(const Error &error) override;

    QrCodeWidget *m_qr;
    QLineEdit *m_code;
};

} // namespace rdk
