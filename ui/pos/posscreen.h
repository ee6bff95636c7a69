#pragma once

#include "domain/pos.h"
#include "domain/poscart.h"
#include "domain/receipt.h"
#include "domain/staff.h"
#include "ui/common/uitaskrunner.h"

#include <QDateTime>
#include <QPointer>
#include <QTimer>
#include <QWidget>

#include <functional>
#include <memory>
#include <optional>

class QFrame;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QTableView;

namespace rdk {

class CashTenderDialog;
class DiscountDialog;
class PosCartModel;
class QrCodeWidget;

/// Gives each worker thread a PosStore on a session of its own (the store's calls block).
using PosStoreFactory = std::function<Result<std::unique_ptr<PosStore>>()>;

/// What the counter needs to know about the shop.
struct PosShop final {
    QString name;
    QString addressLine;                    ///< printed under the name on receipts (optional)
    QString currency = QStringLiteral("USD");
    QString timeZone = QStringLiteral("UTC");  ///< IANA id, for receipt times
    int linkMinutes = DefaultPosLinkMinutes;   ///< RDK_POS_LINK_MINUTES
};

/// The point of sale: a keyboard-first counter screen. A barcode scanner types a SKU and Enter
/// into the scan field (which always keeps the focus); the cart, discounts (ops/admin), Charge
/// (F12, Ctrl+Enter) -> a pending order holding the stock -> a QR code of its Stripe Payment
/// Link -> PAID as soon as the order, re-read when the feed wakes the screen, says so ->
/// receipt (Ctrl+S PDF, Ctrl+P print). Cash (F9, ops/admin), cancel (Esc), new sale (F2). Every
/// store call runs on a worker thread with its own store from `stores`; the screen re-reads the
/// order whenever the feed says it moved (never taking a state from the feed), when the feed
/// reconnects and after a failed call, and ignores answers about a sale it no longer shows.
class PosScreen final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PosScreen)

public:
    enum class Phase {
        Cart,      ///< building the cart
        Placing,   ///< placeSale running
        Waiting,   ///< order pending: link being made, shown, or failed
        Paid,
        Canceled,
    };

    /// `feed` is not owned and may be null (the screen then polls while a sale is open).
    PosScreen(PosStoreFactory stores, OrderChangeFeed *feed, StaffRole role, PosShop shop, QWidget *parent = nullptr);
    ~PosScreen() override;

    /// For tests and previews: what "now" is (default: the system clock, UTC).
    void setClock(std::function<QDateTime()> now);

    // What the keys do; public so a controller or a test can drive the screen.
    /// What Enter in the scan field does with `text`.
    void submitScan(const QString &text);
    void charge();                       ///< F12, Ctrl+Enter
    void requestCancel();                ///< Esc: asks first (inline, no modal)
    void confirmCancel();                ///< the "Yes" of that question
    void retryPaymentLink();
    void openCashDialog();               ///< F9 (ops/admin)
    void openLineDiscountDialog();       ///< Ctrl+D on the selected line (ops/admin)
    void openCartDiscountDialog();       ///< Ctrl+Shift+D (ops/admin)
    Status applyLineDiscount(int row, const PosDiscount &discount, const QString &reason);
    Status applyCartDiscount(const PosDiscount &discount, const QString &reason);
    void incrementSelected();
    void decrementSelected();
    void removeSelected();
    void newSale();                      ///< F2, once the sale is paid or canceled
    /// Re-reads the open sale from the store.
    void refreshOrder();
    Status saveReceiptPdf(const QString &path) const;
    void saveReceiptInteractively();     ///< Ctrl+S
    void printReceipt();                 ///< Ctrl+P

    Phase phase() const { return m_phase; }
    const PosCart &cart() const { return m_cart; }
    const std::optional<PosOrderState> &order() const { return m_order; }
    std::optional<Receipt> receipt() const;
    int selectedRow() const;
    /// The big status line of the payment panel ("Waiting for payment", "PAID", ...).
    QString statusText() const;
    /// The last non-blocking message ("No product with SKU X.").
    QString messageText() const;
    /// True while any store call runs.
    bool isBusy() const { return m_jobs.isBusy(); }
    QLineEdit *scanField() const { return m_scan; }

Q_SIGNALS:
    void salePaid(const QString &orderId);
    void messageShown(const QString &text);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    enum class Tone { Info, Warning, Error };
    enum class PickerMode { None, Products, Sizes };
    struct Lookup;

    template <typename T>
    void runJob(std::function<Result<T>(PosStore &)> job, std::function<void(const Result<T> &)> done);

    /// One more or one less of the selected line (the cart refuses what stock can't cover).
    void stepSelected(Status (PosCart::*step)(qsizetype));

    void buildUi();
    QWidget *buildCartSide();
    QWidget *buildSalePanel();
    void bindKeys();
    void applyTheme();

    void lookUp(const ScanInput &scan);
    void onLookup(const Lookup &lookup);
    void offerProduct(const SellableProduct &product);
    void addToCart(const SellableProduct &product, const QString &size);
    void showProductPicker(const QList<SellableProduct> &products, const QString &heading);
    void showSizePicker(const SellableProduct &product);
    void closePicker();
    bool pickerTakesEnter(const QString &text);
    void pickCurrent();
    void movePicker(int step);
    void moveCartSelection(int step);
    void selectRow(int row);

    void startSale(bool thenCash);
    void applyOrder(const PosOrderState &state);
    void onCallFailed(const QString &what, const Error &error);
    void cancelNow(const QString &reason);
    void recordCash(const Money &tendered);
    void tick();
    void onOrderChanged(const QString &orderId);
    void onConnectionChanged(bool connected);

    void showMessage(const QString &text, Tone tone);
    void clearMessage();
    void refreshCart();
    void updateCartActions();
    void refreshSalePanel();
    void setStatus(const QString &text, Tone tone, bool paid = false);
    void focusScan();
    void returnFromDialog();
    void onEscape();
    void styleMessage();
    void styleStatus();

    PosStoreFactory m_stores;
    QPointer<OrderChangeFeed> m_feed;
    StaffRole m_role;
    PosShop m_shop;
    std::function<QDateTime()> m_now;
    UiTaskRunner m_jobs;

    PosCart m_cart;
    Phase m_phase = Phase::Cart;
    int m_sale = 0;                       // bumps with every new sale: older answers are stale
    QString m_orderId;
    std::optional<PosOrderState> m_order;
    int m_pendingLookups = 0;
    bool m_refreshRunning = false;
    bool m_refreshAgain = false;
    bool m_cancelSent = false;
    bool m_cashAfterPlacing = false;
    bool m_live = true;
    QString m_cancelNote;
    QDateTime m_cancelRetryAt;   // after a failed automatic cancel, when to try again
    int m_failures = 0;

    PickerMode m_pickerMode = PickerMode::None;
    QList<SellableProduct> m_pickerProducts;
    SellableProduct m_pickerProduct;

    QTimer m_tick;        // countdown and the deadline of the link
    QTimer m_poll;        // re-reads while the feed is down (or absent)
    QTimer m_retryTimer;  // re-reads after a failed call
    QTimer m_messageTimer;

    PosCartModel *m_model = nullptr;
    QLineEdit *m_scan = nullptr;
    QLabel *m_message = nullptr;
    QLabel *m_pickerHeading = nullptr;
    QListWidget *m_picker = nullptr;
    QTableView *m_table = nullptr;
    QPushButton *m_plus = nullptr;
    QPushButton *m_minus = nullptr;
    QPushButton *m_remove = nullptr;
    QPushButton *m_lineDiscount = nullptr;
    QPushButton *m_cartDiscount = nullptr;
    QLabel *m_subtotal = nullptr;
    QLabel *m_discount = nullptr;
    QLabel *m_total = nullptr;
    QPushButton *m_charge = nullptr;
    QPushButton *m_chargeCash = nullptr;

    QFrame *m_salePanel = nullptr;
    QLabel *m_idleHint = nullptr;
    QLabel *m_status = nullptr;
    QLabel *m_orderLabel = nullptr;
    QLabel *m_amount = nullptr;
    QrCodeWidget *m_qr = nullptr;
    QLabel *m_url = nullptr;
    QPushButton *m_copy = nullptr;
    QLabel *m_countdown = nullptr;
    QLabel *m_review = nullptr;
    QFrame *m_confirm = nullptr;
    QLabel *m_confirmText = nullptr;
    QPushButton *m_confirmYes = nullptr;
    QPushButton *m_confirmNo = nullptr;
    QPushButton *m_retryButton = nullptr;
    QPushButton *m_cash = nullptr;
    QPushButton *m_cancel = nullptr;
    QPushButton *m_pdf = nullptr;
    QPushButton *m_print = nullptr;
    QPushButton *m_newSale = nullptr;
    Tone m_statusTone = Tone::Info;
    Tone m_messageTone = Tone::Info;
    bool m_statusPaid = false;
    bool m_theming = false;
};

} // namespace rdk
