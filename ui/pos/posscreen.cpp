#include "ui/pos/posscreen.h"

#include "domain/moneyformat.h"
#include "domain/order.h"
#include "ui/pos/cartpanel.h"
#include "ui/pos/drawerstrip.h"
#include "ui/pos/paymentpanel.h"
#include "ui/pos/scanpanel.h"
#include "ui/releases/buyeremaildialog.h"

#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLineEdit>
#include <QPushButton>
#include <QShortcut>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace rdk {

PosScreen::PosScreen(PosStoreFactory stores, OrderChangeFeed *feed, StaffRole role, PosShop shop, QWidget *parent)
    : QWidget(parent), m_sale(std::make_unique<SaleController>(std::move(stores), feed, role, std::move(shop)))
{
    setObjectName(u"pos"_s);
    buildUi();
    bindKeys();
    routeMessages();
    connect(m_sale.get(), &SaleController::salePaid, this, &PosScreen::salePaid);
    connect(m_sale.get(), &SaleController::buyerEmailWanted, this, &PosScreen::askBuyerEmail);
}

void PosScreen::setBuyerEmailSuggestion(std::function<QString()> suggest)
{
    m_buyerEmailSuggestion = std::move(suggest);
}

void PosScreen::askBuyerEmail()
{
    if (m_buyerEmailDialog) {
        m_buyerEmailDialog->raise();
        return;
    }
    QString suggestion = m_sale->lastBuyerEmail();
    if (suggestion.isEmpty() && m_buyerEmailSuggestion)
        suggestion = m_buyerEmailSuggestion();
    m_buyerEmailDialog = new BuyerEmailDialog(suggestion, this);
    m_buyerEmailDialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_buyerEmailDialog, &QDialog::accepted, this, [this, dialog = m_buyerEmailDialog] {
        m_sale->provideBuyerEmail(dialog->email());
    });
    connect(m_buyerEmailDialog, &QDialog::finished, this, &PosScreen::focusScan);
    m_buyerEmailDialog->open();
    m_buyerEmailDialog->activateWindow();
}

PosScreen::~PosScreen()
{
    // The scan field's focus-out while it is destroyed must not reach eventFilter(), which asks
    // the (by then half-destroyed) scan panel for the field (UBSan caught it).
    scanField()->removeEventFilter(this);
    // The panels show the controller's state (the cart's table reads its cart): they go first.
    delete m_cartSide;
    delete m_paymentPanel;
}

void PosScreen::setClock(std::function<QDateTime()> now)
{
    m_sale->setClock(std::move(now));
}

void PosScreen::attachDrawer(DrawerStoreFactory drawers)
{
    if (m_drawerStrip)
        return;
    m_drawerStrip = new DrawerStrip(std::move(drawers), m_sale->shop().currency, m_sale->shop().timeZone,
                                    m_sale->role() != StaffRole::Staff, m_cartSide);
    static_cast<QVBoxLayout *>(m_cartSide->layout())->insertWidget(0, m_drawerStrip);
    connect(m_drawerStrip, &DrawerStrip::drawerChanged, m_sale.get(), &SaleController::setCashDrawerOpen);
    connect(m_drawerStrip, &DrawerStrip::dialogClosed, this, &PosScreen::returnFromDialog);
    connect(m_drawerStrip, &DrawerStrip::message, this,
            [this](const QString &text) { m_scanPanel->showMessage(text, SaleController::Tone::Warning); });
    // What the drawer holds changes with every cash sale.
    connect(m_sale.get(), &SaleController::salePaid, m_drawerStrip, &DrawerStrip::refresh);
    const auto bind = [this](const QKeySequence &keys, auto slot) {
        auto *shortcut = new QShortcut(keys, this);
        shortcut->setContext(Qt::WidgetWithChildrenShortcut);
        connect(shortcut, &QShortcut::activated, m_drawerStrip, slot);
    };
    bind(QKeySequence(Qt::Key_F8), &DrawerStrip::primaryAction);
    bind(QKeySequence(Qt::CTRL | Qt::Key_F8), &DrawerStrip::payInOrOut);
    bind(QKeySequence(Qt::SHIFT | Qt::Key_F8), &DrawerStrip::closeDrawer);
    bind(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F8), &DrawerStrip::showOpenDrawers);
}

void PosScreen::buildUi()
{
    auto *root = new QHBoxLayout(this);
    root->setContentsMargins(16, 16, 16, 16);
    root->setSpacing(16);
    m_cartSide = new QWidget(this);
    auto *side = new QVBoxLayout(m_cartSide);
    side->setContentsMargins(0, 0, 0, 0);
    side->setSpacing(10);
    m_scanPanel = new ScanPanel(*m_sale, m_cartSide);
    m_cartPanel = new CartPanel(*m_sale, m_cartSide);
    side->addWidget(m_scanPanel);
    side->addWidget(m_cartPanel, 1);
    m_paymentPanel = new PaymentPanel(*m_sale, this);
    root->addWidget(m_cartSide, 3);
    root->addWidget(m_paymentPanel, 2);
    scanField()->installEventFilter(this);
    connect(m_cartPanel, &CartPanel::dialogClosed, this, &PosScreen::returnFromDialog);
    connect(m_paymentPanel, &PaymentPanel::dialogClosed, this, &PosScreen::returnFromDialog);
    connect(m_paymentPanel, &PaymentPanel::answered, this, &PosScreen::focusScan);
    connect(m_paymentPanel, &PaymentPanel::emailReceiptRequested, this, &PosScreen::emailReceiptRequested);
}

void PosScreen::routeMessages()
{
    // One message line for the whole counter, under the scan field.
    const auto show = [this](const QString &text, SaleController::Tone tone) { m_scanPanel->showMessage(text, tone); };
    connect(m_sale.get(), &SaleController::message, this, show);
    connect(m_sale.get(), &SaleController::messageCleared, m_scanPanel, &ScanPanel::clearMessage);
    connect(m_cartPanel, &CartPanel::message, this, show);
    connect(m_paymentPanel, &PaymentPanel::message, this, show);
    connect(m_scanPanel, &ScanPanel::messageShown, this, &PosScreen::messageShown);
}

void PosScreen::bindKeys()
{
    const auto bind = [this](const QKeySequence &keys, auto slot) {
        auto *shortcut = new QShortcut(keys, this);
        shortcut->setContext(Qt::WidgetWithChildrenShortcut);
        connect(shortcut, &QShortcut::activated, this, slot);
    };
    bind(QKeySequence(Qt::Key_F12), [this] { charge(); });
    bind(QKeySequence(Qt::CTRL | Qt::Key_Return), [this] { charge(); });
    bind(QKeySequence(Qt::CTRL | Qt::Key_Enter), [this] { charge(); });
    bind(QKeySequence(Qt::Key_F9), [this] { takeCash(); });
    bind(QKeySequence(Qt::Key_F2), [this] { newSale(); });
    bind(QKeySequence(Qt::Key_Escape), [this] { onEscape(); });
    bind(QKeySequence(Qt::CTRL | Qt::Key_S), [this] { m_paymentPanel->saveReceiptInteractively(); });
    bind(QKeySequence(Qt::CTRL | Qt::Key_P), [this] { m_paymentPanel->printReceipt(); });
    bind(QKeySequence(Qt::CTRL | Qt::Key_M), [this] { m_paymentPanel->emailReceipt(); });
    bind(QKeySequence(Qt::CTRL | Qt::Key_D), [this] { m_cartPanel->openLineDiscountDialog(); });
    bind(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D), [this] { m_cartPanel->openCartDiscountDialog(); });
    bind(QKeySequence(Qt::Key_F6), [this] { openReturns(); });
}

void PosScreen::enableReturns(ReturnStoreFactory stores, StaffRole role)
{
    m_returns = std::move(stores);
    m_returnsRole = role;
    if (!m_returnButton) {
        m_returnButton = new QPushButton(tr("Return… (F6)"), m_cartSide);
        m_returnButton->setFocusPolicy(Qt::NoFocus);  // the scan field keeps the focus
        m_returnButton->setToolTip(tr("Take pairs back from a receipt or an order number and refund them"));
        connect(m_returnButton, &QPushButton::clicked, this, &PosScreen::openReturns);
        if (auto *side = qobject_cast<QVBoxLayout *>(m_cartSide->layout()))
            side->addWidget(m_returnButton, 0, Qt::AlignLeft);
    }
}

void PosScreen::openReturns()
{
    if (!m_returns)
        return;
    if (!m_returnDialog) {
        m_returnDialog = new ReturnDialog(m_returns, m_returnsRole, this);
        m_returnDialog->setAttribute(Qt::WA_DeleteOnClose);
        m_returnDialog->resize(900, 520);
        connect(m_returnDialog, &QDialog::finished, this, &PosScreen::returnFromDialog);
        connect(m_returnDialog, &ReturnDialog::exchanged, this, [this](const ExchangeResult &x) {
            const QString outcome = x.due.isZero() ? (x.refund.isZero() ? tr("nothing to pay") : tr("%1 back to the %2")
                                                                                                   .arg(formatMoney(x.refund), x.method))
                                                   : tr("the buyer pays %1").arg(formatMoney(x.due));
            if (m_sale->followOrder(x.newOrderId))  // clears the message line first
                m_scanPanel->showMessage(tr("Exchange: credit %1; %2.").arg(formatMoney(x.credit), outcome), SaleController::Tone::Info);
        });
    }
    // The cart (if any) is what the pairs are exchanged for, at catalog prices.
    QList<ExchangeItem> items;
    QString refusal;
    if (m_sale->phase() == Phase::Cart) {
        for (const PosCartLine &line : m_sale->cart().lines()) {
            items.append({line.sku, line.size, line.quantity});
            if (!line.discount.isNone())
                refusal = tr("Exchanges take catalog prices: remove the cart's discounts first.");
        }
        if (!m_sale->cart().cartDiscount().isNone())
            refusal = tr("Exchanges take catalog prices: remove the cart's discounts first.");
    } else if (!m_sale->cart().lines().isEmpty()) {
        refusal = tr("Finish or cancel the sale on the counter first.");
    }
    const auto totals = m_sale->cart().totals();
    m_returnDialog->setExchangeCart(items, totals ? std::optional<Money>(totals->total) : std::nullopt, m_sale->shop().linkMinutes,
                                    refusal);
    m_returnDialog->show();
    m_returnDialog->raise();
    m_returnDialog->activateWindow();
    m_returnDialog->scanField()->setFocus();
}

bool PosScreen::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == scanField() && event->type() == QEvent::KeyPress && handleScanKey(*static_cast<QKeyEvent *>(event)))
        return true;
    return QWidget::eventFilter(watched, event);
}

bool PosScreen::handleScanKey(const QKeyEvent &key)
{
    const bool keypad = key.modifiers() & Qt::KeypadModifier;
    const bool pickerOpen = m_sale->picker().isOpen();
    switch (key.key()) {
    case Qt::Key_Return:
    case Qt::Key_Enter:  // the keypad's Enter, which many scanners send
        if (key.modifiers() & Qt::ControlModifier)
            charge();
        else
            submitScan(scanField()->text());
        return true;
    case Qt::Key_Up:
    case Qt::Key_Down:
        moveUpDown(key.key() == Qt::Key_Up ? -1 : 1);
        return true;
    case Qt::Key_PageUp:
    case Qt::Key_PageDown:
        if (pickerOpen)
            m_sale->moveHighlight(key.key() == Qt::Key_PageUp ? -5 : 5);
        return pickerOpen;
    case Qt::Key_Plus:
        if (keypad)
            m_cartPanel->incrementSelected();
        return keypad;
    case Qt::Key_Minus:  // a '-' typed on the main keyboard belongs to the SKU
        if (keypad)
            m_cartPanel->decrementSelected();
        return keypad;
    case Qt::Key_Delete:
        if (!scanField()->text().isEmpty())
            return false;
        m_cartPanel->removeSelected();
        return true;
    default:
        return false;
    }
}

void PosScreen::moveUpDown(int step)
{
    // ↑/↓ move in the list to pick from while it shows, else in the cart.
    if (m_sale->picker().isOpen())
        m_sale->moveHighlight(step);
    else
        m_cartPanel->moveSelection(step);
}

void PosScreen::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    focusScan();
}

void PosScreen::addCartControl(QWidget *control)
{
    static_cast<QVBoxLayout *>(m_cartSide->layout())->insertWidget(1, control);
}

void PosScreen::returnFromDialog()
{
    // The counter's keys (F12, Esc...) work only while this window is the active one.
    window()->activateWindow();
    focusScan();
}

void PosScreen::focusScan()
{
    if (scanField()->isEnabled())
        scanField()->setFocus(Qt::OtherFocusReason);
}

void PosScreen::submitScan(const QString &text)
{
    scanField()->clear();
    focusScan();
    m_sale->submitScan(text);
}

void PosScreen::charge()
{
    m_sale->charge();
}

void PosScreen::takeCash()
{
    m_sale->takeCash();
}

void PosScreen::newSale()
{
    m_sale->newSale();
    focusScan();
}

void PosScreen::onEscape()
{
    // Esc undoes the nearest thing: the list, the question, the typed text, then the sale.
    if (m_sale->picker().isOpen())
        m_sale->closePicker();
    else if (!m_sale->question().isEmpty())
        m_sale->dismissQuestion();
    else if (!scanField()->text().isEmpty())
        scanField()->clear();
    else
        m_sale->requestCancel();
    focusScan();
}

void PosScreen::confirmCancel()
{
    m_sale->confirmCancel();
    focusScan();
}

Status PosScreen::applyLineDiscount(int row, const PosDiscount &discount, const QString &reason)
{
    return m_cartPanel->applyLineDiscount(row, discount, reason);
}

Status PosScreen::applyCartDiscount(const PosDiscount &discount, const QString &reason)
{
    return m_sale->applyCartDiscount(discount, reason);
}

Status PosScreen::saveReceiptPdf(const QString &path) const
{
    return m_paymentPanel->saveReceiptPdf(path);
}

QString PosScreen::pendingWork() const
{
    switch (m_sale->phase()) {
    case Phase::Cart:
        if (cart().isEmpty())
            return {};
        return cart().size() == 1 ? tr("Point of Sale: a cart with 1 line, not charged yet")
                                  : tr("Point of Sale: a cart with %1 lines, not charged yet").arg(cart().size());
    case Phase::Placing:
        return tr("Point of Sale: a sale being placed");
    case Phase::Waiting:
        return order() ? tr("Point of Sale: %1 is waiting for payment (it stays open in Orders)")
                             .arg(formatOrderNumber(order()->orderNumber))
                       : tr("Point of Sale: a sale waiting for payment");
    case Phase::Paid:
    case Phase::Canceled:
        break;
    }
    return {};
}

QString PosScreen::statusText() const
{
    return m_paymentPanel->statusText();
}

QString PosScreen::messageText() const
{
    return m_scanPanel->messageText();
}

QLineEdit *PosScreen::scanField() const
{
    return m_scanPanel->scanField();
}

} // namespace rdk
