#pragma once

#include "domain/returns.h"
#include "domain/staff.h"

#include <QDateTime>
#include <QDialog>

#include <functional>
#include <memory>
#include <optional>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace rdk {

class UiTaskRunner;

using ReturnStoreFactory = std::function<Result<std::unique_ptr<ReturnStore>>()>;

/// Return at the counter (F6): scan the receipt's barcode (a Code 128 of "RDK-1001") or type
/// the order number, choose how many pairs of each line come back and whether each goes back on
/// the shelf or is damaged, give a reason, and see the refund before confirming (Ctrl+Enter).
/// The refund shown is domain/returns' preview; the database computes the real one and refunds
/// to the original method (card: through rdk-sync; cash: now). A cashier sees why a return
/// needs a manager (the shop's window and limit) on the disabled Refund button. Every store
/// call runs off the UI thread.
class ReturnDialog final : public QDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReturnDialog)

public:
    ReturnDialog(ReturnStoreFactory stores, StaffRole role, QWidget *parent = nullptr);
    ~ReturnDialog() override;

    /// For tests and previews: what "now" is (default: the system clock).
    void setClock(std::function<QDateTime()> now);

    /// What Enter in the scan field does: look the order up.
    void lookUp(const QString &text);
    /// Pairs of table row `row` to return, and whether they go back on the shelf.
    void setLine(int row, int quantity, bool restock);
    /// Ctrl+Enter / the Refund button.
    void confirm();

    /// The new items of an exchange (the counter's cart) and what they come to; empty items
    /// leave only the return. `refusal`, when set, says why the cart can't be exchanged for
    /// (e.g. it has discounts) and disables Exchange with it.
    void setExchangeCart(QList<ExchangeItem> items, std::optional<Money> total, int linkMinutes, QString refusal = {});
    /// Ctrl+E / the Exchange button: return + new sale in one step.
    void confirmExchange();
    bool canExchange() const;
    QString exchangeToolTip() const;
    QString exchangeText() const;

    const std::optional<ReturnableOrder> &order() const { return m_order; }
    /// The refund the current choice would give (minor units), or nullopt when it is refused.
    std::optional<qint64> previewRefund() const { return m_preview; }
    QString refundText() const;
    QString noticeText() const;
    bool canConfirm() const;
    QString confirmToolTip() const;
    bool isBusy() const;
    QLineEdit *scanField() const { return m_scan; }
    QTableWidget *table() const { return m_table; }

Q_SIGNALS:
    /// A return went through (after the store answered).
    void returned(const rdk::ReturnReceipt &receipt);
    /// An exchange went through; the counter follows its new sale.
    void exchanged(const rdk::ExchangeResult &result);
    /// Every store call asked for has answered.
    void idle();

private:
    void buildUi();
    void showOrder(const ReturnableOrder &order);
    void recompute();
    QList<ReturnLineRequest> chosenLines() const;
    void setNotice(const QString &text, bool error);

    ReturnStoreFactory m_stores;
    StaffRole m_role;
    std::function<QDateTime()> m_now;
    UiTaskRunner *m_runner = nullptr;
    std::optional<ReturnableOrder> m_order;
    std::optional<ReturnPolicy> m_policy;
    std::optional<qint64> m_preview;
    QString m_blockReason;
    bool m_refusalShown = false;  ///< the notice line shows m_blockReason

    QLineEdit *m_scan = nullptr;
    QLabel *m_header = nullptr;
    QTableWidget *m_table = nullptr;
    QLineEdit *m_reason = nullptr;
    QLabel *m_refund = nullptr;
    QLabel *m_notice = nullptr;
    QPushButton *m_confirm = nullptr;
    QLabel *m_exchangeLabel = nullptr;
    QPushButton *m_exchange = nullptr;
    QList<ExchangeItem> m_newItems;
    std::optional<Money> m_newTotal;
    int m_linkMinutes = DefaultPosLinkMinutes;
    QString m_exchangeRefusal;
    QString m_exchangeBlock;
};

} // namespace rdk
