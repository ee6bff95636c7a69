#pragma once

#include <QDialog>

class QLabel;
class QLineEdit;
class QPushButton;

namespace rdk {

/// The counter asks for the buyer's e-mail when the cart holds pairs of a release (issue 15):
/// the database counts pairs per buyer by it, online and at the counter together, and refuses a
/// sale beyond the release's limit. Pre-filled with the attached customer's address when the
/// signed-in role may see it (or the address of the last refused try). Enter (Charge) accepts
/// once the text looks like an address; Esc goes back to the cart.
class BuyerEmailDialog final : public QDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BuyerEmailDialog)

public:
    explicit BuyerEmailDialog(const QString &suggestion, QWidget *parent = nullptr);

    /// What was typed, trimmed.
    QString email() const;
    QLineEdit *field() const { return m_email; }
    QString messageText() const;

public Q_SLOTS:
    void accept() override;

private:
    QLineEdit *m_email = nullptr;
    QLabel *m_message = nullptr;
    QPushButton *m_charge = nullptr;
};

} // namespace rdk
