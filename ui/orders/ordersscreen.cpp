#include "ui/orders/ordersscreen.h"

#include "domain/ordercsv.h"
#include "domain/moneyformat.h"
#include "domain/packingslip.h"
#include "ui/orders/orderdialogs.h"
#include "ui/orders/packingslipprinter.h"
#include "ui/orders/ordertablemodel.h"
#include "ui/shell/theme.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QFontMetrics>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QProgressDialog>
#include <QPushButton>
#include <QSaveFile>
#include <QShortcut>
#include <QSplitter>
#include <QScrollBar>
#include <QTableView>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <utility>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

constexpr int SearchDebounceMs = 300;
constexpr int ChangesDebounceMs = 100;   // change notices of one burst are re-read together
constexpr int ExportPageSize = MaxOrderPageSize;

QDateEdit *dateEdit(QWidget *parent, const QString &name, const QString &accessible)
{
    auto *edit = new QDateEdit(QDate::currentDate(), parent);
    edit->setObjectName(name);
    edit->setAccessibleName(accessible);
    edit->setCalendarPopup(true);
    edit->setDisplayFormat(u"yyyy-MM-dd"_s);
    edit->setDateRange(QDate(2000, 1, 1), QDate(9998, 12, 31));
    edit->setEnabled(false);
    return edit;
}

QPushButton *actionButton(QWidget *parent, const QString &name, const QString &text, const QString &accessible)
{
    auto *button = new QPushButton(text, parent);
    button->setObjectName(name);
    button->setAccessibleName(accessible);
    button->setEnabled(false);
    return button;
}

// "$1,234.00" or "$1,234.00 + €50.00" when the filtered orders mix currencies.
QString moneyList(const QList<Money> &amounts)
{
    QStringList parts;
    for (const Money &m : amounts)
        parts.append(formatMoney(m));
    return parts.isEmpty() ? formatMoney(Money()) : parts.join(u" + "_s);
}

QString when(const QDateTime &at, const QTimeZone &zone)
{
    return at.isValid() ? QLocale().toString(at.toTimeZone(zone), u"yyyy-MM-dd HH:mm"_s) : QString();
}

// Writes every order `query` matches to `path`; runs on the export worker.
Result<int> writeOrdersCsv(OrderBook &book, OrderQuery query, const QString &path, bool withEmail,
                           const std::atomic<bool> &cancel, std::atomic<int> &written)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error::invalid(QObject::tr("Can't write %1: %2").arg(path, file.errorString()));
    file.write("\xEF\xBB\xBF");  // UTF-8 BOM, so spreadsheet apps don't guess another encoding
    file.write(orderCsvHeader(withEmail).toUtf8());
    query.limit = ExportPageSize;
    query.beforeOrderNumber.reset();
    for (;;) {
        if (cancel.load()) {
            file.cancelWriting();
            return Error::invalid(QObject::tr("Export cancelled; no file was written."));
        }
        auto page = book.list(query);
        if (!page) {
            file.cancelWriting();
            return page.error();
        }
        const QTimeZone zone = shopTimeZone(page->shopTimeZone);
        for (const OrderSummary &o : page->items)
            file.write(orderCsvLine(o, zone, withEmail).toUtf8());
        written.fetch_add(int(page->items.size()));
        if (!page->hasMore || page->items.isEmpty())
            break;
        query.beforeOrderNumber = page->items.constLast().orderNumber;
    }
    if (!file.commit())
        return Error::invalid(QObject::tr("Can't write %1: %2").arg(path, file.errorString()));
    return written.load();
}

} // namespace

OrdersScreen::OrdersScreen(OrderBookFactory factory, StaffRole role, OrderChangeFeed *feed, QWidget *parent, int pageSize)
    : QWidget(parent), m_role(role), m_runner(new OrderBookRunner(std::move(factory), this)),
      m_model(new OrderTableModel(pageSize, this)), m_status(new QComboBox(this)), m_channel(new QComboBox(this)),
      m_useFrom(new QCheckBox(tr("&From"), this)), m_from(dateEdit(this, u"from"_s, tr("From shop day"))),
      m_useTo(new QCheckBox(tr("&To"), this)), m_to(dateEdit(this, u"to"_s, tr("To shop day"))),
      m_search(new QLineEdit(this)), m_review(new QCheckBox(tr("Needs re&view"), this)),
      m_refresh(new QPushButton(tr("Refresh"), this)), m_export(new QPushButton(tr("&Export CSV…"), this)),
      m_searchDebounce(new QTimer(this)), m_totalsDebounce(new QTimer(this)),
      m_changesDebounce(new QTimer(this)), m_banner(new QLabel(this)),
      m_totals(new QLabel(this)), m_table(new QTableView(this)), m_detailPane(new QWidget(this)),
      m_detailTitle(new QLabel(m_detailPane)), m_detailBody(new QLabel(m_detailPane)),
      m_lines(new QTableWidget(0, 8, m_detailPane)), m_timeline(new QListWidget(m_detailPane)),
      m_ship(actionButton(m_detailPane, u"ship"_s, tr("Mark &shipped…"), tr("Mark the order shipped"))),
      m_fulfil(actionButton(m_detailPane, u"fulfil"_s, tr("Picked &up"), tr("Mark the order picked up"))),
      m_cancel(actionButton(m_detailPane, u"cancel"_s, tr("&Cancel order…"), tr("Cancel the order"))),
      m_refund(actionButton(m_detailPane, u"refund"_s, tr("&Refund…"), tr("Refund the order"))),
      m_receipt(actionButton(m_detailPane, u"receipt"_s, tr("&Print receipt…"), tr("Print the order's receipt"))),
      m_emailReceipt(actionButton(m_detailPane, u"emailReceipt"_s, tr("E-&mail receipt…"), tr("E-mail the receipt to the customer"))),
      m_readyForPickup(actionButton(m_detailPane, u"readyForPickup"_s, tr("Rea&dy for pickup"),
                                    tr("Tell the customer the order waits at the counter"))),
      m_packingSlip(actionButton(m_detailPane, u"packingSlip"_s, tr("Pac&king slip…"), tr("Save the order's packing slip as PDF")))
{
    setObjectName(u"ordersScreen"_s);
    setAccessibleName(tr("Orders"));
    buildFilters();
    buildDetail();

    m_banner->setObjectName(u"banner"_s);
    m_banner->setAccessibleName(tr("Message"));
    m_banner->setWordWrap(true);
    m_banner->setTextFormat(Qt::PlainText);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_banner->setAutoFillBackground(true);
    m_banner->hide();
    m_totals->setObjectName(u"totals"_s);
    m_totals->setAccessibleName(tr("Totals of the filtered orders"));

    m_table->setObjectName(u"ordersTable"_s);
    m_table->setAccessibleName(tr("Orders"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setTabKeyNavigation(false);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnHidden(OrderTableModel::EmailColumn, !canSeeCustomerEmail(role));
    // Widths from sample text, so the columns fit whatever font size the desktop uses.
    const QFontMetrics fm = m_table->fontMetrics();
    const int pad = fm.horizontalAdvance(u"MM"_s);
    for (auto [col, sample] : {std::pair{int(OrderTableModel::NumberColumn), u"RDK-100000"_s},
                               {int(OrderTableModel::DateColumn), u"2026-11-24 10:00"_s},
                               {int(OrderTableModel::ChannelColumn), u"In store"_s},
                               {int(OrderTableModel::StatusColumn), u"Partially refunded"_s},
                               {int(OrderTableModel::PaymentColumn), u"Payment"_s},
                               {int(OrderTableModel::UnitsColumn), u"Units"_s},
                               {int(OrderTableModel::TotalColumn), u"$10,000.00"_s},
                               {int(OrderTableModel::RefundedColumn), u"$10,000.00"_s}})
        m_table->setColumnWidth(col, fm.horizontalAdvance(sample) + pad);
    // Units and amounts refunded are one click away (the header's menu); the list opens with
    // what tells orders apart, so it fits beside the detail on a 1366-pixel screen.
    m_table->setColumnHidden(OrderTableModel::UnitsColumn, true);
    m_table->setColumnHidden(OrderTableModel::RefundedColumn, true);
    buildColumnMenu();

    m_splitter = new QSplitter(Qt::Horizontal, this);
    auto *splitter = m_splitter;
    splitter->addWidget(m_table);
    splitter->addWidget(m_detailPane);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setChildrenCollapsible(false);
    connect(splitter, &QSplitter::splitterMoved, this, [this] { m_splitterMovedByHand = true; });

    auto *title = new QLabel(tr("Orders"), this);
    theme::setRelativeFontSize(title, 1.4, true);
    auto *filters = new QGridLayout;
    filters->addWidget(new QLabel(tr("St&atus:"), this), 0, 0);
    filters->addWidget(m_status, 0, 1);
    filters->addWidget(new QLabel(tr("C&hannel:"), this), 0, 2);
    filters->addWidget(m_channel, 0, 3);
    filters->addWidget(m_search, 0, 4, 1, 3);
    filters->setColumnStretch(4, 1);
    auto *when = new QHBoxLayout;
    when->addWidget(m_useFrom);
    when->addWidget(m_from);
    when->addSpacing(12);
    when->addWidget(m_useTo);
    when->addWidget(m_to);
    when->addSpacing(12);
    when->addWidget(m_review);
    when->addStretch();
    when->addWidget(m_refresh);
    when->addWidget(m_export);
    filters->addLayout(when, 1, 0, 1, 7);
    for (auto [label, buddy] : {std::pair{0, static_cast<QWidget *>(m_status)}, {2, m_channel}})
        static_cast<QLabel *>(filters->itemAtPosition(0, label)->widget())->setBuddy(buddy);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addLayout(filters);
    layout->addWidget(m_banner);
    layout->addWidget(m_totals);
    layout->addWidget(splitter, 1);

    connectSignals(feed);
    showDetail(std::nullopt);
    applyFilters();
}

void OrdersScreen::buildColumnMenu()
{
    QHeaderView *header = m_table->horizontalHeader();
    header->setContextMenuPolicy(Qt::CustomContextMenu);
    header->setToolTip(tr("Right-click to choose the columns"));
    connect(header, &QWidget::customContextMenuRequested, this, [this, header](const QPoint &at) {
        QMenu menu(this);
        for (int col = OrderTableModel::DateColumn; col < OrderTableModel::ColumnCount; ++col) {
            if (col == OrderTableModel::EmailColumn && !canSeeCustomerEmail(m_role))
                continue;   // not theirs to show
            QAction *show = menu.addAction(m_model->headerData(col, Qt::Horizontal).toString());
            show->setCheckable(true);
            show->setChecked(!m_table->isColumnHidden(col));
            connect(show, &QAction::toggled, this, [this, col](bool on) { m_table->setColumnHidden(col, !on); });
        }
        menu.exec(header->mapToGlobal(at));
    });
}

void OrdersScreen::fitSplitter()
{
    int wanted = 2 * m_table->frameWidth() + m_table->verticalScrollBar()->sizeHint().width();
    for (int col = 0; col < OrderTableModel::ColumnCount; ++col) {
        if (!m_table->isColumnHidden(col))
            wanted += col == OrderTableModel::EmailColumn ? m_table->fontMetrics().horizontalAdvance(u"someone@example.com  "_s)
                                                           : m_table->columnWidth(col);
    }
    const int total = m_splitter->width() - m_splitter->handleWidth();
    const int detail = qMax(m_detailPane->minimumSizeHint().width(), total * 2 / 5);
    const int list = qMin(wanted, total - detail);
    m_splitter->setSizes({list, total - list});
}

void OrdersScreen::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    // After the layout pass, when the splitter knows its width.
    if (!m_splitterMovedByHand)
        QTimer::singleShot(0, this, &OrdersScreen::fitSplitter);
}

void OrdersScreen::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    if (!m_splitterMovedByHand && isVisible())
        QTimer::singleShot(0, this, &OrdersScreen::fitSplitter);
}

OrdersScreen::~OrdersScreen()
{
    if (m_exportCancel)
        m_exportCancel->store(true);  // let a running export stop at its next page
}

void OrdersScreen::buildFilters()
{
    m_status->setObjectName(u"status"_s);
    m_status->setAccessibleName(tr("Status filter"));
    m_status->addItem(tr("Any status"));
    for (OrderStatus s : {OrderStatus::Pending, OrderStatus::AwaitingPayment, OrderStatus::Paid, OrderStatus::Shipped,
                          OrderStatus::Fulfilled, OrderStatus::PartiallyRefunded, OrderStatus::Refunded,
                          OrderStatus::Canceled})
        m_status->addItem(displayName(s), toString(s));
    m_channel->setObjectName(u"channel"_s);
    m_channel->setAccessibleName(tr("Channel filter"));
    m_channel->addItem(tr("Online and in store"));
    for (OrderChannel c : {OrderChannel::Online, OrderChannel::Pos})
        m_channel->addItem(displayName(c), toString(c));
    m_useFrom->setObjectName(u"useFrom"_s);
    m_useTo->setObjectName(u"useTo"_s);
    m_search->setObjectName(u"search"_s);
    m_search->setAccessibleName(tr("Search orders"));
    m_search->setPlaceholderText(canSeeCustomerEmail(m_role) ? tr("Order number or email (Ctrl+F)")
                                                             : tr("Order number, e.g. RDK-1001 (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    m_search->setMaxLength(MaxOrderSearchLength * 2);
    m_review->setObjectName(u"needsReview"_s);
    m_refresh->setObjectName(u"refresh"_s);
    m_refresh->setToolTip(tr("Reload the list (F5)"));
    m_export->setObjectName(u"export"_s);
    m_export->setAccessibleName(tr("Export the filtered orders as CSV"));
    m_export->setToolTip(tr("Export every order the filters match (Ctrl+Shift+E)"));
    m_searchDebounce->setSingleShot(true);
    m_searchDebounce->setInterval(SearchDebounceMs);
    m_totalsDebounce->setSingleShot(true);
    m_totalsDebounce->setInterval(500);
    m_changesDebounce->setSingleShot(true);
    m_changesDebounce->setInterval(ChangesDebounceMs);
}

void OrdersScreen::buildDetail()
{
    m_detailTitle->setObjectName(u"detailTitle"_s);
    m_detailTitle->setTextFormat(Qt::PlainText);
    theme::setRelativeFontSize(m_detailTitle, 1.2, true);
    m_detailBody->setObjectName(u"detailBody"_s);
    m_detailBody->setTextFormat(Qt::PlainText);  // emails and ids come from outside: never rich text
    m_detailBody->setWordWrap(true);
    m_detailBody->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_lines->setObjectName(u"lines"_s);
    m_lines->setAccessibleName(tr("Items of the order"));
    m_lines->setHorizontalHeaderLabels(
        {tr("SKU"), tr("Item"), tr("Size"), tr("Qty"), tr("Unit price"), tr("Discount"), tr("Refunded"), tr("Restocked")});
    m_lines->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_lines->setTabKeyNavigation(false);
    m_lines->verticalHeader()->hide();
    m_lines->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_lines->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_timeline->setObjectName(u"timeline"_s);
    m_timeline->setAccessibleName(tr("Timeline"));
    m_timeline->setWordWrap(true);

    // Two rows, so every label reads in full on a narrow detail pane.
    // Three rows: what sends the order out, then paper, then money.
    auto *actions = new QGridLayout;
    actions->addWidget(m_ship, 0, 0);
    actions->addWidget(m_readyForPickup, 0, 1);
    actions->addWidget(m_fulfil, 0, 2);
    actions->addWidget(m_packingSlip, 1, 0);
    actions->addWidget(m_receipt, 1, 1);
    actions->addWidget(m_emailReceipt, 1, 2);
    actions->addWidget(m_refund, 2, 0);
    actions->addWidget(m_cancel, 2, 1);

    auto *layout = new QVBoxLayout(m_detailPane);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_detailTitle);
    layout->addWidget(m_detailBody);
    layout->addWidget(m_lines, 1);
    layout->addWidget(new QLabel(tr("Timeline"), m_detailPane));
    layout->addWidget(m_timeline, 2);
    layout->addLayout(actions);
}

void OrdersScreen::connectSignals(OrderChangeFeed *feed)
{
    connect(m_model, &OrderTableModel::pageRequested, this, &OrdersScreen::loadPage);
    connect(m_model, &OrderTableModel::loadFailed, this,
            [this](const QString &message) { showMessage(tr("Couldn't load orders: %1").arg(message), true); });
    connect(m_model, &OrderTableModel::resultsReady, this, [this] {
        if (m_model->rowCount() == 0 && m_model->lastError().isEmpty())
            showMessage(tr("No orders match these filters."), false);
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &OrdersScreen::onSelectionChanged);
    connect(m_useFrom, &QCheckBox::toggled, m_from, &QDateEdit::setEnabled);
    connect(m_useTo, &QCheckBox::toggled, m_to, &QDateEdit::setEnabled);
    for (QCheckBox *box : {m_useFrom, m_useTo, m_review})
        connect(box, &QCheckBox::toggled, this, &OrdersScreen::applyFilters);
    // A date only filters while its box is ticked; changing an unticked one asks nothing.
    connect(m_from, &QDateEdit::dateChanged, this, [this] {
        if (m_useFrom->isChecked())
            applyFilters();
    });
    connect(m_to, &QDateEdit::dateChanged, this, [this] {
        if (m_useTo->isChecked())
            applyFilters();
    });
    for (QComboBox *combo : {m_status, m_channel})
        connect(combo, &QComboBox::currentIndexChanged, this, &OrdersScreen::applyFilters);
    // Typing waits for a pause; Enter searches at once.
    connect(m_search, &QLineEdit::textEdited, m_searchDebounce, qOverload<>(&QTimer::start));
    connect(m_search, &QLineEdit::returnPressed, this, &OrdersScreen::applyFilters);
    connect(m_searchDebounce, &QTimer::timeout, this, &OrdersScreen::applyFilters);
    connect(m_totalsDebounce, &QTimer::timeout, this, &OrdersScreen::loadTotals);
    connect(m_changesDebounce, &QTimer::timeout, this, &OrdersScreen::reloadChangedOrders);
    connect(m_refresh, &QPushButton::clicked, this, &OrdersScreen::refresh);
    connect(m_export, &QPushButton::clicked, this, &OrdersScreen::exportWithDialog);
    connect(m_ship, &QPushButton::clicked, this, &OrdersScreen::openShipDialog);
    connect(m_fulfil, &QPushButton::clicked, this, &OrdersScreen::confirmFulfil);
    connect(m_cancel, &QPushButton::clicked, this, &OrdersScreen::openCancelDialog);
    connect(m_refund, &QPushButton::clicked, this, &OrdersScreen::openRefundDialog);
    connect(m_readyForPickup, &QPushButton::clicked, this, &OrdersScreen::markReadyForPickup);
    connect(m_packingSlip, &QPushButton::clicked, this, &OrdersScreen::packingSlipWithDialog);
    // Ctrl+Shift+K packing slip, Ctrl+Shift+R ready for pickup, Ctrl+Shift+U picked up: each
    // only when its button is enabled (so the shortcut never does what the button refuses).
    for (auto [keys, button] : {std::pair{QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_K), m_packingSlip},
                                {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R), m_readyForPickup},
                                {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_U), m_fulfil}}) {
        auto *key = new QShortcut(keys, this);
        connect(key, &QShortcut::activated, button, [button] {
            if (button->isEnabled())
                button->click();
        });
    }
    connect(m_receipt, &QPushButton::clicked, this, [this] {
        if (m_detail)
            Q_EMIT receiptRequested(m_detail->summary.orderId);
    });
    connect(m_emailReceipt, &QPushButton::clicked, this, [this] {
        if (m_detail)
            Q_EMIT emailReceiptRequested(m_detail->summary.orderId, formatOrderNumber(m_detail->summary.orderNumber));
    });
    auto *mailKey = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_M), this);
    connect(mailKey, &QShortcut::activated, m_emailReceipt, [this] {
        if (m_emailReceipt->isEnabled())
            m_emailReceipt->click();
    });
    auto *exportKey = new QShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E), this);
    connect(exportKey, &QShortcut::activated, this, &OrdersScreen::exportWithDialog);
    auto *refreshKey = new QShortcut(QKeySequence::Refresh, this);
    connect(refreshKey, &QShortcut::activated, this, &OrdersScreen::refresh);
    auto *printKey = new QShortcut(QKeySequence::Print, this);
    connect(printKey, &QShortcut::activated, m_receipt, [this] {
        if (m_receipt->isEnabled())
            m_receipt->click();
    });
    m_receipt->setToolTip(tr("Print the receipt again (Ctrl+P)"));
    auto *findKey = new QShortcut(QKeySequence::Find, this);
    connect(findKey, &QShortcut::activated, this, [this] {
        m_search->setFocus();
        m_search->selectAll();
    });
    if (feed) {
        connect(feed, &OrderChangeFeed::orderChanged, this, &OrdersScreen::onOrderChanged);
        connect(feed, &OrderChangeFeed::paymentWorkChanged, this, &OrdersScreen::onOrderChanged);
        connect(feed, &OrderChangeFeed::connectionChanged, this, [this](bool connected) {
            if (connected)
                refresh();  // notifications sent while the feed was down are gone
        });
    }
}

OrderQuery OrdersScreen::queryFromControls() const
{
    OrderQuery q;
    if (m_status->currentIndex() > 0)
        q.status = orderStatusFromString(m_status->currentData().toString());
    if (m_channel->currentIndex() > 0)
        q.channel = orderChannelFromString(m_channel->currentData().toString());
    if (m_useFrom->isChecked())
        q.from = m_from->date();
    if (m_useTo->isChecked())
        q.to = m_to->date();
    q.search = m_search->text().trimmed();
    q.needsReviewOnly = m_review->isChecked();
    q.limit = m_model->query().limit > 0 ? m_model->query().limit : 100;
    return q;
}

void OrdersScreen::applyFilters()
{
    m_searchDebounce->stop();
    m_banner->hide();
    const OrderQuery q = queryFromControls();
    auto valid = validateOrderQuery(q);
    if (valid) {
        auto search = parseOrderSearch(q.search);
        if (search && !search->emailPart.isEmpty() && !canSeeCustomerEmail(m_role))
            valid = Error::forbidden(tr("Only ops and admins can search by email. Search by order number, e.g. RDK-1001."));
    }
    if (!valid) {
        showMessage(valid.error().message, true);
        return;
    }
    showDetail(std::nullopt);
    m_model->setQuery(*valid);
    loadTotals();
}

void OrdersScreen::clearFilters()
{
    const QSignalBlocker blockers[] = {QSignalBlocker(m_status), QSignalBlocker(m_channel), QSignalBlocker(m_useFrom),
                                       QSignalBlocker(m_useTo), QSignalBlocker(m_review)};
    m_status->setCurrentIndex(0);
    m_channel->setCurrentIndex(0);
    m_useFrom->setChecked(false);
    m_useTo->setChecked(false);
    m_from->setEnabled(false);
    m_to->setEnabled(false);
    m_review->setChecked(false);
    m_search->clear();
    applyFilters();
}

void OrdersScreen::refresh()
{
    const QString shown = m_detail ? m_detail->summary.orderId : QString();
    applyFilters();
    if (!shown.isEmpty())
        loadDetail(shown);
}

void OrdersScreen::loadPage(quint64 generation, const OrderQuery &query)
{
    QPointer<OrderTableModel> model(m_model);
    m_runner->run<Result<OrderPage>>([query](OrderBook &book) { return book.list(query); },
                                     [model, generation, query](const Result<OrderPage> &page) {
                                         if (!model)
                                             return;
                                         if (page)
                                             model->applyPage(generation, query, page.value());
                                         else
                                             model->applyFailure(generation, page.error().message);
                                     });
}

void OrdersScreen::loadTotals()
{
    const quint64 generation = ++m_totalsGeneration;
    OrderQuery query = m_model->query();
    query.beforeOrderNumber.reset();
    m_totals->setText(tr("Counting…"));
    m_runner->run<Result<OrderListTotals>>([query](OrderBook &book) { return book.totals(query); },
                                           [this, generation](const Result<OrderListTotals> &totals) {
                                               if (generation != m_totalsGeneration)
                                                   return;
                                               if (!totals) {
                                                   m_totals->setText(tr("Totals unavailable: %1").arg(totals.error().message));
                                                   return;
                                               }
                                               m_totals->setText(tr("%n order(s) · paid total %1 · refunded %2", nullptr,
                                                                    totals->count)
                                                                     .arg(moneyList(totals->total), moneyList(totals->refunded)));
                                           });
}

void OrdersScreen::onSelectionChanged()
{
    const OrderSummary *order = m_model->orderAt(m_table->currentIndex().row());
    if (!order) {
        showDetail(std::nullopt);
        return;
    }
    loadDetail(order->orderId);
}

void OrdersScreen::selectOrder(const QString &orderId)
{
    const int row = m_model->rowOfOrder(orderId);
    if (row >= 0)
        m_table->setCurrentIndex(m_model->index(row, 0));
    else
        loadDetail(orderId);
}

void OrdersScreen::loadDetail(const QString &orderId)
{
    m_wantedDetail = orderId;
    m_runner->run<Result<OrderDetail>>([orderId](OrderBook &book) { return readOrderDetail(book, orderId); },
                                       [this, orderId](const Result<OrderDetail> &detail) {
                                           if (!detail) {
                                               if (orderId == m_wantedDetail)
                                                   showMessage(tr("Couldn't open the order: %1").arg(detail.error().message), true);
                                               return;
                                           }
                                           m_model->updateOrder(detail->summary);
                                           if (orderId == m_wantedDetail)
                                               showDetail(detail.value());
                                       });
}

void OrdersScreen::onOrderChanged(const QString &orderId)
{
    // A notice only says "look" (any login of the shop can send one), and a burst of them, real
    // or forged, costs one re-read per order on screen, not one per notice.
    m_totalsDebounce->start();
    const bool onScreen = m_model->rowOfOrder(orderId) >= 0 || (m_detail && m_detail->summary.orderId == orderId);
    if (!onScreen) {
        // Most likely a new order: the list is re-read once per burst, but only while it shows
        // its top (the newest), so nobody scrolled deep into history loses their place.
        if (m_table->verticalScrollBar()->value() == 0) {
            m_listStale = true;
            if (!m_changesDebounce->isActive())
                m_changesDebounce->start();
        }
        return;
    }
    m_changedOrders.insert(orderId);
    if (!m_changesDebounce->isActive())
        m_changesDebounce->start();
}

void OrdersScreen::reloadChangedOrders()
{
    if (std::exchange(m_listStale, false) && m_table->verticalScrollBar()->value() == 0) {
        m_changedOrders.clear();
        refresh();   // the whole first page, the detail shown included
        return;
    }
    const QSet<QString> changed = std::exchange(m_changedOrders, {});
    for (const QString &orderId : changed) {
        m_runner->run<Result<OrderDetail>>([orderId](OrderBook &book) { return readOrderDetail(book, orderId); },
                                           [this, orderId](const Result<OrderDetail> &detail) {
                                               if (!detail)
                                                   return;  // gone or unreadable: the next refresh says why
                                               m_model->updateOrder(detail->summary);
                                               if (m_detail && m_detail->summary.orderId == orderId && orderId == m_wantedDetail)
                                                   showDetail(detail.value());
                                           });
    }
}

void OrdersScreen::showDetail(const std::optional<OrderDetail> &detail)
{
    m_detail = detail;
    m_lines->setRowCount(0);
    m_timeline->clear();
    if (!detail) {
        m_wantedDetail.clear();
        m_detailTitle->setText(tr("No order selected"));
        m_detailBody->setText(tr("Select an order to see its items, payments and history."));
        updateActions();
        return;
    }
    const OrderSummary &s = detail->summary;
    const QTimeZone zone = m_model->shopZone();
    m_detailTitle->setText(tr("%1 · %2 · %3").arg(formatOrderNumber(s.orderNumber), displayName(s.status), displayName(s.channel)));
    QStringList body;
    body << tr("Placed: %1 (shop time)").arg(when(s.createdAt, zone));
    if (detail->paidAt.isValid())
        body << tr("Paid: %1 by %2").arg(when(detail->paidAt, zone),
                                          s.paymentMethod == PaymentMethod::Cash ? tr("cash") : tr("card"));
    if (detail->emailVisible && !s.customerEmail.isEmpty())
        body << tr("Customer: %1").arg(s.customerEmail);
    body << tr("Subtotal %1 · discount %2 · shipping %3 · total %4")
                .arg(formatMoney(detail->totals.subtotal), formatMoney(detail->totals.discount),
                     formatMoney(detail->totals.shipping), formatMoney(detail->totals.total));
    // Tax per rate as the counter charged it; an online order's tax is Stripe's one figure.
    for (const TaxAmount &tax : detail->totals.taxes)
        body << tr("%1: %2").arg(taxRowLabel(tax, detail->totals.taxIncluded), formatMoney(tax.amount));
    if (detail->totals.taxes.isEmpty() && !detail->totals.tax.isZero())
        body << tr("Tax (as Stripe computed it): %1").arg(formatMoney(detail->totals.tax));
    if (!s.refunded.isZero())
        body << tr("Refunded: %1").arg(formatMoney(s.refunded));
    if (!detail->discountReason.isEmpty())
        body << tr("Discount reason: %1").arg(detail->discountReason);
    if (s.channel == OrderChannel::Online) {
        if (s.fulfillment == Fulfillment::Pickup)
            body << (detail->readyForPickupAt.isValid()
                         ? tr("Goes out: picked up at the shop, %1 · waiting at the counter since %2")
                               .arg(detail->shippingMethod, when(detail->readyForPickupAt, zone))
                         : tr("Goes out: picked up at the shop, %1 · not ready yet").arg(detail->shippingMethod));
        else if (s.fulfillment == Fulfillment::Ship)
            body << tr("Goes out: shipped, %1 · shipping charged %2")
                        .arg(detail->shippingMethod, formatMoney(detail->totals.shipping));
        if (detail->shipTo) {
            const QStringList lines = shipToLines(*detail->shipTo);
            if (!lines.isEmpty())
                body << (s.fulfillment == Fulfillment::Pickup ? tr("Picked up by: %1") : tr("Ship to: %1")).arg(lines.join(u", "_s));
            if (!detail->shipTo->phone.isEmpty())
                body << tr("Phone: %1").arg(detail->shipTo->phone);
        } else if (!detail->shipToRefusal.isEmpty()) {
            body << tr("Ship to: %1").arg(detail->shipToRefusal);
        }
    }
    if (!detail->carrier.isEmpty() || !detail->trackingNumber.isEmpty())
        body << tr("Shipped with %1, tracking %2").arg(detail->carrier, detail->trackingNumber);
    if (s.needsReview)
        body << tr("⚑ Needs review: %1").arg(detail->reviewReason);
    for (const auto &[label, id] : {std::pair{tr("Checkout session"), detail->stripeCheckoutSessionId},
                                    {tr("Payment link"), detail->stripePaymentLinkId},
                                    {tr("Payment intent"), detail->stripePaymentIntentId},
                                    {tr("Charge"), detail->stripeChargeId}}) {
        if (!id.isEmpty())
            body << tr("Stripe %1: %2").arg(label.toLower(), id);
    }
    for (const RefundRequestInfo &r : detail->refunds)
        body << tr("Refund %1: %2%3%4").arg(formatMoney(r.amount), toString(r.state),
                                            r.stripeRefundId.isEmpty() ? QString() : u" ("_s + r.stripeRefundId + u')',
                                            r.error.isEmpty() ? QString() : u" — "_s + r.error);
    for (const OrderMail &mail : detail->mails)
        body << tr("Mail: %1 — %2").arg(orderMailKindLabel(mail.kind), orderMailStateText(mail, zone));
    m_detailBody->setText(body.join(u'\n'));

    m_lines->setRowCount(int(detail->lines.size()));
    for (int row = 0; row < detail->lines.size(); ++row) {
        const OrderDetailLine &l = detail->lines.at(row);
        const QStringList cells = {l.line.sku, l.line.name, l.line.size, QString::number(l.line.quantity),
                                   formatMoney(l.line.unitPrice), l.line.discount.isZero() ? QString() : formatMoney(l.line.discount),
                                   l.refundedQuantity ? QString::number(l.refundedQuantity) : QString(),
                                   l.restockedQuantity ? QString::number(l.restockedQuantity) : QString()};
        for (int col = 0; col < cells.size(); ++col)
            m_lines->setItem(row, col, new QTableWidgetItem(cells.at(col)));
    }
    // Discount, refunded and restocked columns only when this order has any.
    for (int col : {5, 6, 7}) {
        bool any = false;
        for (int row = 0; row < m_lines->rowCount() && !any; ++row)
            any = !m_lines->item(row, col)->text().isEmpty();
        m_lines->setColumnHidden(col, !any);
    }
    for (const OrderTimelineEntry &e : detail->timeline) {
        const QString who = e.actor.isEmpty() ? QString() : u" · "_s + e.actor;
        m_timeline->addItem(u"%1%2 · %3"_s.arg(when(e.at, zone), who, e.summary));
    }
    updateActions();
    Q_EMIT detailShown(s.orderId);
}

void OrdersScreen::updateActions()
{
    // A disabled button says why (the role, or the order's state) in its tooltip.
    const std::pair<QPushButton *, OrderAction> buttons[] = {
        {m_ship, OrderAction::Ship},     {m_fulfil, OrderAction::Fulfil},
        {m_cancel, OrderAction::Cancel}, {m_refund, OrderAction::Refund},
        {m_receipt, OrderAction::PrintReceipt}, {m_readyForPickup, OrderAction::ReadyForPickup},
        {m_packingSlip, OrderAction::PackingSlip},
    };
    for (const auto &[button, action] : buttons) {
        const QString refusal = m_detail ? orderActionRefusal(action, m_detail->summary, m_role) : tr("Choose an order first.");
        button->setEnabled(refusal.isEmpty());
        button->setToolTip(refusal.isEmpty() ? button->accessibleName() : refusal);
    }
    if (m_receipt->isEnabled())
        m_receipt->setToolTip(tr("Print the receipt again (Ctrl+P)"));
    // The slip carries the address: a cashier who may not see it can't print it either.
    if (m_packingSlip->isEnabled() && m_detail && !m_detail->shipTo) {
        m_packingSlip->setEnabled(false);
        m_packingSlip->setToolTip(m_detail->shipToRefusal.isEmpty() ? tr("The address of this order is not loaded yet.")
                                                                    : m_detail->shipToRefusal);
    }
    for (auto [button, keys] : {std::pair{m_packingSlip, u"Ctrl+Shift+K"_s}, {m_readyForPickup, u"Ctrl+Shift+R"_s},
                                {m_fulfil, u"Ctrl+Shift+U"_s}}) {
        if (button->isEnabled())
            button->setToolTip(u"%1 (%2)"_s.arg(button->accessibleName(), keys));
    }
    const QString mailRefusal =
        m_detail ? emailReceiptRefusal(m_detail->summary.channel, m_detail->summary.status) : tr("Choose an order first.");
    m_emailReceipt->setEnabled(mailRefusal.isEmpty());
    m_emailReceipt->setToolTip(mailRefusal.isEmpty() ? tr("E-mail the receipt to the customer (Ctrl+M)") : mailRefusal);
}

QString OrdersScreen::message() const
{
    return m_banner->isHidden() ? QString() : m_banner->text();
}

QString OrdersScreen::totalsText() const
{
    return m_totals->text();
}

QString OrdersScreen::detailText() const
{
    return m_detailTitle->text() + u'\n' + m_detailBody->text();
}

QStringList OrdersScreen::timelineTexts() const
{
    QStringList texts;
    for (int i = 0; i < m_timeline->count(); ++i)
        texts.append(m_timeline->item(i)->text());
    return texts;
}

bool OrdersScreen::emailColumnShown() const
{
    return !m_table->isColumnHidden(OrderTableModel::EmailColumn);
}

void OrdersScreen::showMessage(const QString &text, bool error)
{
    QPalette palette = m_banner->palette();
    palette.setColor(QPalette::Window, error ? theme::errorBackground(palette) : palette.color(QPalette::Window));
    palette.setColor(QPalette::WindowText, error ? theme::errorText(palette) : palette.color(QPalette::WindowText));
    m_banner->setPalette(palette);
    m_banner->setAccessibleDescription(error ? tr("Error") : tr("Information"));
    m_banner->setText(text);
    m_banner->setVisible(!text.isEmpty());
}

void OrdersScreen::runAction(const QString &done, std::function<Status(OrderBook &)> action)
{
    if (!m_detail)
        return;
    const QString orderId = m_detail->summary.orderId;
    for (QPushButton *b : {m_ship, m_fulfil, m_cancel, m_refund, m_readyForPickup})
        b->setEnabled(false);  // one action at a time; the reloaded detail decides again
    m_runner->run<Status>(std::move(action), [this, done, orderId](const Status &status) {
        if (status)
            showMessage(done, false);
        else
            showMessage(status.error().message, true);
        loadDetail(orderId);
        loadTotals();
        Q_EMIT actionFinished(status.ok());
    });
}

void OrdersScreen::markShipped(const QString &carrier, const QString &trackingNumber)
{
    if (!m_detail)
        return;
    const QString id = m_detail->summary.orderId;
    const QString label = formatOrderNumber(m_detail->summary.orderNumber);
    runAction(tr("%1 marked shipped.").arg(label),
              [=](OrderBook &book) { return book.markShipped(id, carrier, trackingNumber); });
}

void OrdersScreen::markFulfilled()
{
    if (!m_detail)
        return;
    const QString id = m_detail->summary.orderId;
    runAction(tr("%1 marked picked up.").arg(formatOrderNumber(m_detail->summary.orderNumber)),
              [=](OrderBook &book) { return book.markFulfilled(id); });
}

void OrdersScreen::markReadyForPickup()
{
    if (!m_detail)
        return;
    const QString id = m_detail->summary.orderId;
    runAction(tr("%1 is ready for pickup; the customer gets an e-mail.").arg(formatOrderNumber(m_detail->summary.orderNumber)),
              [=](OrderBook &book) { return book.markReadyForPickup(id); });
}

void OrdersScreen::setShop(const QString &name, const QString &address)
{
    m_shopName = name;
    m_shopAddress = address;
}

Status OrdersScreen::writePackingSlip(const QString &path)
{
    if (!m_detail)
        return Error::invalid(tr("Choose an order first."));
    if (const QString refusal = orderActionRefusal(OrderAction::PackingSlip, m_detail->summary, m_role); !refusal.isEmpty())
        return Error::invalid(refusal);
    if (!m_detail->shipTo)
        return Error::forbidden(m_detail->shipToRefusal.isEmpty() ? tr("The address of this order is not loaded yet.")
                                                                  : m_detail->shipToRefusal);
    const PackingSlip slip = buildPackingSlip(*m_detail, m_shopName, m_shopAddress, m_model->shopZone());
    const Status written = PackingSlipPrinter(slip).savePdf(path);
    showMessage(written ? tr("Packing slip of %1 saved to %2.").arg(slip.orderLabel, path) : written.error().message, !written);
    return written;
}

void OrdersScreen::packingSlipWithDialog()
{
    if (!m_detail)
        return;
    const QString suggested = tr("packing-slip-%1.pdf").arg(formatOrderNumber(m_detail->summary.orderNumber));
    const QString path = QFileDialog::getSaveFileName(this, tr("Save packing slip"), suggested, tr("PDF files (*.pdf)"));
    if (path.isEmpty())
        return;
    [[maybe_unused]] const Status written = writePackingSlip(path);   // the banner says how it went
}

void OrdersScreen::cancelOrder(const QString &reason)
{
    if (!m_detail)
        return;
    const QString id = m_detail->summary.orderId;
    runAction(tr("%1 canceled; its stock is back on sale.").arg(formatOrderNumber(m_detail->summary.orderNumber)),
              [=](OrderBook &book) { return book.cancel(id, reason); });
}

void OrdersScreen::requestRefund(const RefundRequest &request)
{
    if (!m_detail)
        return;
    const QString label = formatOrderNumber(m_detail->summary.orderNumber);
    runAction(tr("Refund of %1 requested; the order updates when Stripe confirms it.").arg(label),
              [=](OrderBook &book) -> Status {
                  auto id = book.requestRefund(request);
                  if (!id)
                      return id.error();
                  return {};
              });
}

void OrdersScreen::openShipDialog()
{
    if (!m_detail)
        return;
    ShipOrderDialog dialog(formatOrderNumber(m_detail->summary.orderNumber), this);
    if (dialog.exec() == QDialog::Accepted && dialog.shipment())
        markShipped(dialog.shipment()->carrier, dialog.shipment()->trackingNumber);
}

void OrdersScreen::openCancelDialog()
{
    if (!m_detail)
        return;
    CancelOrderDialog dialog(formatOrderNumber(m_detail->summary.orderNumber), this);
    if (dialog.exec() == QDialog::Accepted && dialog.reason())
        cancelOrder(*dialog.reason());
}

void OrdersScreen::openRefundDialog()
{
    if (!m_detail)
        return;
    RefundOrderDialog dialog(*m_detail, this);
    if (dialog.exec() == QDialog::Accepted && dialog.request())
        requestRefund(*dialog.request());
}

void OrdersScreen::confirmFulfil()
{
    if (!m_detail)
        return;
    const auto answer = QMessageBox::question(
        this, tr("Mark picked up"),
        tr("Has the customer picked up %1?").arg(formatOrderNumber(m_detail->summary.orderNumber)));
    if (answer == QMessageBox::Yes)
        markFulfilled();
}

void OrdersScreen::startExport(const QString &path)
{
    if (m_exporting) {
        showMessage(tr("An export is already running."), true);
        return;
    }
    auto query = validateOrderQuery(m_model->query());
    if (!query) {
        showMessage(query.error().message, true);
        return;
    }
    m_exporting = true;
    m_export->setEnabled(false);
    m_exportCancel = std::make_shared<std::atomic<bool>>(false);
    m_exportWritten = std::make_shared<std::atomic<int>>(0);
    const bool withEmail = canSeeCustomerEmail(m_role);
    auto cancel = m_exportCancel;
    auto written = m_exportWritten;
    const OrderQuery q = query.value();
    m_runner->run<Result<int>>(
        [=](OrderBook &book) { return writeOrdersCsv(book, q, path, withEmail, *cancel, *written); },
        [this, path](const Result<int> &result) {
            m_exporting = false;
            m_export->setEnabled(true);
            if (result) {
                const QString text = tr("Exported %n order(s) to %1.", nullptr, result.value()).arg(path);
                showMessage(text, false);
                Q_EMIT exportFinished(true, text);
            } else {
                const QString text = tr("Export failed: %1").arg(result.error().message);
                showMessage(text, true);
                Q_EMIT exportFinished(false, text);
            }
        },
        OrderBookRunner::Lane::Export);
}

void OrdersScreen::cancelExport()
{
    if (m_exportCancel)
        m_exportCancel->store(true);
}

void OrdersScreen::exportWithDialog()
{
    if (m_exporting)
        return;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export orders"), tr("orders.csv"), tr("CSV files (*.csv)"));
    if (path.isEmpty())
        return;
    startExport(path);
    if (!m_exporting)
        return;
    // The export runs on its own worker; this dialog only shows the count and offers Cancel.
    auto *progress = new QProgressDialog(tr("Exporting orders…"), tr("Cancel"), 0, 0, this);
    progress->setAttribute(Qt::WA_DeleteOnClose);
    progress->setWindowModality(Qt::WindowModal);
    progress->setMinimumDuration(300);
    auto *ticker = new QTimer(progress);
    auto written = m_exportWritten;
    connect(ticker, &QTimer::timeout, progress, [progress, written] {
        progress->setLabelText(tr("Exported %n order(s)…", nullptr, written->load()));
    });
    ticker->start(150);
    connect(progress, &QProgressDialog::canceled, this, &OrdersScreen::cancelExport);
    connect(this, &OrdersScreen::exportFinished, progress, &QProgressDialog::close);
}

} // namespace rdk
