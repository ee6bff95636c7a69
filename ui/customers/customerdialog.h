#pragma once

#include "domain/customer.h"

#include <QDialog>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace rdk {

/// New customer or edit: name, e-mail, phone, marketing consent. The rules of domain/customer
/// are checked as the person types (the field at fault is named under the form); Save emits
/// submitted() with the draft, and whoever opened the dialog saves it off the UI thread, then
/// closes it (accept()) or keeps it open with the database's sentence (showError()).
///
/// Plain staff editing a customer who already has an e-mail or phone see them masked in
/// read-only fields that say why: only ops or admin staff change them (the database refuses it
/// too). They may still add one the customer has not got.
class CustomerDialog final : public QDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CustomerDialog)

public:
    /// `existing`: the customer to edit, or nullptr for a new one. `prefill`: text to start a new
    /// customer's name, e-mail or phone with (what was searched for at the counter).
    CustomerDialog(StaffRole role, const Customer *existing, const QString &prefill = {}, QWidget *parent = nullptr);

    /// The form as a draft (unchecked: validateCustomerDraft() says what is wrong).
    CustomerDraft draft() const;
    /// Shows a refusal and re-enables the form.
    void showError(const QString &message, const QString &field = {});
    /// While the save runs: the form is read-only and says so.
    void setBusy(bool busy);
    QString errorText() const;

    QLineEdit *nameEdit() const { return m_name; }
    QLineEdit *emailEdit() const { return m_email; }
    QLineEdit *phoneEdit() const { return m_phone; }
    QCheckBox *consentBox() const { return m_consent; }

Q_SIGNALS:
    /// Save was pressed and the form passed the checks.
    void submitted(const rdk::CustomerDraft &draft);

private:
    void check();
    void trySubmit();

    Customer m_existing;
    bool m_editing = false;
    bool m_lockEmail = false;
    bool m_lockPhone = false;
    bool m_busy = false;
    QLineEdit *m_name;
    QLineEdit *m_email;
    QLineEdit *m_phone;
    QCheckBox *m_consent;
    QLabel *m_error;
    QDialogButtonBox *m_buttons;
};

} // namespace rdk
