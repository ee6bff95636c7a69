#pragma once

#include "domain/pos.h"
#include "domain/poscart.h"
#include "domain/posscan.h"
#include "domain/receipt.h"
#include "domain/staff.h"
#include "ui/common/uitaskrunner.h"
#include "ui/pos/posstorejobs.h"

#include <QDateTime>
#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>

namespace rdk {

class ItemPicker;
class OrderWatcher;

/// What the counter needs to know about the shop.
struct PosShop final {
    QString name;
    QString addressLine;                    ///< printed under the name on receipts (optional)
    QString currency = QStringLiteral("USD");
    QString timeZone = QStringLiteral("UTC");  ///< IANA id, for receipt times
    int linkMinutes = DefaultPosLinkMinutes;   ///< RDK_POS_LINK_MINUTES
};

/// One sale at the counter, without widgets: the cart and its rules, what a scan finds and the
/// list to pick from (ItemPicker), the phases of the sale (cart -> placing -> waiting for
/// payment -> paid or canceled), every PosStore call (on worker threads through UiTaskRunner,
/// each with a store of its own from `stores`), the order feed and retries with backoff
/// (OrderWatcher), the link's deadline, cash and the receipt. The panels of PosScreen show its
/// state and forward what staff do; it never touches a widget, so tests drive it alone.
/// An answer about a sale the counter has moved on from is ignored.
class SaleController final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SaleController)

public:
    enum class Phase {
        Cart,      ///< building the cart
        Placing,   ///< placeSale running
        Waiting,   ///< order pending: link being made, shown, or failed
        Paid,
        Canceled,
    };
    Q_ENUM(Phase)
    /// How a message to staff reads: information fades, problems stay.
    enum class Tone { Info, Warning, Error };
    Q_ENUM(Tone)

    /// `feed` is not owned and may be null (the controller then polls while a sale is open).
    SaleController(PosStoreFactory stores, OrderChangeFeed *feed, StaffRole role, PosShop shop,
                   QObject *parent = nullptr);
    ~SaleController() override;

    /// For tests and previews: what "now" is (default: the system clock, UTC).
    void setClock(std::function<QDateTime()> now);

    // Scanning and picking
    /// What Enter in the scan field does with `text` (an empty text takes the highlighted
    /// entry of the list, or answers "yes" to the open question).
    void submitScan(const QString &text);
    void moveHighlight(int step);     ///< skips sold-out entries
    void pick(int row);               ///< an entry of the list, as clicked
    void closePicker();

    // The cart (rows as the cart lists its lines); a refusal is told as a message.
    void increment(int row);
    void decrement(int row);
    /// True when the line was removed.
    bool remove(int row);
    Status applyLineDiscount(int row, const PosDiscount &discount, const QString &reason);
    Status applyCartDiscount(const PosDiscount &discount, const QString &reason);

    // The sale
    void charge();                       ///< places the sale: the order holds the stock
    /// Cash (any role, into their open drawer): charges first if needed, then asks for the
    /// cash (cashWanted). Refused with a message while the drawer is closed.
    void takeCash();
    /// The signed-in staff member's cash drawer is open (the counter's drawer strip knows):
    /// cash goes into it, so the counter offers cash only while it is (the database agrees).
    void setCashDrawerOpen(bool open);
    bool isCashDrawerOpen() const { return m_drawerOpen; }
    /// Why Cash is off right now; empty when it is on.
    QString cashRefusal() const;
    void recordCash(const Money &tendered);
    void retryPaymentLink();
    /// The buyer's e-mail for a cart holding a release's pairs (buyerEmailWanted asked for it):
    /// checked, kept for this sale, and the Charge (or Cash) that asked goes on. A refusal is a
    /// message and nothing moves.
    void provideBuyerEmail(const QString &email);
    /// The e-mail given for this sale (empty: none yet). A new sale or a cleared cart forgets it.
    const QString &buyerEmail() const { return m_buyerEmail; }
    /// The e-mail of this cart's last refused attempt, to offer again (empty: none).
    const QString &lastBuyerEmail() const { return m_lastBuyerEmail; }
    void requestCancel();                ///< asks first (question()): clear the cart or cancel the sale
    void confirmCancel();                ///< the "yes" to that question
    void dismissQuestion();              ///< the "no"
    void newSale();                      ///< once the sale is paid or canceled
    /// Follows an order placed elsewhere (an exchange's new sale) as if Charge had placed it:
    /// waiting for its link or cash, then paid or canceled. Only from an idle counter or the
    /// cart of that very exchange; false (with a message) otherwise.
    bool followOrder(const QString &orderId);

    Phase phase() const { return m_phase; }
    StaffRole role() const { return m_role; }
    const PosShop &shop() const { return m_shop; }
    const PosCart &cart() const { return m_cart; }
    const std::optional<PosOrderState> &order() const { return m_order; }
    const PickList &picker() const;
    /// The yes/no question staff must answer (empty: none).
    const QString &question() const { return m_question; }
    bool isCanceling() const { return m_cancelSent; }
    bool isRecordingCash() const { return m_recordingCash; }
    /// Why the sale was canceled, when the counter canceled it.
    const QString &cancelNote() const { return m_cancelNote; }
    /// Seconds until the waiting sale's link expires (negative once it has); none when no
    /// link deadline runs.
    std::optional<qint64> secondsLeft() const;
    /// The figures to show: the order's once a sale is open, else the cart's.
    Result<OrderTotals> totals() const;
    std::optional<Receipt> receipt() const;
    /// The receipt of a paid sale whose payment details are read; why not otherwise.
    Result<Receipt> paidReceipt() const;
    /// True once a paid sale's payment details are read: its receipt can be printed.
    bool hasReceipt() const;
    /// True while any store call runs.
    bool isBusy() const { return m_jobs.isBusy(); }

Q_SIGNALS:
    void cartChanged();
    /// The cart got (or merged into) line `row`.
    void lineAdded(int row);
    /// The phase, the order or what is running for it changed.
    void saleChanged();
    void pickerChanged();
    void highlightChanged(int row);
    void questionChanged();
    /// Time passed (every 250 ms and after each change of the sale): for the countdown.
    void ticked();
    void message(const QString &text, rdk::SaleController::Tone tone);
    void messageCleared();
    /// Ask staff for the cash received for `total` (ops/admin, sale waiting for payment).
    void cashWanted(const rdk::Money &total);
    void salePaid(const QString &orderId);
    /// The drawer opened or closed: Cash turns on or off.
    void cashDrawerChanged(bool open);
    /// Charge found a release's pairs in the cart and no buyer's e-mail: ask for it, then call
    /// provideBuyerEmail(). The database counts pairs per buyer by it, online and here.
    void buyerEmailWanted();

private:
    template <typename T>
    void runJob(std::function<Result<T>(PosStore &)> job, std::function<void(const Result<T> &)> done);

    void say(const QString &text, Tone tone) { Q_EMIT message(text, tone); }
    void setQuestion(const QString &question);
    void step(int row, Status (PosCart::*change)(qsizetype));
    /// Reads the shop's tax rates for the cart's display (the database computes the sale's).
    void refreshTaxSettings();
    Status applyDiscount(const PosDiscount &discount, const QString &reason, const std::function<Status()> &apply);

    void startSale(bool thenCash);
    void setPhase(Phase phase);
    void saleMoved();
    void applyOrder(const PosOrderState &state);
    void onCallFailed(const QString &what, const Error &error);
    void cancelNow(const QString &reason);
    void tick();

    PosStoreFactory m_stores;
    StaffRole m_role;
    PosShop m_shop;
    std::function<QDateTime()> m_now;
    UiTaskRunner m_jobs;

    PosCart m_cart;
    // Declared after the runner and the cart they use, so they are destroyed before them.
    std::unique_ptr<ItemPicker> m_items;        // scans -> cart lines
    std::unique_ptr<OrderWatcher> m_watcher;    // keeps the open order fresh
    QString m_question;
    Phase m_phase = Phase::Cart;
    int m_sale = 0;                       // bumps with every new sale: older answers are stale
    std::optional<PosOrderState> m_order;
    bool m_cancelSent = false;
    bool m_cashAfterPlacing = false;
    bool m_recordingCash = false;
    bool m_drawerOpen = false;   // closed until the drawer strip says otherwise
    QString m_buyerEmail;        // for a release's pairs; forgotten with the cart
    QString m_lastBuyerEmail;    // the one a refused attempt used
    bool m_buyerEmailThenCash = false;
    QString m_cancelNote;
    QDateTime m_cancelRetryAt;   // after a failed automatic cancel, when to try again
    QTimer m_tick;               // countdown and the deadline of the link
};

} // namespace rdk
