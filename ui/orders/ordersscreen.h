#pragma once

#include "domain/orderlist.h"
#include "domain/pos.h"
#include "domain/result.h"
#include "ui/orders/orderbookrunner.h"

#include <QPointer>
#include <QSet>
#include <QWidget>

#include <atomic>
#include <memory>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSplitter;
class QTableView;
class QTableWidget;
class QTimer;

namespace rdk {

class OrderTableModel;

/// The order back office: filters (status, channel, shop days, order number or email,
/// needs review), a list that loads as you scroll, totals of everything the filters match,
/// the selected order's detail with its timeline, the actions the role may take on it,
/// and an export of the filtered orders to CSV. Every OrderBook call runs off the UI thread
/// (OrderBookRunner); `feed`, when given, reloads orders on screen as they change.
class OrdersScreen final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OrdersScreen)

public:
    OrdersScreen(OrderBookFactory factory, StaffRole role, OrderChangeFeed *feed = nullptr, QWidget *parent = nullptr,
                 int pageSize = 100);
    ~OrdersScreen() override;

    OrderTableModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    OrderBookRunner *runner() const { return m_runner; }
    /// The filters as the controls describe them.
    OrderQuery queryFromControls() const;
    /// Banner text (errors, export result), empty when hidden.
    QString message() const;
    QString totalsText() const;
    /// The order the detail panel shows (empty: none).
    const std::optional<OrderDetail> &shownDetail() const { return m_detail; }
    QString detailText() const;
    QStringList timelineTexts() const;
    /// The shop's name and its address as the receipt prints it: the packing slip's header
    /// when the shop's settings hold no address.
    void setShop(const QString &name, const QString &address);
    bool emailColumnShown() const;

    /// Selects the order's row (if loaded) and shows its detail.
    void selectOrder(const QString &orderId);
    /// Writes every order the filters match to `path`, off the UI thread; exportFinished()
    /// reports. Nothing is left at `path` on failure or cancel.
    void startExport(const QString &path);
    void cancelExport();

public Q_SLOTS:
    void applyFilters();
    void clearFilters();
    void refresh();
    void exportWithDialog();
    /// Actions on the shown order (the buttons open dialogs and end here).
    void markShipped(const QString &carrier, const QString &trackingNumber);
    void markFulfilled();
    void markReadyForPickup();
    void cancelOrder(const QString &reason);
    void requestRefund(const rdk::RefundRequest &request);
    /// Writes the shown order's packing slip (PDF) to `path`; the banner says how it went.
    Status writePackingSlip(const QString &path);
    void packingSlipWithDialog();

Q_SIGNALS:
    /// "Print receipt…": the lead connects it to the point of sale's receipt printer.
    void receiptRequested(const QString &orderId);
    /// "E-mail receipt…" on a paid counter sale (the composition root opens the dialog).
    void emailReceiptRequested(const QString &orderId, const QString &orderLabel);
    void exportFinished(bool ok, const QString &message);
    /// The detail panel shows a freshly loaded order.
    void detailShown(const QString &orderId);
    /// An action finished (ok or not; message() has the outcome).
    void actionFinished(bool ok);

protected:
    void showEvent(QShowEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void buildFilters();
    void buildColumnMenu();
    /// Gives the list the width its visible columns need, the rest to the order's detail.
    void fitSplitter();
    void buildDetail();
    void connectSignals(OrderChangeFeed *feed);
    void loadPage(quint64 generation, const OrderQuery &query);
    void loadTotals();
    void loadDetail(const QString &orderId);
    void showDetail(const std::optional<OrderDetail> &detail);
    void updateActions();
    void onOrderChanged(const QString &orderId);
    void reloadChangedOrders();
    void runAction(const QString &done, std::function<Status(OrderBook &)> action);
    void showMessage(const QString &text, bool error);
    void onSelectionChanged();
    void openShipDialog();
    void openCancelDialog();
    void openRefundDialog();
    void confirmFulfil();

    StaffRole m_role;
    OrderBookRunner *m_runner;
    OrderTableModel *m_model;
    QComboBox *m_status;
    QComboBox *m_channel;
    QCheckBox *m_useFrom;
    QDateEdit *m_from;
    QCheckBox *m_useTo;
    QDateEdit *m_to;
    QLineEdit *m_search;
    QCheckBox *m_review;
    QPushButton *m_refresh;
    QPushButton *m_export;
    QTimer *m_searchDebounce;
    QTimer *m_totalsDebounce;
    QTimer *m_changesDebounce;          // notices of one burst become one re-read per order
    QSet<QString> m_changedOrders;      // on screen and announced since the last re-read
    bool m_listStale = false;           // a notice named an order not on screen (a new one?)
    QLabel *m_banner;
    QLabel *m_totals;
    QTableView *m_table;
    QWidget *m_detailPane;
    QSplitter *m_splitter = nullptr;
    bool m_splitterMovedByHand = false;   // then the list keeps the width it was given
    QLabel *m_detailTitle;
    QLabel *m_detailBody;
    QTableWidget *m_lines;
    QListWidget *m_timeline;
    QPushButton *m_ship, *m_fulfil, *m_cancel, *m_refund, *m_receipt;
    QPushButton *m_emailReceipt;
    QPushButton *m_readyForPickup, *m_packingSlip;
    QString m_shopName, m_shopAddress;
    std::optional<OrderDetail> m_detail;
    QString m_wantedDetail;
    quint64 m_totalsGeneration = 0;
    std::shared_ptr<std::atomic<bool>> m_exportCancel;
    std::shared_ptr<std::atomic<int>> m_exportWritten;
    bool m_exporting = false;
};

} // namespace rdk
