#pragma once

#include "domain/orderlist.h"

#include <QDialog>

#include <optional>

class QLabel;
class QLineEdit;
class QRadioButton;
class QSpinBox;
class QTableWidget;

namespace rdk {

/// Mark shipped: carrier and tracking number, both required (1..100 characters). OK only
/// closes the dialog when both pass validateShipment(); otherwise the reason shows inline.
class ShipOrderDialog final : public QDialog {
    Q_OBJECT
public:
    explicit ShipOrderDialog(const QString &orderLabel, QWidget *parent = nullptr);
    QLineEdit *carrierEdit() const { return m_carrier; }
    QLineEdit *trackingEdit() const { return m_tracking; }
    /// Set once the dialog was accepted.
    std::optional<Shipment> shipment() const { return m_result; }
    QString errorText() const;

public Q_SLOTS:
    void accept() override;

private:
    QLineEdit *m_carrier;
    QLineEdit *m_tracking;
    QLabel *m_error;
    std::optional<Shipment> m_result;
};

/// Cancel a pending order: a reason is required (it lands in the audit log).
class CancelOrderDialog final : public QDialog {
    Q_OBJECT
public:
    explicit CancelOrderDialog(const QString &orderLabel, QWidget *parent = nullptr);
    QLineEdit *reasonEdit() const { return m_reason; }
    std::optional<QString> reason() const { return m_result; }
    QString errorText() const;

public Q_SLOTS:
    void accept() override;

private:
    QLineEdit *m_reason;
    QLabel *m_error;
    std::optional<QString> m_result;
};

/// Refund: everything left or a typed amount (Money::parse in the order's currency, at most
/// what is left), units to put back on the shelf per line, and a reason.
class RefundOrderDialog final : public QDialog {
    Q_OBJECT
public:
    explicit RefundOrderDialog(const OrderDetail &order, QWidget *parent = nullptr);
    QRadioButton *fullButton() const { return m_full; }
    QRadioButton *partialButton() const { return m_partial; }
    QLineEdit *amountEdit() const { return m_amount; }
    QLineEdit *reasonEdit() const { return m_reason; }
    /// The "back to stock" spin box of line `row` (order of the order's lines).
    QSpinBox *restockBox(int row) const;
    std::optional<RefundRequest> request() const { return m_result; }
    QString errorText() const;
    RefundForm form() const;

public Q_SLOTS:
    void accept() override;

private:
    OrderDetail m_order;
    QRadioButton *m_full;
    QRadioButton *m_partial;
    QLineEdit *m_amount;
    QTableWidget *m_lines;
    QLineEdit *m_reason;
    QLabel *m_error;
    std::optional<RefundRequest> m_result;
};

} // namespace rdk
