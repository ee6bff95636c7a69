#include "ui/pos/posscreen.h"

#include "domain/backoff.h"
#include "domain/moneyformat.h"
#include "ui/pos/poscartmodel.h"
#include "ui/pos/posdialogs.h"
#include "ui/pos/receiptprinter.h"
#include "ui/qrcodewidget.h"
#include "ui/shell/theme.h"

#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QFileDialog>
#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QShortcut>
#include <QStandardPaths>
#include <QTableView>
#include <QVBoxLayout>


using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

constexpr int kTickMs = 250;
constexpr int kPollMs = 3000;
constexpr int kInfoMessageMs = 6000;
constexpr int kSearchLimit = 20;
constexpr int kPickerRole = Qt::UserRole + 1;

QColor successBackground(const QPalette &palette)
{
    return theme::isDark(palette) ? QColor(0x2f, 0x9e, 0x52) : QColor(0x1b, 0x7a, 0x36);
}

QPushButton *bigButton(const QString &text, const QString &name, QWidget *parent, qreal scale = 1.2)
{
    auto *button = new QPushButton(text, parent);
    button->setObjectName(name);
    // Buttons never take the focus: the scan field keeps it, so the next scan always lands.
    button->setFocusPolicy(Qt::NoFocus);
    button->setMinimumHeight(44);
    theme::setRelativeFontSize(button, scale);
    return button;
}

QLabel *plainLabel(const QString &name, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(name);
    label->setTextFormat(Qt::PlainText);  // names and errors are data, never markup
    label->setWordWrap(true);
    return label;
}

QString productTitle(const SellableProduct &p)
{
    if (p.colorway.isEmpty() || p.name.contains(p.colorway, Qt::CaseInsensitive))
        return p.name;
    return u"%1 %2"_s.arg(p.name, p.colorway);
}

int totalAvailable(const SellableProduct &p)
{
    int sum = 0;
    for (const SellableSize &s : p.sizes)
        sum += qMax(0, s.available);
    return sum;
}

bool isFlat(const SellableProduct &p)
{
    return p.sizes.size() == 1 && p.sizes.front().size.isEmpty();
}

} // namespace

/// What a scan found: the product itself, or candidates to pick from.
struct PosScreen::Lookup final {
    QString query;
    bool wasSku = false;
    std::optional<SellableProduct> exact;
    QList<SellableProduct> matches;
    QString notFound;
};

PosScreen::PosScreen(PosStoreFactory stores, OrderChangeFeed *feed, StaffRole role, PosShop shop, QWidget *parent)
    : QWidget(parent), m_stores(std::move(stores)), m_feed(feed), m_role(role), m_shop(std::move(shop)),
      m_now([] { return QDateTime::currentDateTimeUtc(); }),
      // A few workers are plenty for one counter; each call opens its own store.
      m_jobs(UiTaskRunner::Options{u"pos"_s, 3}), m_cart(m_shop.currency, role)
{
    setObjectName(u"pos"_s);
    buildUi();
    bindKeys();
    m_tick.setInterval(kTickMs);
    connect(&m_tick, &QTimer::timeout, this, &PosScreen::tick);
    m_tick.start();
    m_poll.setInterval(kPollMs);
    connect(&m_poll, &QTimer::timeout, this, [this] {
        if (m_phase == Phase::Waiting)
            refreshOrder();
    });
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &PosScreen::refreshOrder);
    m_messageTimer.setSingleShot(true);
    connect(&m_messageTimer, &QTimer::timeout, this, &PosScreen::clearMessage);
    if (m_feed) {
        connect(m_feed, &OrderChangeFeed::orderChanged, this, &PosScreen::onOrderChanged);
        connect(m_feed, &OrderChangeFeed::paymentWorkChanged, this, &PosScreen::onOrderChanged);
        connect(m_feed, &OrderChangeFeed::connectionChanged, this, &PosScreen::onConnectionChanged);
    } else {
        m_poll.start();  // no live feed: look now and then while a sale waits
    }
    applyTheme();
    refreshCart();
    refreshSalePanel();
}

PosScreen::~PosScreen() = default;

void PosScreen::setClock(std::function<QDateTime()> now)
{
    m_now = std::move(now);
}

template <typename T>
void PosScreen::runJob(std::function<Result<T>(PosStore &)> job, std::function<void(const Result<T> &)> done)
{
    // Each call opens its own store (its own connection), so calls never share a session.
    m_jobs.run(this, [stores = m_stores, job = std::move(job)]() -> Result<T> {
        auto store = stores();
        if (!store)
            return store.error();
        return job(**store);
    }, std::move(done));
}

// ---------------------------------------------------------------------------------------------
// Layout

void PosScreen::buildUi()
{
    auto *root = new QHBoxLayout(this);
    root->setContentsMargins(16, 16, 16, 16);
    root->setSpacing(16);
    root->addWidget(buildCartSide(), 3);
    root->addWidget(buildSalePanel(), 2);
}

QWidget *PosScreen::buildCartSide()
{
    auto *side = new QWidget(this);
    auto *layout = new QVBoxLayout(side);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(10);

    m_scan = new QLineEdit(side);
    m_scan->setObjectName(u"scan"_s);
    m_scan->setPlaceholderText(tr("Scan a barcode or type a SKU or name, then Enter"));
    m_scan->setClearButtonEnabled(true);
    // Long enough for any SKU or search; a stuck scanner can't flood the field.
    m_scan->setMaxLength(int(MaxScanLength) * 4);
    m_scan->setMinimumHeight(52);
    theme::setRelativeFontSize(m_scan, 1.6);
    m_scan->installEventFilter(this);
    layout->addWidget(m_scan);

    m_message = plainLabel(u"message"_s, side);
    m_message->setMargin(8);
    theme::setRelativeFontSize(m_message, 1.15);
    m_message->hide();
    layout->addWidget(m_message);

    m_pickerHeading = plainLabel(u"picker-heading"_s, side);
    theme::setRelativeFontSize(m_pickerHeading, 1.15, true);
    m_pickerHeading->hide();
    layout->addWidget(m_pickerHeading);
    m_picker = new QListWidget(side);
    m_picker->setObjectName(u"picker"_s);
    m_picker->setFocusPolicy(Qt::NoFocus);
    m_picker->setMaximumHeight(260);
    theme::setRelativeFontSize(m_picker, 1.3);
    m_picker->hide();
    connect(m_picker, &QListWidget::itemClicked, this, [this](QListWidgetItem *item) {
        if (!(item->flags() & Qt::ItemIsEnabled))
            return;
        m_picker->setCurrentItem(item);
        pickCurrent();
    });
    layout->addWidget(m_picker);

    m_model = new PosCartModel(m_cart, this);
    m_table = new QTableView(side);
    m_table->setObjectName(u"cart"_s);
    m_table->setModel(m_model);
    m_table->setFocusPolicy(Qt::NoFocus);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setWordWrap(true);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(64);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(PosCartModel::ItemColumn, QHeaderView::Stretch);
    theme::setRelativeFontSize(m_table, 1.3);
    // Only the buttons follow the selection: reloading the model from inside the selection
    // model's own signal would pull the rows out from under the view mid-click.
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &PosScreen::updateCartActions);
    layout->addWidget(m_table, 1);

    auto *lineButtons = new QHBoxLayout;
    m_plus = bigButton(tr("+1  (keypad +)"), u"plus"_s, side);
    m_minus = bigButton(tr("−1  (keypad −)"), u"minus"_s, side);
    m_remove = bigButton(tr("Remove  (Del)"), u"remove"_s, side);
    m_lineDiscount = bigButton(tr("Line discount…  (Ctrl+D)"), u"line-discount"_s, side, 1.0);
    m_cartDiscount = bigButton(tr("Cart discount…  (Ctrl+Shift+D)"), u"cart-discount"_s, side, 1.0);
    for (QPushButton *b : {m_plus, m_minus, m_remove, m_lineDiscount, m_cartDiscount})
        lineButtons->addWidget(b);
    lineButtons->addStretch();
    layout->addLayout(lineButtons);
    connect(m_plus, &QPushButton::clicked, this, &PosScreen::incrementSelected);
    connect(m_minus, &QPushButton::clicked, this, &PosScreen::decrementSelected);
    connect(m_remove, &QPushButton::clicked, this, &PosScreen::removeSelected);
    connect(m_lineDiscount, &QPushButton::clicked, this, &PosScreen::openLineDiscountDialog);
    connect(m_cartDiscount, &QPushButton::clicked, this, &PosScreen::openCartDiscountDialog);
    // Staff never see what they may not use (the database would refuse it anyway).
    m_lineDiscount->setVisible(mayGiveDiscounts(m_role));
    m_cartDiscount->setVisible(mayGiveDiscounts(m_role));

    auto *totals = new QGridLayout;
    const auto addRow = [&](int row, const QString &label, QLabel *&value, const QString &name, qreal scale, bool bold) {
        auto *l = new QLabel(label, side);
        theme::setRelativeFontSize(l, scale, bold);
        value = plainLabel(name, side);
        value->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
        theme::setRelativeFontSize(value, scale, bold);
        totals->addWidget(l, row, 0);
        totals->addWidget(value, row, 1);
    };
    addRow(0, tr("Subtotal"), m_subtotal, u"subtotal"_s, 1.2, false);
    addRow(1, tr("Discount"), m_discount, u"discount"_s, 1.2, false);
    addRow(2, tr("Total"), m_total, u"total"_s, 2.0, true);
    layout->addLayout(totals);

    auto *chargeRow = new QHBoxLayout;
    m_charge = bigButton(tr("Charge  (F12)"), u"charge"_s, side, 1.8);
    m_charge->setMinimumHeight(72);
    m_chargeCash = bigButton(tr("Cash  (F9)"), u"charge-cash"_s, side, 1.4);
    m_chargeCash->setMinimumHeight(72);
    m_chargeCash->setVisible(mayTakeCash(m_role));
    chargeRow->addWidget(m_charge, 3);
    chargeRow->addWidget(m_chargeCash, 1);
    layout->addLayout(chargeRow);
    connect(m_charge, &QPushButton::clicked, this, &PosScreen::charge);
    connect(m_chargeCash, &QPushButton::clicked, this, &PosScreen::openCashDialog);
    return side;
}

QWidget *PosScreen::buildSalePanel()
{
    m_salePanel = new QFrame(this);
    m_salePanel->setObjectName(u"sale-panel"_s);
    m_salePanel->setFrameShape(QFrame::StyledPanel);
    auto *layout = new QVBoxLayout(m_salePanel);
    layout->setSpacing(10);

    m_idleHint = plainLabel(u"idle-hint"_s, m_salePanel);
    m_idleHint->setText(tr("Scan items, then Charge (F12).\nThe buyer pays on their phone with the QR code shown here."));
    m_idleHint->setAlignment(Qt::AlignCenter);
    theme::setRelativeFontSize(m_idleHint, 1.3);
    layout->addWidget(m_idleHint, 4);

    m_status = plainLabel(u"status"_s, m_salePanel);
    m_status->setAlignment(Qt::AlignCenter);
    m_status->setMargin(10);
    layout->addWidget(m_status);
    m_orderLabel = plainLabel(u"order-number"_s, m_salePanel);
    m_orderLabel->setAlignment(Qt::AlignCenter);
    theme::setRelativeFontSize(m_orderLabel, 1.2);
    layout->addWidget(m_orderLabel);
    m_amount = plainLabel(u"amount"_s, m_salePanel);
    m_amount->setAlignment(Qt::AlignCenter);
    theme::setRelativeFontSize(m_amount, 2.6, true);
    layout->addWidget(m_amount);

    m_qr = new QrCodeWidget(m_salePanel);
    m_qr->setObjectName(u"qr"_s);
    m_qr->setMinimumSize(260, 260);
    layout->addWidget(m_qr, 3, Qt::AlignHCenter);

    auto *urlRow = new QHBoxLayout;
    m_url = plainLabel(u"url"_s, m_salePanel);
    m_url->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_copy = bigButton(tr("Copy link"), u"copy"_s, m_salePanel, 1.0);
    urlRow->addWidget(m_url, 1);
    urlRow->addWidget(m_copy);
    layout->addLayout(urlRow);
    connect(m_copy, &QPushButton::clicked, this, [this] {
        if (!m_order || m_order->link.url.isEmpty())
            return;
        QGuiApplication::clipboard()->setText(m_order->link.url);
        showMessage(tr("Payment link copied."), Tone::Info);
    });

    m_countdown = plainLabel(u"countdown"_s, m_salePanel);
    m_countdown->setAlignment(Qt::AlignCenter);
    theme::setRelativeFontSize(m_countdown, 1.2);
    layout->addWidget(m_countdown);
    m_review = plainLabel(u"review"_s, m_salePanel);
    m_review->setMargin(6);
    m_review->setAutoFillBackground(true);
    layout->addWidget(m_review);

    m_confirm = new QFrame(m_salePanel);
    m_confirm->setObjectName(u"confirm"_s);
    m_confirm->setFrameShape(QFrame::StyledPanel);
    auto *confirmLayout = new QVBoxLayout(m_confirm);
    m_confirmText = plainLabel(u"confirm-text"_s, m_confirm);
    theme::setRelativeFontSize(m_confirmText, 1.2, true);
    confirmLayout->addWidget(m_confirmText);
    auto *confirmButtons = new QHBoxLayout;
    m_confirmYes = bigButton(tr("Yes  (Enter)"), u"confirm-yes"_s, m_confirm);
    m_confirmNo = bigButton(tr("No  (Esc)"), u"confirm-no"_s, m_confirm);
    confirmButtons->addWidget(m_confirmYes);
    confirmButtons->addWidget(m_confirmNo);
    confirmLayout->addLayout(confirmButtons);
    connect(m_confirmYes, &QPushButton::clicked, this, &PosScreen::confirmCancel);
    connect(m_confirmNo, &QPushButton::clicked, this, [this] {
        m_confirm->hide();
        focusScan();
    });
    m_confirm->hide();
    layout->addWidget(m_confirm);

    auto *actions = new QGridLayout;
    m_retryButton = bigButton(tr("Retry link"), u"retry"_s, m_salePanel);
    m_cash = bigButton(tr("Cash  (F9)"), u"cash"_s, m_salePanel);
    m_cancel = bigButton(tr("Cancel sale  (Esc)"), u"cancel"_s, m_salePanel);
    m_pdf = bigButton(tr("Save receipt PDF  (Ctrl+S)"), u"save-pdf"_s, m_salePanel, 1.0);
    m_print = bigButton(tr("Print receipt  (Ctrl+P)"), u"print"_s, m_salePanel, 1.0);
    m_newSale = bigButton(tr("New sale  (F2)"), u"new-sale"_s, m_salePanel, 1.4);
    actions->addWidget(m_retryButton, 0, 0);
    actions->addWidget(m_cash, 0, 1);
    actions->addWidget(m_cancel, 1, 0, 1, 2);
    actions->addWidget(m_pdf, 2, 0);
    actions->addWidget(m_print, 2, 1);
    actions->addWidget(m_newSale, 3, 0, 1, 2);
    layout->addLayout(actions);
    // Takes the room the QR code leaves when it is not shown, so the rest stays together.
    layout->addStretch(1);
    connect(m_retryButton, &QPushButton::clicked, this, &PosScreen::retryPaymentLink);
    connect(m_cash, &QPushButton::clicked, this, &PosScreen::openCashDialog);
    connect(m_cancel, &QPushButton::clicked, this, &PosScreen::requestCancel);
    connect(m_pdf, &QPushButton::clicked, this, &PosScreen::saveReceiptInteractively);
    connect(m_print, &QPushButton::clicked, this, &PosScreen::printReceipt);
    connect(m_newSale, &QPushButton::clicked, this, &PosScreen::newSale);
    return m_salePanel;
}

void PosScreen::bindKeys()
{
    const auto bind = [this](const QKeySequence &keys, void (PosScreen::*slot)()) {
        auto *shortcut = new QShortcut(keys, this);
        shortcut->setContext(Qt::WidgetWithChildrenShortcut);
        connect(shortcut, &QShortcut::activated, this, slot);
    };
    bind(QKeySequence(Qt::Key_F12), &PosScreen::charge);
    bind(QKeySequence(Qt::CTRL | Qt::Key_Return), &PosScreen::charge);
    bind(QKeySequence(Qt::CTRL | Qt::Key_Enter), &PosScreen::charge);
    bind(QKeySequence(Qt::Key_F9), &PosScreen::openCashDialog);
    bind(QKeySequence(Qt::Key_F2), &PosScreen::newSale);
    bind(QKeySequence(Qt::Key_Escape), &PosScreen::onEscape);
    bind(QKeySequence(Qt::CTRL | Qt::Key_S), &PosScreen::saveReceiptInteractively);
    bind(QKeySequence(Qt::CTRL | Qt::Key_P), &PosScreen::printReceipt);
    bind(QKeySequence(Qt::CTRL | Qt::Key_D), &PosScreen::openLineDiscountDialog);
    bind(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D), &PosScreen::openCartDiscountDialog);
}

bool PosScreen::eventFilter(QObject *watched, QEvent *event)
{
    if (watched != m_scan || event->type() != QEvent::KeyPress)
        return QWidget::eventFilter(watched, event);
    auto *key = static_cast<QKeyEvent *>(event);
    const bool keypad = key->modifiers() & Qt::KeypadModifier;
    const bool ctrl = key->modifiers() & Qt::ControlModifier;
    switch (key->key()) {
    case Qt::Key_Return:
    case Qt::Key_Enter:  // the keypad's Enter, which many scanners send
        if (ctrl)
            charge();
        else
            submitScan(m_scan->text());
        return true;
    case Qt::Key_Up:
    case Qt::Key_Down: {
        const int step = key->key() == Qt::Key_Up ? -1 : 1;
        if (m_pickerMode != PickerMode::None)
            movePicker(step);
        else
            moveCartSelection(step);
        return true;
    }
    case Qt::Key_PageUp:
    case Qt::Key_PageDown:
        if (m_pickerMode == PickerMode::None)
            break;
        movePicker(key->key() == Qt::Key_PageUp ? -5 : 5);
        return true;
    case Qt::Key_Plus:
        if (!keypad)
            break;
        incrementSelected();
        return true;
    case Qt::Key_Minus:
        if (!keypad)
            break;  // a '-' typed on the main keyboard belongs to the SKU
        decrementSelected();
        return true;
    case Qt::Key_Delete:
        if (!m_scan->text().isEmpty())
            break;
        removeSelected();
        return true;
    default:
        break;
    }
    return QWidget::eventFilter(watched, event);
}

void PosScreen::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    focusScan();
}

void PosScreen::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && !m_theming)
        applyTheme();
}

void PosScreen::applyTheme()
{
    m_theming = true;
    styleMessage();
    styleStatus();
    QPalette review = m_review->palette();
    review.setColor(QPalette::Window, theme::warningBackground(palette()));
    review.setColor(QPalette::WindowText, theme::warningText(palette()));
    m_review->setPalette(review);
    theme::setForeground(m_idleHint, theme::mutedText(palette()));
    theme::setForeground(m_countdown, theme::mutedText(palette()));
    m_theming = false;
}

void PosScreen::returnFromDialog()
{
    // The counter's keys (F12, Esc...) work only while this window is the active one.
    window()->activateWindow();
    focusScan();
}

void PosScreen::focusScan()
{
    if (m_scan->isEnabled())
        m_scan->setFocus(Qt::OtherFocusReason);
}

// ---------------------------------------------------------------------------------------------
// Scanning and the cart

void PosScreen::submitScan(const QString &text)
{
    m_scan->clear();
    focusScan();
    if (m_confirm->isVisible()) {
        // A person pressing Enter on an empty field answers the question; a scanner always
        // sends text first, so a scan can never confirm a cancel by accident.
        if (text.trimmed().isEmpty()) {
            confirmCancel();
            return;
        }
        m_confirm->hide();
    }
    if (m_pickerMode != PickerMode::None && pickerTakesEnter(text))
        return;
    const ScanInput scan = classifyScan(text);
    if (scan.kind == ScanKind::Empty)
        return;
    if (scan.kind == ScanKind::Rejected) {
        showMessage(scan.message, Tone::Error);
        return;
    }
    if (m_phase == Phase::Paid || m_phase == Phase::Canceled) {
        newSale();  // the next buyer's first scan starts their sale
    } else if (m_phase != Phase::Cart) {
        showMessage(tr("Finish this sale first: wait for the payment, take cash (F9) or cancel it (Esc)."),
                    Tone::Warning);
        return;
    }
    closePicker();
    lookUp(scan);
}

void PosScreen::lookUp(const ScanInput &scan)
{
    ++m_pendingLookups;
    const int sale = m_sale;
    runJob<Lookup>(
        [scan](PosStore &store) -> Result<Lookup> {
            Lookup lookup;
            lookup.query = scan.text;
            lookup.wasSku = scan.kind == ScanKind::Sku;
            if (lookup.wasSku) {
                auto product = store.findBySku(scan.text);
                if (product) {
                    lookup.exact = *product;
                    return lookup;
                }
                if (product.error().code != ErrorCode::NotFound)
                    return product.error();
                lookup.notFound = product.error().message;
            }
            // Also for an unknown SKU: a typo'd or partial code often still finds the shoe.
            auto found = store.search(scan.text, kSearchLimit);
            if (!found)
                return lookup.wasSku ? Result<Lookup>(lookup) : Result<Lookup>(found.error());
            lookup.matches = *found;
            if (!lookup.wasSku) {
                for (const SellableProduct &p : lookup.matches) {
                    if (p.sku.compare(scan.text, Qt::CaseInsensitive) == 0)
                        lookup.exact = p;
                }
            }
            return lookup;
        },
        [this, sale](const Result<Lookup> &result) {
            --m_pendingLookups;
            if (sale != m_sale || m_phase != Phase::Cart)
                return;  // the sale moved on while the lookup ran
            if (!result) {
                showMessage(tr("Couldn't look that up: %1").arg(result.error().message), Tone::Error);
                return;
            }
            onLookup(*result);
        });
}

void PosScreen::onLookup(const Lookup &lookup)
{
    if (lookup.exact) {
        offerProduct(*lookup.exact);
        return;
    }
    const QString notFound = lookup.notFound.isEmpty() ? tr("No product with SKU %1.").arg(lookup.query) : lookup.notFound;
    if (!lookup.matches.isEmpty()) {
        if (lookup.wasSku)
            showMessage(notFound, Tone::Warning);
        showProductPicker(lookup.matches, lookup.wasSku ? tr("Did you mean… (↑/↓ then Enter)")
                                                        : tr("%n match(es) for “%1” (↑/↓ then Enter)", "",
                                                             int(lookup.matches.size()))
                                                              .arg(lookup.query));
        return;
    }
    showMessage(lookup.wasSku ? notFound : tr("Nothing matches “%1”.").arg(lookup.query), Tone::Warning);
}

void PosScreen::offerProduct(const SellableProduct &product)
{
    const QList<SellableSize> inStock = PosCart::sizesInStock(product);
    if (inStock.isEmpty()) {
        showMessage(tr("%1 (%2) is sold out.").arg(productTitle(product), product.sku), Tone::Error);
        return;
    }
    if (isFlat(product) || inStock.size() == 1) {
        addToCart(product, inStock.front().size);
        return;
    }
    showSizePicker(product);
}

void PosScreen::addToCart(const SellableProduct &product, const QString &size)
{
    auto added = m_cart.add(product, size);
    if (!added) {
        showMessage(added.error().message, added.error().code == ErrorCode::OutOfStock ? Tone::Error : Tone::Warning);
        return;
    }
    closePicker();
    refreshCart();
    selectRow(int(*added));
    const PosCartLine &line = m_cart.lines()[*added];
    showMessage(size.isEmpty() ? tr("Added %1 (%2 in the cart).").arg(line.title()).arg(line.quantity)
                               : tr("Added %1, size %2 (%3 in the cart).").arg(line.title(), size).arg(line.quantity),
                Tone::Info);
}

void PosScreen::showProductPicker(const QList<SellableProduct> &products, const QString &heading)
{
    m_pickerMode = PickerMode::Products;
    m_pickerProducts = products;
    m_picker->clear();
    int first = -1;
    for (qsizetype i = 0; i < products.size(); ++i) {
        const SellableProduct &p = products[i];
        const int available = totalAvailable(p);
        auto *item = new QListWidgetItem(
            tr("%1 — %2 — %3 — %4").arg(productTitle(p), p.sku, formatMoney(p.price),
                                        available > 0 ? tr("%1 in stock").arg(available) : tr("sold out")),
            m_picker);
        item->setData(kPickerRole, int(i));
        if (available <= 0)
            item->setFlags(Qt::NoItemFlags);
        else if (first < 0)
            first = int(i);
    }
    m_picker->setCurrentRow(first);
    m_pickerHeading->setText(heading);
    m_pickerHeading->show();
    m_picker->show();
}

void PosScreen::showSizePicker(const SellableProduct &product)
{
    m_pickerMode = PickerMode::Sizes;
    m_pickerProduct = product;
    m_picker->clear();
    int first = -1;
    for (qsizetype i = 0; i < product.sizes.size(); ++i) {
        const SellableSize &s = product.sizes[i];
        auto *item = new QListWidgetItem(s.available > 0 ? tr("Size %1 — %2 in stock").arg(s.size).arg(s.available)
                                                         : tr("Size %1 — sold out").arg(s.size),
                                         m_picker);
        item->setData(kPickerRole, s.size);
        if (s.available <= 0)
            item->setFlags(Qt::NoItemFlags);  // sold-out sizes are shown, never chosen
        else if (first < 0)
            first = int(i);
    }
    m_picker->setCurrentRow(first);
    m_pickerHeading->setText(tr("Size of %1? ↑/↓ then Enter, or type the size and Enter. Esc: never mind.")
                                 .arg(productTitle(product)));
    m_pickerHeading->show();
    m_picker->show();
}

void PosScreen::closePicker()
{
    m_pickerMode = PickerMode::None;
    m_pickerProducts.clear();
    m_picker->clear();
    m_picker->hide();
    m_pickerHeading->hide();
}

bool PosScreen::pickerTakesEnter(const QString &text)
{
    const QString typed = text.trimmed();
    if (typed.isEmpty()) {
        pickCurrent();
        return true;
    }
    if (m_pickerMode != PickerMode::Sizes)
        return false;
    for (const SellableSize &s : m_pickerProduct.sizes) {
        if (s.size == typed) {
            if (s.available <= 0)
                showMessage(tr("Size %1 of %2 is sold out.").arg(s.size, productTitle(m_pickerProduct)), Tone::Error);
            else
                addToCart(m_pickerProduct, s.size);
            return true;
        }
    }
    return false;  // not a size of this shoe: a new scan
}

void PosScreen::pickCurrent()
{
    QListWidgetItem *item = m_picker->currentItem();
    if (!item || !(item->flags() & Qt::ItemIsEnabled)) {
        showMessage(tr("Nothing in stock to pick here."), Tone::Warning);
        return;
    }
    if (m_pickerMode == PickerMode::Products) {
        const int index = item->data(kPickerRole).toInt();
        if (index >= 0 && index < m_pickerProducts.size()) {
            const SellableProduct product = m_pickerProducts[index];
            closePicker();
            offerProduct(product);
        }
    } else if (m_pickerMode == PickerMode::Sizes) {
        addToCart(m_pickerProduct, item->data(kPickerRole).toString());
    }
}

void PosScreen::movePicker(int step)
{
    const int count = m_picker->count();
    int row = m_picker->currentRow();
    int target = row;
    for (int moved = 0, r = row; moved < qAbs(step);) {
        r += step > 0 ? 1 : -1;
        if (r < 0 || r >= count)
            break;
        if (m_picker->item(r)->flags() & Qt::ItemIsEnabled) {
            target = r;
            ++moved;
        }
    }
    if (target != row)
        m_picker->setCurrentRow(target);
}

void PosScreen::moveCartSelection(int step)
{
    if (m_cart.isEmpty())
        return;
    const int row = selectedRow();
    selectRow(qBound(0, row < 0 ? 0 : row + step, int(m_cart.size()) - 1));
}

void PosScreen::selectRow(int row)
{
    if (row < 0 || row >= m_model->rowCount()) {
        m_table->clearSelection();
        return;
    }
    m_table->selectRow(row);
    m_table->scrollTo(m_model->index(row, 0));
}

int PosScreen::selectedRow() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? -1 : rows.front().row();
}

void PosScreen::incrementSelected()
{
    stepSelected(&PosCart::increment);
}

void PosScreen::decrementSelected()
{
    stepSelected(&PosCart::decrement);
}

void PosScreen::stepSelected(Status (PosCart::*step)(qsizetype))
{
    if (m_phase != Phase::Cart)
        return;
    const int row = selectedRow();
    if (Status s = (m_cart.*step)(row); !s)
        showMessage(s.error().message, Tone::Warning);
    refreshCart();
    selectRow(row);
}

void PosScreen::removeSelected()
{
    if (m_phase != Phase::Cart)
        return;
    const int row = selectedRow();
    if (Status s = m_cart.remove(row); !s) {
        showMessage(s.error().message, Tone::Warning);
        return;
    }
    refreshCart();
    selectRow(qMin(row, int(m_cart.size()) - 1));
}

void PosScreen::openLineDiscountDialog()
{
    if (!mayGiveDiscounts(m_role) || m_phase != Phase::Cart)
        return;
    const int row = selectedRow();
    if (row < 0) {
        showMessage(tr("Select an item in the cart first (↑/↓)."), Tone::Warning);
        return;
    }
    const PosCartLine &line = m_cart.lines()[row];
    auto *dialog = new DiscountDialog(line.size.isEmpty() ? line.title() : tr("%1, size %2").arg(line.title(), line.size),
                                      m_cart.currency(), m_cart.discountReason(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &DiscountDialog::discountChosen, this, [this, dialog, row](const PosDiscount &d, const QString &reason) {
        if (Status s = applyLineDiscount(row, d, reason); s)
            dialog->accept();
        else
            dialog->showError(s.error().message);
    });
    connect(dialog, &QDialog::finished, this, &PosScreen::returnFromDialog);
    dialog->open();
}

void PosScreen::openCartDiscountDialog()
{
    if (!mayGiveDiscounts(m_role) || m_phase != Phase::Cart)
        return;
    if (m_cart.isEmpty()) {
        showMessage(tr("Scan items before giving a discount."), Tone::Warning);
        return;
    }
    auto *dialog = new DiscountDialog(tr("the whole cart"), m_cart.currency(), m_cart.discountReason(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &DiscountDialog::discountChosen, this, [this, dialog](const PosDiscount &d, const QString &reason) {
        if (Status s = applyCartDiscount(d, reason); s)
            dialog->accept();
        else
            dialog->showError(s.error().message);
    });
    connect(dialog, &QDialog::finished, this, &PosScreen::returnFromDialog);
    dialog->open();
}

Status PosScreen::applyLineDiscount(int row, const PosDiscount &discount, const QString &reason)
{
    if (m_phase != Phase::Cart)
        return Error::conflict(tr("The sale is already charged."));
    if (!discount.isNone() && reason.trimmed().isEmpty())
        return Error::invalid(tr("Give a reason for the discount."), u"reason"_s);
    const QString before = m_cart.discountReason();
    if (Status s = m_cart.setDiscountReason(reason); !s)
        return s;
    if (Status s = m_cart.setLineDiscount(row, discount); !s) {
        (void)m_cart.setDiscountReason(before);
        return s;
    }
    refreshCart();
    selectRow(row);
    return {};
}

Status PosScreen::applyCartDiscount(const PosDiscount &discount, const QString &reason)
{
    if (m_phase != Phase::Cart)
        return Error::conflict(tr("The sale is already charged."));
    if (!discount.isNone() && reason.trimmed().isEmpty())
        return Error::invalid(tr("Give a reason for the discount."), u"reason"_s);
    const QString before = m_cart.discountReason();
    if (Status s = m_cart.setDiscountReason(reason); !s)
        return s;
    if (Status s = m_cart.setCartDiscount(discount); !s) {
        (void)m_cart.setDiscountReason(before);
        return s;
    }
    refreshCart();
    return {};
}

// ---------------------------------------------------------------------------------------------
// The sale

void PosScreen::charge()
{
    startSale(false);
}

void PosScreen::startSale(bool thenCash)
{
    if (m_phase != Phase::Cart) {
        if (m_phase == Phase::Waiting && thenCash)
            openCashDialog();
        return;
    }
    if (m_pendingLookups > 0) {
        showMessage(tr("Still looking up the last scan: charge again in a moment."), Tone::Warning);
        return;
    }
    auto sale = m_cart.toSaleRequest(m_shop.linkMinutes);
    if (!sale) {
        showMessage(sale.error().message, Tone::Warning);
        return;
    }
    closePicker();
    m_confirm->hide();
    ++m_sale;
    const int token = m_sale;
    m_phase = Phase::Placing;
    m_cashAfterPlacing = thenCash;
    clearMessage();
    refreshCart();
    refreshSalePanel();
    runJob<PosOrderState>([request = *sale](PosStore &store) { return store.placeSale(request); },
                          [this, token](const Result<PosOrderState> &result) {
                              if (token != m_sale)
                                  return;
                              if (!result) {
                                  // Nothing was held (placeSale is all or nothing): back to the cart.
                                  m_phase = Phase::Cart;
                                  m_cashAfterPlacing = false;
                                  showMessage(tr("Couldn't start the sale: %1").arg(result.error().message), Tone::Error);
                                  refreshCart();
                                  refreshSalePanel();
                                  return;
                              }
                              applyOrder(*result);
                          });
}

void PosScreen::applyOrder(const PosOrderState &state)
{
    const bool wasPaid = m_phase == Phase::Paid;
    m_order = state;
    m_orderId = state.orderId;
    if (m_failures > 0)
        showMessage(tr("Back in touch: the sale is up to date."), Tone::Info);
    m_failures = 0;
    m_retryTimer.stop();
    switch (state.status) {
    case OrderStatus::Pending:
    case OrderStatus::AwaitingPayment: m_phase = Phase::Waiting; break;
    case OrderStatus::Canceled: m_phase = Phase::Canceled; break;
    default: m_phase = Phase::Paid; break;
    }
    if (m_phase != Phase::Waiting) {
        m_cancelSent = false;
        // Paid by card or canceled while the cash dialog was open: nothing left to take.
        if (auto *cash = findChild<CashTenderDialog *>())
            cash->reject();
    }
    refreshCart();
    refreshSalePanel();
    if (!wasPaid && m_phase == Phase::Paid)
        Q_EMIT salePaid(state.orderId);
    if (m_cashAfterPlacing && m_phase == Phase::Waiting) {
        m_cashAfterPlacing = false;
        openCashDialog();
    }
}

void PosScreen::refreshOrder()
{
    if (m_orderId.isEmpty())
        return;
    if (m_refreshRunning) {
        m_refreshAgain = true;
        return;
    }
    m_refreshRunning = true;
    const int token = m_sale;
    const QString id = m_orderId;
    runJob<PosOrderState>([id](PosStore &store) { return store.orderState(id); },
                          [this, token, id](const Result<PosOrderState> &result) {
                              m_refreshRunning = false;
                              if (token == m_sale && id == m_orderId) {
                                  if (result)
                                      applyOrder(*result);
                                  else
                                      onCallFailed(tr("Couldn't read the sale"), result.error());
                              }
                              if (m_refreshAgain) {
                                  m_refreshAgain = false;
                                  refreshOrder();
                              }
                          });
}

void PosScreen::onCallFailed(const QString &what, const Error &error)
{
    showMessage(tr("%1: %2 Checking again shortly.").arg(what, error.message), Tone::Error);
    if (m_orderId.isEmpty())
        return;
    ++m_failures;
    // 1 s, 2 s, 4 s ... up to 30 s: the order's real state is read again until it answers.
    static constexpr Backoff refreshBackoff(std::chrono::seconds(1), std::chrono::seconds(30));
    m_retryTimer.start(refreshBackoff.delay(m_failures));
}

void PosScreen::retryPaymentLink()
{
    if (m_phase != Phase::Waiting || !m_order || m_order->link.state != PaymentLinkState::Failed)
        return;
    const int token = m_sale;
    const QString id = m_orderId;
    // Shown at once; the re-read below confirms it. The same order asks again: never a new one.
    m_order->link.state = PaymentLinkState::Requested;
    m_order->link.error.clear();
    refreshSalePanel();
    runJob<void>([id](PosStore &store) { return store.retryPaymentLink(id); },
                 [this, token](const Status &result) {
                     if (token != m_sale)
                         return;
                     if (!result)
                         onCallFailed(tr("Couldn't ask for the link again"), result.error());
                     refreshOrder();
                 });
}

void PosScreen::onEscape()
{
    if (m_pickerMode != PickerMode::None) {
        closePicker();
    } else if (m_confirm->isVisible()) {
        m_confirm->hide();
    } else if (!m_scan->text().isEmpty()) {
        m_scan->clear();
    } else {
        requestCancel();
    }
    focusScan();
}

void PosScreen::requestCancel()
{
    switch (m_phase) {
    case Phase::Cart:
        if (m_cart.isEmpty())
            return;
        m_confirmText->setText(tr("Clear the cart?"));
        break;
    case Phase::Waiting:
        if (m_cancelSent)
            return;
        m_confirmText->setText(tr("Cancel this sale? The items go back in stock and the payment link stops working."));
        break;
    case Phase::Placing:
        showMessage(tr("The sale is being created; cancel it once it shows."), Tone::Warning);
        return;
    case Phase::Paid:
        showMessage(tr("This sale is paid. Refunds are made from the Orders screen."), Tone::Warning);
        return;
    case Phase::Canceled:
        return;
    }
    m_confirm->show();
    focusScan();
}

void PosScreen::confirmCancel()
{
    m_confirm->hide();
    focusScan();
    if (m_phase == Phase::Cart) {
        m_cart.clear();
        refreshCart();
        showMessage(tr("Cart cleared."), Tone::Info);
        return;
    }
    if (m_phase == Phase::Waiting) {
        m_cancelNote = tr("Canceled at the counter.");
        cancelNow(tr("Canceled at the counter"));
    }
}

void PosScreen::cancelNow(const QString &reason)
{
    if (!m_order || m_cancelSent || m_phase != Phase::Waiting)
        return;
    m_cancelSent = true;
    refreshSalePanel();
    const int token = m_sale;
    const QString id = m_orderId;
    runJob<void>([id, reason](PosStore &store) { return store.cancelSale(id, reason); },
                 [this, token](const Status &result) {
                     if (token != m_sale)
                         return;
                     if (!result) {
                         m_cancelSent = false;
                         m_cancelRetryAt = m_now().addSecs(5);
                         // Conflict: it was paid meanwhile; the re-read shows it.
                         if (result.error().code != ErrorCode::Conflict)
                             onCallFailed(tr("Couldn't cancel the sale"), result.error());
                     }
                     refreshOrder();
                 });
}

void PosScreen::tick()
{
    if (m_phase != Phase::Waiting || !m_order || !m_order->reservedUntil.isValid()) {
        m_countdown->clear();
        return;
    }
    const QDateTime now = m_now();
    const qint64 left = now.secsTo(m_order->reservedUntil);
    if (left > 0) {
        m_countdown->setText(tr("Link valid for %1:%2").arg(left / 60).arg(left % 60, 2, 10, QChar(u'0')));
        return;
    }
    m_countdown->setText(tr("The payment link expired."));
    // The server cancels it too; the counter does not wait for that to free the screen.
    if (!m_cancelSent && (!m_cancelRetryAt.isValid() || now >= m_cancelRetryAt)) {
        m_cancelNote = tr("The payment link expired before it was paid.");
        cancelNow(tr("Payment link expired"));
    }
}

void PosScreen::openCashDialog()
{
    if (!mayTakeCash(m_role)) {
        showMessage(tr("Only operations staff and administrators can take cash."), Tone::Warning);
        return;
    }
    if (m_phase == Phase::Cart) {
        startSale(true);  // the order holds the stock first, then the cash is recorded
        return;
    }
    if (m_phase != Phase::Waiting || !m_order || m_cancelSent || findChild<CashTenderDialog *>())
        return;
    auto *dialog = new CashTenderDialog(m_order->totals.total, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { recordCash(dialog->tendered()); });
    connect(dialog, &QDialog::finished, this, &PosScreen::returnFromDialog);
    dialog->open();
}

void PosScreen::recordCash(const Money &tendered)
{
    if (m_phase != Phase::Waiting || m_orderId.isEmpty())
        return;
    const int token = m_sale;
    const QString id = m_orderId;
    setStatus(tr("Recording cash…"), Tone::Info);
    runJob<PosOrderState>([id, tendered](PosStore &store) { return store.recordCashPayment(id, tendered); },
                          [this, token](const Result<PosOrderState> &result) {
                              if (token != m_sale)
                                  return;
                              if (result) {
                                  applyOrder(*result);
                                  return;
                              }
                              onCallFailed(tr("Couldn't record the cash payment"), result.error());
                              refreshOrder();
                          });
}

void PosScreen::onOrderChanged(const QString &orderId)
{
    if (m_orderId.isEmpty() || orderId != m_orderId)
        return;  // another till's order, or a sale this screen has moved on from
    // A wake-up, not a verdict: PAID shows only once the re-read order says so (a login of the
    // shop can send a forged notice; the database's row can't be forged).
    refreshOrder();
}

void PosScreen::onConnectionChanged(bool connected)
{
    m_live = connected;
    if (!connected) {
        m_poll.start();
        if (m_phase == Phase::Waiting)
            showMessage(tr("Live updates paused while the connection is restored; the sale is checked every few seconds."),
                        Tone::Warning);
        return;
    }
    m_poll.stop();
    // Notifications sent while the feed was down are gone: read the real state.
    refreshOrder();
}

void PosScreen::newSale()
{
    if (m_phase == Phase::Placing || m_phase == Phase::Waiting) {
        showMessage(tr("Finish this sale first: wait for the payment, take cash (F9) or cancel it (Esc)."), Tone::Warning);
        return;
    }
    if (m_phase == Phase::Cart) {
        if (!m_cart.isEmpty())
            showMessage(tr("This cart isn't charged yet: Charge (F12), or Esc to clear it."), Tone::Warning);
        return;
    }
    ++m_sale;
    m_phase = Phase::Cart;
    m_order.reset();
    m_orderId.clear();
    m_cart.clear();
    m_cancelSent = false;
    m_cashAfterPlacing = false;
    m_cancelNote.clear();
    m_cancelRetryAt = {};
    m_failures = 0;
    m_retryTimer.stop();
    m_confirm->hide();
    closePicker();
    clearMessage();
    refreshCart();
    refreshSalePanel();
    focusScan();
}

// ---------------------------------------------------------------------------------------------
// Receipt

std::optional<Receipt> PosScreen::receipt() const
{
    if (!m_order)
        return std::nullopt;
    auto built = buildReceipt(*m_order, {m_shop.name, m_shop.addressLine, m_shop.timeZone});
    if (!built)
        return std::nullopt;
    return *built;
}

Status PosScreen::saveReceiptPdf(const QString &path) const
{
    if (m_phase != Phase::Paid)
        return Error::conflict(tr("The receipt is ready once the sale is paid."));
    // Right after the live "paid" the payment details are still being read: a receipt must
    // never say "Not paid" under PAID.
    if (!m_order || m_order->paymentMethod == PaymentMethod::None)
        return Error::unavailable(tr("The payment details are still loading; try again in a moment."));
    const auto r = receipt();
    if (!r)
        return Error::internal(tr("This sale has no receipt."));
    return ReceiptPrinter(*r).savePdf(path);
}

void PosScreen::saveReceiptInteractively()
{
    if (m_phase != Phase::Paid || !m_order || m_order->paymentMethod == PaymentMethod::None)
        return;
    const QString suggested = QDir(QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation))
                                  .filePath(u"receipt-%1.pdf"_s.arg(formatOrderNumber(m_order->orderNumber)));
    const QString path = QFileDialog::getSaveFileName(this, tr("Save receipt"), suggested, tr("PDF files (*.pdf)"));
    focusScan();
    if (path.isEmpty())
        return;
    if (Status saved = saveReceiptPdf(path); !saved)
        showMessage(saved.error().message, Tone::Error);
    else
        showMessage(tr("Receipt saved to %1.").arg(QDir::toNativeSeparators(path)), Tone::Info);
}

void PosScreen::printReceipt()
{
    if (m_phase != Phase::Paid || !m_order || m_order->paymentMethod == PaymentMethod::None)
        return;
    if (const auto r = receipt())
        ReceiptPrinter(*r).printWithDialog(this);
    focusScan();
}

// ---------------------------------------------------------------------------------------------
// Showing state

QString PosScreen::statusText() const
{
    return m_status->isVisible() || m_phase != Phase::Cart ? m_status->text() : QString();
}

QString PosScreen::messageText() const
{
    return m_message->isVisible() ? m_message->text() : QString();
}

void PosScreen::showMessage(const QString &text, Tone tone)
{
    m_message->setText(text);
    m_messageTone = tone;
    styleMessage();
    m_message->show();
    if (tone == Tone::Info)
        m_messageTimer.start(kInfoMessageMs);
    else
        m_messageTimer.stop();  // problems stay until the next thing happens
    Q_EMIT messageShown(text);
}

void PosScreen::clearMessage()
{
    m_message->clear();
    m_message->hide();
}

void PosScreen::styleMessage()
{
    QPalette p = m_message->palette();
    const QPalette &base = palette();
    switch (m_messageTone) {
    case Tone::Info:
        p.setColor(QPalette::Window, base.color(QPalette::AlternateBase));
        p.setColor(QPalette::WindowText, base.color(QPalette::WindowText));
        break;
    case Tone::Warning:
        p.setColor(QPalette::Window, theme::warningBackground(base));
        p.setColor(QPalette::WindowText, theme::warningText(base));
        break;
    case Tone::Error:
        p.setColor(QPalette::Window, theme::errorBackground(base));
        p.setColor(QPalette::WindowText, theme::errorText(base));
        break;
    }
    m_message->setAutoFillBackground(true);
    m_message->setPalette(p);
}

void PosScreen::setStatus(const QString &text, Tone tone, bool paid)
{
    m_status->setText(text);
    m_statusTone = tone;
    m_statusPaid = paid;
    styleStatus();
}

void PosScreen::styleStatus()
{
    QPalette p = palette();
    if (m_statusPaid) {
        // Colour and a word: PAID reads from across the counter and without colour vision.
        p.setColor(QPalette::Window, successBackground(palette()));
        p.setColor(QPalette::WindowText, Qt::white);
        m_status->setAutoFillBackground(true);
    } else {
        m_status->setAutoFillBackground(m_statusTone == Tone::Error);
        if (m_statusTone == Tone::Error) {
            p.setColor(QPalette::Window, theme::errorBackground(palette()));
            p.setColor(QPalette::WindowText, theme::errorText(palette()));
        } else {
            p.setColor(QPalette::WindowText, m_statusTone == Tone::Warning ? theme::warningText(palette())
                                                                           : palette().color(QPalette::WindowText));
        }
    }
    QFont f = m_status->font();
    f.setPointSizeF(QApplication::font().pointSizeF() * (m_statusPaid ? 4.0 : 1.8));
    f.setBold(true);
    m_status->setFont(f);
    m_status->setPalette(p);
}

void PosScreen::refreshCart()
{
    const int row = selectedRow();
    {
        const QSignalBlocker block(m_table->selectionModel());
        m_model->reload();
        if (row >= 0 && row < m_model->rowCount())
            m_table->selectRow(row);
    }
    updateCartActions();

    // While a sale is open the figures shown are the order's, as the store computed them.
    OrderTotals totals;
    if (m_order && m_phase != Phase::Cart) {
        totals = m_order->totals;
    } else if (auto t = m_cart.totals()) {
        totals = *t;
    } else {
        showMessage(t.error().message, Tone::Error);
        return;
    }
    m_subtotal->setText(formatMoney(totals.subtotal));
    m_discount->setText(totals.discount.isZero() ? u"—"_s : u"-"_s + formatMoney(totals.discount));
    m_total->setText(formatMoney(totals.total));
}

void PosScreen::updateCartActions()
{
    const bool editing = m_phase == Phase::Cart;
    const bool hasRow = editing && selectedRow() >= 0;
    m_plus->setEnabled(hasRow);
    m_minus->setEnabled(hasRow);
    m_remove->setEnabled(hasRow);
    m_lineDiscount->setEnabled(hasRow);
    m_cartDiscount->setEnabled(editing && !m_cart.isEmpty());
    m_charge->setEnabled(editing && !m_cart.isEmpty());
    m_chargeCash->setEnabled(editing && !m_cart.isEmpty());
}

void PosScreen::refreshSalePanel()
{
    const bool open = m_phase != Phase::Cart;
    m_idleHint->setVisible(!open);
    m_status->setVisible(open);
    m_orderLabel->setVisible(open && m_order);
    m_amount->setVisible(open);
    const bool waiting = m_phase == Phase::Waiting && m_order;
    const bool ready = waiting && m_order->link.state == PaymentLinkState::Ready && !m_order->link.url.isEmpty() && !m_cancelSent;
    const bool failed = waiting && m_order->link.state == PaymentLinkState::Failed && !m_cancelSent;
    if (ready && m_qr->text() != m_order->link.url && !m_qr->setText(m_order->link.url))
        showMessage(tr("The link is too long for a QR code: copy it instead."), Tone::Warning);
    if (!ready)
        m_qr->setText(QString());
    m_qr->setVisible(ready);
    m_url->setVisible(ready);
    m_copy->setVisible(ready);
    m_url->setText(ready ? m_order->link.url : QString());
    m_countdown->setVisible(waiting && !m_cancelSent);
    m_retryButton->setVisible(failed);
    m_cash->setVisible(waiting && mayTakeCash(m_role) && !m_cancelSent);
    m_cancel->setVisible(waiting && !m_cancelSent);
    const bool paid = m_phase == Phase::Paid;
    const bool receiptReady = paid && m_order && m_order->paymentMethod != PaymentMethod::None;
    m_pdf->setVisible(receiptReady);
    m_print->setVisible(receiptReady);
    m_newSale->setVisible(paid || m_phase == Phase::Canceled);
    if (!waiting)
        m_confirm->hide();
    m_review->setVisible(m_order && m_order->needsReview);
    if (m_order && m_order->needsReview)
        m_review->setText(tr("Flagged for review: %1").arg(m_order->reviewReason));

    if (m_order) {
        m_orderLabel->setText(tr("Order %1").arg(formatOrderNumber(m_order->orderNumber)));
        m_amount->setText(formatMoney(m_order->totals.total));
    } else if (auto t = m_cart.totals()) {
        m_amount->setText(formatMoney(t->total));
    }

    switch (m_phase) {
    case Phase::Cart:
        setStatus(QString(), Tone::Info);
        break;
    case Phase::Placing:
        setStatus(tr("Creating the sale…"), Tone::Info);
        break;
    case Phase::Waiting:
        if (m_cancelSent)
            setStatus(tr("Canceling…"), Tone::Warning);
        else if (failed)
            setStatus(tr("Link failed: %1").arg(m_order->link.error.isEmpty() ? tr("unknown error") : m_order->link.error),
                      Tone::Error);
        else if (ready)
            setStatus(tr("Waiting for payment"), Tone::Info);
        else if (m_order->link.state == PaymentLinkState::Deactivated)
            setStatus(tr("Payment link closed"), Tone::Warning);
        else
            setStatus(tr("Creating payment link…"), Tone::Info);
        break;
    case Phase::Paid:
        if (m_order && (m_order->status == OrderStatus::Refunded || m_order->status == OrderStatus::PartiallyRefunded))
            setStatus(displayName(m_order->status), Tone::Warning);
        else
            setStatus(tr("PAID"), Tone::Info, true);
        if (m_order && m_order->paymentMethod != PaymentMethod::None)
            m_orderLabel->setText(tr("Order %1 · %2").arg(formatOrderNumber(m_order->orderNumber), describePayment(*m_order)));
        break;
    case Phase::Canceled:
        setStatus(m_cancelNote.isEmpty() ? tr("Canceled") : tr("Canceled — %1").arg(m_cancelNote), Tone::Warning);
        break;
    }
    tick();
}

} // namespace rdk
