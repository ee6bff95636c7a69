#include "ui/pos/returndialog.h"

#include "domain/moneyformat.h"
#include "ui/common/uitaskrunner.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QShortcut>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

enum Column { ColItem, ColSize, ColBought, ColReturned, ColReturn, ColShelf, ColRefund, ColCount };

QString money(qint64 minor, const QString &currency)
{
    const auto m = Money::of(minor, currency);
    return m ? formatMoney(*m) : QString::number(minor);
}

// What the store answered for a lookup: the order and the shop's policy together.
struct Lookup final {
    ReturnableOrder order;
    ReturnPolicy policy;
};

} // namespace

ReturnDialog::ReturnDialog(ReturnStoreFactory stores, StaffRole role, QWidget *parent)
    : QDialog(parent), m_stores(std::move(stores)), m_role(role), m_now([] { return QDateTime::currentDateTimeUtc(); })
{
    setWindowTitle(tr("Return"));
    m_runner = new UiTaskRunner(UiTaskRunner::Options{u"returns"_s}, this);
    connect(m_runner, &UiTaskRunner::idle, this, &ReturnDialog::idle);
    buildUi();
}

ReturnDialog::~ReturnDialog() = default;

void ReturnDialog::setClock(std::function<QDateTime()> now)
{
    m_now = std::move(now);
}

bool ReturnDialog::isBusy() const
{
    return m_runner->isBusy();
}

void ReturnDialog::buildUi()
{
    auto *root = new QVBoxLayout(this);
    root->setSpacing(10);
    auto *scanRow = new QHBoxLayout;
    auto *scanLabel = new QLabel(tr("Receipt or order number:"), this);
    m_scan = new QLineEdit(this);
    m_scan->setPlaceholderText(tr("Scan the receipt's barcode or type RDK-1001, then Enter"));
    m_scan->setMaxLength(64);
    scanLabel->setBuddy(m_scan);
    scanRow->addWidget(scanLabel);
    scanRow->addWidget(m_scan, 1);
    root->addLayout(scanRow);
    connect(m_scan, &QLineEdit::returnPressed, this, [this] { lookUp(m_scan->text()); });

    m_header = new QLabel(this);
    m_header->setTextFormat(Qt::PlainText);
    m_header->setWordWrap(true);
    root->addWidget(m_header);

    m_table = new QTableWidget(0, ColCount, this);
    m_table->setHorizontalHeaderLabels({tr("Item"), tr("Size"), tr("Bought"), tr("Returned"), tr("Return"),
                                        tr("Back on shelf"), tr("Refund")});
    m_table->verticalHeader()->hide();
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->horizontalHeader()->setSectionResizeMode(ColItem, QHeaderView::Stretch);
    for (int c = ColSize; c < ColCount; ++c)
        m_table->horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    root->addWidget(m_table, 1);

    auto *reasonRow = new QHBoxLayout;
    auto *reasonLabel = new QLabel(tr("Reason:"), this);
    m_reason = new QLineEdit(this);
    m_reason->setMaxLength(200);
    m_reason->setPlaceholderText(tr("Why the pairs came back (recorded with the refund)"));
    reasonLabel->setBuddy(m_reason);
    reasonRow->addWidget(reasonLabel);
    reasonRow->addWidget(m_reason, 1);
    root->addLayout(reasonRow);
    connect(m_reason, &QLineEdit::textChanged, this, &ReturnDialog::recompute);

    m_refund = new QLabel(this);
    QFont big = m_refund->font();
    big.setPointSizeF(big.pointSizeF() * 1.4);
    big.setBold(true);
    m_refund->setFont(big);
    root->addWidget(m_refund);

    m_notice = new QLabel(this);
    m_notice->setWordWrap(true);
    m_notice->setTextFormat(Qt::PlainText);
    root->addWidget(m_notice);

    m_exchangeLabel = new QLabel(this);
    m_exchangeLabel->setWordWrap(true);
    m_exchangeLabel->setTextFormat(Qt::PlainText);
    root->addWidget(m_exchangeLabel);

    auto *buttons = new QDialogButtonBox(this);
    m_exchange = buttons->addButton(tr("Exchange for the cart (Ctrl+E)"), QDialogButtonBox::ActionRole);
    m_exchange->setAutoDefault(false);
    connect(m_exchange, &QPushButton::clicked, this, &ReturnDialog::confirmExchange);
    auto *exchangeKey = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_E), this);
    connect(exchangeKey, &QShortcut::activated, this, &ReturnDialog::confirmExchange);
    m_confirm = buttons->addButton(tr("Refund (Ctrl+Enter)"), QDialogButtonBox::AcceptRole);
    m_confirm->setAutoDefault(false);
    auto *close = buttons->addButton(QDialogButtonBox::Close);
    close->setAutoDefault(false);
    root->addWidget(buttons);
    connect(m_confirm, &QPushButton::clicked, this, &ReturnDialog::confirm);
    connect(close, &QPushButton::clicked, this, &QDialog::reject);
    for (const QKeySequence &keys : {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)}) {
        auto *shortcut = new QShortcut(keys, this);
        connect(shortcut, &QShortcut::activated, this, &ReturnDialog::confirm);
    }
    recompute();
}

void ReturnDialog::lookUp(const QString &text)
{
    const auto number = returns::parseOrderNumber(text);
    if (!number) {
        setNotice(tr("\"%1\" is not an order number; scan the receipt's barcode or type e.g. RDK-1001.").arg(text.trimmed().left(40)), true);
        m_scan->selectAll();
        return;
    }
    setNotice(tr("Looking up RDK-%1…").arg(*number), false);
    m_runner->run(this, [stores = m_stores, n = *number]() -> Result<Lookup> {
        auto store = stores();
        if (!store)
            return store.error();
        auto order = (*store)->findOrder(n);
        if (!order)
            return order.error();
        auto policy = (*store)->policy();
        if (!policy)
            return policy.error();
        return Lookup{std::move(order).value(), *policy};
    }, [this](const Result<Lookup> &found) {
        if (!found) {
            setNotice(found.error().message, true);
            m_scan->selectAll();  // the next scan replaces what did not match
            return;
        }
        m_policy = found->policy;
        showOrder(found->order);
        m_scan->clear();
    });
}

void ReturnDialog::showOrder(const ReturnableOrder &order)
{
    m_order = order;
    const QString paid = order.paidAt.isValid() ? QLocale().toString(order.paidAt.toLocalTime().date(), QLocale::ShortFormat) : QString();
    const QString method = order.paymentMethod == u"cash"_s ? tr("cash") : order.paymentMethod == u"card"_s ? tr("card") : tr("no payment");
    m_header->setText(tr("%1 · paid %2 by %3 · total %4 · left to refund %5")
                          .arg(order.label(), paid, method, money(order.totalMinor, order.currency),
                               money(std::max<qint64>(order.leftToRefundMinor, 0), order.currency)));
    m_table->setRowCount(0);
    m_table->setRowCount(int(order.lines.size()));
    for (int row = 0; row < order.lines.size(); ++row) {
        const ReturnableLine &l = order.lines[row];
        const auto item = [&](const QString &text, Qt::Alignment align = Qt::AlignLeft | Qt::AlignVCenter) {
            auto *it = new QTableWidgetItem(text);
            it->setTextAlignment(align);
            return it;
        };
        m_table->setItem(row, ColItem, item(l.name.isEmpty() ? l.sku : u"%1 — %2"_s.arg(l.name, l.sku)));
        m_table->setItem(row, ColSize, item(l.size));
        m_table->setItem(row, ColBought, item(QString::number(l.quantity), Qt::AlignRight | Qt::AlignVCenter));
        m_table->setItem(row, ColReturned, item(QString::number(l.quantity - l.returnable()), Qt::AlignRight | Qt::AlignVCenter));
        auto *spin = new QSpinBox(m_table);
        spin->setRange(0, l.returnable());
        spin->setEnabled(l.returnable() > 0);
        spin->setToolTip(l.returnable() > 0 ? tr("Up to %n pair(s) can come back.", nullptr, l.returnable())
                                            : tr("Every pair of this line is already back."));
        spin->setAccessibleName(tr("Pairs to return of %1").arg(l.name));
        connect(spin, &QSpinBox::valueChanged, this, &ReturnDialog::recompute);
        m_table->setCellWidget(row, ColReturn, spin);
        auto *shelf = new QCheckBox(tr("Yes"), m_table);
        shelf->setChecked(true);
        shelf->setToolTip(tr("Checked: back in stock. Unchecked: damaged, kept out of stock."));
        connect(shelf, &QCheckBox::toggled, this, [shelf](bool on) { shelf->setText(on ? tr("Yes") : tr("Damaged")); });
        m_table->setCellWidget(row, ColShelf, shelf);
        m_table->setItem(row, ColRefund, item(QString(), Qt::AlignRight | Qt::AlignVCenter));
    }
    m_table->resizeColumnsToContents();
    setNotice(order.lines.isEmpty() ? tr("%1 has no lines.").arg(order.label()) : QString(), false);
    recompute();
    if (m_table->rowCount() > 0)
        if (auto *first = m_table->cellWidget(0, ColReturn); first && first->isEnabled())
            first->setFocus();
}

void ReturnDialog::setLine(int row, int quantity, bool restock)
{
    if (auto *shelf = qobject_cast<QCheckBox *>(m_table->cellWidget(row, ColShelf)))
        shelf->setChecked(restock);
    if (auto *spin = qobject_cast<QSpinBox *>(m_table->cellWidget(row, ColReturn)))
        spin->setValue(quantity);
    recompute();
}

QList<ReturnLineRequest> ReturnDialog::chosenLines() const
{
    QList<ReturnLineRequest> lines;
    if (!m_order)
        return lines;
    for (int row = 0; row < m_table->rowCount() && row < m_order->lines.size(); ++row) {
        const auto *spin = qobject_cast<QSpinBox *>(m_table->cellWidget(row, ColReturn));
        const auto *shelf = qobject_cast<QCheckBox *>(m_table->cellWidget(row, ColShelf));
        if (spin && spin->value() > 0)
            lines.append({m_order->lines[row].itemId, spin->value(), shelf ? shelf->isChecked() : true});
    }
    return lines;
}

void ReturnDialog::recompute()
{
    m_preview.reset();
    m_blockReason.clear();
    bool refusal = false;
    if (!m_order) {
        m_refund->setText(tr("Refund: —"));
        m_blockReason = tr("Scan a receipt or type an order number first.");
    } else {
        for (int row = 0; row < m_table->rowCount() && row < m_order->lines.size(); ++row) {
            const ReturnableLine &l = m_order->lines[row];
            const auto *spin = qobject_cast<QSpinBox *>(m_table->cellWidget(row, ColReturn));
            const int take = spin ? spin->value() : 0;
            if (auto *cell = m_table->item(row, ColRefund))
                cell->setText(take > 0 ? money(returns::unitsRefund(l.paidMinor, l.quantity, l.returned, take), m_order->currency)
                                       : QString());
        }
        const auto lines = chosenLines();
        const QString method = m_order->paymentMethod == u"cash"_s ? tr("in cash from the drawer") : tr("to the card");
        if (lines.isEmpty()) {
            m_refund->setText(tr("Refund: %1").arg(money(0, m_order->currency)));
            m_blockReason = tr("Choose how many pairs come back.");
        } else if (const auto refund = returns::refundFor(*m_order, lines); !refund) {
            m_refund->setText(tr("Refund: —"));
            m_blockReason = refund.error().message;
            refusal = true;
        } else {
            m_preview = *refund;
            m_refund->setText(tr("Refund: %1 %2").arg(money(*refund, m_order->currency), method));
            if (m_role == StaffRole::Staff && m_policy)
                m_blockReason = returns::staffRefusal(*m_order, *refund, *m_policy, m_now());
            refusal = !m_blockReason.isEmpty();
            if (m_blockReason.isEmpty() && m_reason->text().trimmed().isEmpty())
                m_blockReason = tr("Give a reason.");
        }
    }
    // A refusal (more than is left, a cashier's limit or window) shows under the total too, not
    // only in the disabled button's tooltip; it goes when the choice changes.
    if (refusal) {
        setNotice(m_blockReason, true);
        m_refusalShown = true;
    } else if (m_refusalShown) {
        setNotice(QString(), false);
        m_refusalShown = false;
    }
    // The exchange: the same pairs back, the cart's items as the new sale.
    m_exchangeBlock.clear();
    if (m_newItems.isEmpty()) {
        m_exchangeLabel->setText(tr("Exchange: scan the new items into the cart first, then F6."));
        m_exchangeBlock = tr("Scan the new items into the counter's cart first, then open Return (F6).");
    } else if (!m_exchangeRefusal.isEmpty()) {
        m_exchangeLabel->setText(m_exchangeRefusal);
        m_exchangeBlock = m_exchangeRefusal;
    } else if (!m_order || !m_preview || !m_newTotal) {
        m_exchangeLabel->setText(tr("Exchange for the cart: %n item(s), %1.", nullptr, int(m_newItems.size()))
                                     .arg(m_newTotal ? formatMoney(*m_newTotal) : QString()));
        m_exchangeBlock = m_blockReason.isEmpty() ? tr("Choose how many pairs come back.") : m_blockReason;
    } else {
        const auto split = returns::exchangeSplit(*m_preview, m_newTotal->minor());
        const QString back = m_order->paymentMethod == u"cash"_s ? tr("in cash") : tr("to the card");
        QString outcome;
        if (split.due > 0)
            outcome = tr("the buyer pays %1 (link or cash)").arg(money(split.due, m_order->currency));
        else if (split.refund > 0)
            outcome = tr("%1 goes back %2").arg(money(split.refund, m_order->currency), back);
        else
            outcome = tr("an even swap, nothing to pay");
        m_exchangeLabel->setText(tr("Exchange for the cart: %n item(s), %1; credit %2; %3.", nullptr, int(m_newItems.size()))
                                     .arg(formatMoney(*m_newTotal), money(split.credit, m_order->currency), outcome));
        // A cashier: the window applies to any return, the limit to what is refunded.
        if (m_role == StaffRole::Staff && m_policy)
            m_exchangeBlock = returns::staffRefusal(*m_order, split.refund, *m_policy, m_now());
        if (m_exchangeBlock.isEmpty() && m_reason->text().trimmed().isEmpty())
            m_exchangeBlock = tr("Give a reason.");
    }

    const bool busy = m_runner && m_runner->isBusy();
    m_exchange->setEnabled(m_exchangeBlock.isEmpty() && !busy);
    m_exchange->setToolTip(m_exchangeBlock.isEmpty() ? tr("Take the pairs back and sell the cart's items in one step (Ctrl+E)")
                                                     : m_exchangeBlock);
    m_confirm->setEnabled(m_blockReason.isEmpty() && !busy);
    m_confirm->setToolTip(m_blockReason.isEmpty() ? tr("Refund and take the pairs back (Ctrl+Enter)") : m_blockReason);
}

void ReturnDialog::confirm()
{
    recompute();
    if (!canConfirm() || !m_order)
        return;
    const QString orderId = m_order->orderId;
    const qint64 number = m_order->orderNumber;
    const auto lines = chosenLines();
    const QString reason = m_reason->text().trimmed();
    m_confirm->setEnabled(false);
    setNotice(tr("Refunding…"), false);
    m_runner->run(this, [stores = m_stores, orderId, number, lines, reason]() -> Result<std::pair<ReturnReceipt, ReturnableOrder>> {
        auto store = stores();
        if (!store)
            return store.error();
        auto done = (*store)->submitReturn(orderId, lines, reason);
        if (!done)
            return done.error();
        auto again = (*store)->findOrder(number);
        if (!again)
            return again.error();
        return std::pair{*done, std::move(again).value()};
    }, [this](const Result<std::pair<ReturnReceipt, ReturnableOrder>> &answer) {
        if (!answer) {
            setNotice(answer.error().message, true);
            recompute();
            return;
        }
        const ReturnReceipt &receipt = answer->first;
        showOrder(answer->second);
        m_reason->clear();
        setNotice(receipt.method == u"cash"_s
                      ? tr("Returned. Give the customer %1 in cash.").arg(formatMoney(receipt.refund))
                      : tr("Returned. %1 goes back to the card (Stripe, usually within a few days).").arg(formatMoney(receipt.refund)),
                  false);
        Q_EMIT returned(receipt);
        m_scan->setFocus();
    });
}

void ReturnDialog::setExchangeCart(QList<ExchangeItem> items, std::optional<Money> total, int linkMinutes, QString refusal)
{
    m_newItems = std::move(items);
    m_newTotal = total;
    m_linkMinutes = linkMinutes;
    m_exchangeRefusal = std::move(refusal);
    recompute();
}

void ReturnDialog::confirmExchange()
{
    recompute();
    if (!canExchange() || !m_order)
        return;
    const QString orderId = m_order->orderId;
    const auto lines = chosenLines();
    const auto items = m_newItems;
    const QString reason = m_reason->text().trimmed();
    const int minutes = m_linkMinutes;
    m_exchange->setEnabled(false);
    m_confirm->setEnabled(false);
    setNotice(tr("Exchanging…"), false);
    m_runner->run(this, [stores = m_stores, orderId, lines, items, reason, minutes]() -> Result<ExchangeResult> {
        auto store = stores();
        if (!store)
            return store.error();
        return (*store)->submitExchange(orderId, lines, items, reason, minutes);
    }, [this](const Result<ExchangeResult> &answer) {
        if (!answer) {
            setNotice(answer.error().message, true);
            recompute();
            return;
        }
        Q_EMIT exchanged(*answer);
        accept();
    });
}

bool ReturnDialog::canExchange() const
{
    return m_exchange->isEnabled();
}

QString ReturnDialog::exchangeToolTip() const
{
    return m_exchange->toolTip();
}

QString ReturnDialog::exchangeText() const
{
    return m_exchangeLabel->text();
}

QString ReturnDialog::refundText() const
{
    return m_refund->text();
}

QString ReturnDialog::noticeText() const
{
    return m_notice->text();
}

bool ReturnDialog::canConfirm() const
{
    return m_confirm->isEnabled();
}

QString ReturnDialog::confirmToolTip() const
{
    return m_confirm->toolTip();
}

void ReturnDialog::setNotice(const QString &text, bool error)
{
    m_refusalShown = false;
    m_notice->setText(text);
    m_notice->setStyleSheet(error ? u"color: #b3261e;"_s : QString());
}

} // namespace rdk
