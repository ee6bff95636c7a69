#pragma once

#include "ui/pos/salecontroller.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QTableView;

namespace rdk {

class PosCartModel;

/// The cart of the counter: its lines, the buttons for the selected line and the discounts
/// (ops/admin), the totals, Charge and Cash. Shows SaleController's cart (the order's figures
/// once a sale is open) and forwards what staff do; the selected line is its own business.
class CartPanel final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CartPanel)

public:
    explicit CartPanel(SaleController &sale, QWidget *parent = nullptr);

    /// The selected line, -1 when none.
    int selectedRow() const;
    void selectRow(int row);
    /// ↑/↓ in the cart: `step` lines down (negative: up), within the cart.
    void moveSelection(int step);

    void incrementSelected();
    void decrementSelected();
    void removeSelected();
    void openLineDiscountDialog();   ///< on the selected line (ops/admin)
    void openCartDiscountDialog();   ///< ops/admin
    Status applyLineDiscount(int row, const PosDiscount &discount, const QString &reason);

Q_SIGNALS:
    void message(const QString &text, rdk::SaleController::Tone tone);
    /// A dialog of the panel closed: the counter's keys belong to the screen again.
    void dialogClosed();

private:
    QLayout *buildLineButtons();
    QLayout *buildTotals();
    QLayout *buildChargeButtons();
    void refresh();
    void updateActions();

    SaleController &m_sale;
    PosCartModel *m_model = nullptr;
    QTableView *m_table = nullptr;
    QPushButton *m_plus = nullptr;
    QPushButton *m_minus = nullptr;
    QPushButton *m_remove = nullptr;
    QPushButton *m_lineDiscount = nullptr;
    QPushButton *m_cartDiscount = nullptr;
    QLabel *m_subtotal = nullptr;
    QLabel *m_discount = nullptr;
    QLabel *m_taxLabel = nullptr;   ///< "Tax (NY 8.875 %)", one line per rate; hidden without rates
    QLabel *m_tax = nullptr;
    QLabel *m_total = nullptr;
    QPushButton *m_charge = nullptr;
    QPushButton *m_chargeCash = nullptr;
};

} // namespace rdk
