#pragma once

#include "ui/pos/returndialog.h"
#include "domain/drawer.h"
#include "ui/pos/salecontroller.h"
#include "ui/releases/buyeremaildialog.h"

#include <QPointer>
#include <QWidget>

#include <functional>
#include <memory>
#include <optional>

class QLineEdit;
class QPushButton;

namespace rdk {

class CartPanel;
class DrawerStrip;
class PaymentPanel;
class ScanPanel;

/// The point of sale: a keyboard-first counter screen. A barcode scanner types a SKU and Enter
/// into the scan field (which always keeps the focus); the cart, discounts (ops/admin), Charge
/// (F12, Ctrl+Enter) -> a pending order holding the stock -> a QR code of its Stripe Payment
/// Link -> PAID as soon as the order, re-read when the feed wakes the counter, says so ->
/// receipt (Ctrl+S PDF, Ctrl+P print). Cash (F9, ops/admin), cancel (Esc), new sale (F2).
///
/// A thin composition: the sale itself (phases, store calls, feed, retries, cart rules, cash)
/// is SaleController, which has no widgets; ScanPanel (scan field, messages, the list to pick
/// from), CartPanel and PaymentPanel show it and forward what staff do; the screen lays them
/// out and maps the keys.
class PosScreen final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PosScreen)

public:
    using Phase = SaleController::Phase;

    /// `feed` is not owned and may be null (the counter then polls while a sale is open).
    PosScreen(PosStoreFactory stores, OrderChangeFeed *feed, StaffRole role, PosShop shop, QWidget *parent = nullptr);
    ~PosScreen() override;

    /// For tests and previews: what "now" is (default: the system clock, UTC).
    void setClock(std::function<QDateTime()> now);
    /// Adds the cash drawer strip above the cart (F8 open / X report, Ctrl+F8 paid in/out,
    /// Shift+F8 close): Cash is offered only while the signed-in staff member's drawer is open.
    /// Without it the counter takes no cash.
    void attachDrawer(DrawerStoreFactory drawers);
    DrawerStrip *drawerStrip() const { return m_drawerStrip; }

    // What the keys do; public so a test or a preview can drive the screen.
    /// What Enter in the scan field does with `text`.
    void submitScan(const QString &text);
    void charge();                       ///< F12, Ctrl+Enter
    void confirmCancel();                ///< the "Yes" to "Cancel this sale?" / "Clear the cart?"
    Status applyLineDiscount(int row, const PosDiscount &discount, const QString &reason);
    Status applyCartDiscount(const PosDiscount &discount, const QString &reason);
    Status saveReceiptPdf(const QString &path) const;

    Phase phase() const { return m_sale->phase(); }
    const PosCart &cart() const { return m_sale->cart(); }
    const std::optional<PosOrderState> &order() const { return m_sale->order(); }
    std::optional<Receipt> receipt() const { return m_sale->receipt(); }
    /// The big status line of the payment panel ("Waiting for payment", "PAID", ...).
    QString statusText() const;
    /// The last non-blocking message ("No product with SKU X.").
    QString messageText() const;
    /// True while any store call runs.
    bool isBusy() const { return m_sale->isBusy(); }
    /// What signing out now would leave behind (a cart being built, an order waiting for
    /// payment), for the window's question; empty when the counter is idle.
    QString pendingWork() const;
    QLineEdit *scanField() const;
    /// The sale, for controls wired in from outside (the customer picker reads it).
    const SaleController &sale() const { return *m_sale; }
    /// Puts a control between the scan field and the cart (the desk adds the customer picker).
    void addCartControl(QWidget *control);

    /// Returns at the counter: F6 and a "Return…" button open a ReturnDialog on `stores`.
    /// Off until called (the composition root gives the store).
    void enableReturns(ReturnStoreFactory stores, StaffRole role);
    /// F6: opens the return dialog (or raises it when open).
    void openReturns();
    /// The return dialog while it is open, else null (tests, previews).
    ReturnDialog *returnDialog() const { return m_returnDialog; }

    /// Where the buyer's e-mail for a release's pairs is first taken from (the attached
    /// customer's, when the role may see it); empty when there is none.
    void setBuyerEmailSuggestion(std::function<QString()> suggest);
    /// The "Buyer's e-mail" question while it is open, else null (tests, previews).
    BuyerEmailDialog *buyerEmailDialog() const { return m_buyerEmailDialog; }

Q_SIGNALS:
    void salePaid(const QString &orderId);
    /// "E-mail receipt…" (Ctrl+M) on the paid sale: the composition root opens the dialog.
    void emailReceiptRequested(const QString &orderId, const QString &orderLabel);
    void messageShown(const QString &text);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    void buildUi();
    void bindKeys();
    void routeMessages();
    bool handleScanKey(const QKeyEvent &key);
    void moveUpDown(int step);
    void onEscape();
    void takeCash();
    void newSale();
    void focusScan();
    void returnFromDialog();
    void askBuyerEmail();

    std::unique_ptr<SaleController> m_sale;
    QWidget *m_cartSide = nullptr;        // the scan and cart panels, left
    ScanPanel *m_scanPanel = nullptr;
    CartPanel *m_cartPanel = nullptr;
    PaymentPanel *m_paymentPanel = nullptr;
    ReturnStoreFactory m_returns;
    StaffRole m_returnsRole = StaffRole::Staff;
    QPushButton *m_returnButton = nullptr;
    QPointer<ReturnDialog> m_returnDialog;
    DrawerStrip *m_drawerStrip = nullptr;
    std::function<QString()> m_buyerEmailSuggestion;
    QPointer<BuyerEmailDialog> m_buyerEmailDialog;
};

} // namespace rdk
