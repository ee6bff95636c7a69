#pragma once

#include "domain/money.h"
#include "domain/poscart.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace rdk {

/// Asks for a discount (amount or percent) and its reason. Checks what it can on its own;
/// the cart decides whether the discount fits the line or the cart.
class DiscountDialog final : public QDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DiscountDialog)

public:
    /// `target` names what the discount applies to ("Dunk Low Retro Panda size 10", "the whole cart").
    DiscountDialog(const QString &target, const QString &currency, const QString &reason, QWidget *parent = nullptr);

    PosDiscount discount() const { return m_discount; }
    QString reason() const;
    /// Shows a refusal from the cart without closing.
    void showError(const QString &message);

    QLineEdit *valueEdit() const { return m_value; }
    QLineEdit *reasonEdit() const { return m_reason; }
    QComboBox *kindBox() const { return m_kind; }

Q_SIGNALS:
    /// OK pressed with a well-formed discount and reason; the receiver closes the dialog with
    /// accept() when the cart takes it, or calls showError().
    void discountChosen(const rdk::PosDiscount &discount, const QString &reason);

private:
    void validate();
    void submit();

    QString m_currency;
    PosDiscount m_discount;
    QComboBox *m_kind = nullptr;
    QLineEdit *m_value = nullptr;
    QLineEdit *m_reason = nullptr;
    QLabel *m_error = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

/// Cash at the counter: the amount received, the change to give, refusing less than the total,
/// garbage, negative and absurd amounts (checkCashTendered).
class CashTenderDialog final : public QDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CashTenderDialog)

public:
    CashTenderDialog(const Money &total, QWidget *parent = nullptr);

    /// Valid after accept().
    Money tendered() const { return m_tendered; }
    QLineEdit *amountEdit() const { return m_amount; }
    QString changeText() const;
    QString errorText() const;
    bool canAccept() const;

private:
    void validate();

    Money m_total;
    Money m_tendered;
    QLineEdit *m_amount = nullptr;
    QLabel *m_change = nullptr;
    QLabel *m_error = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace rdk
