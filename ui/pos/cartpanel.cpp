#include "ui/pos/cartpanel.h"

#include "domain/moneyformat.h"
#include "ui/pos/poscartmodel.h"
#include "ui/pos/posdialogs.h"
#include "ui/pos/poswidgets.h"
#include "ui/shell/theme.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace rdk {

CartPanel::CartPanel(SaleController &sale, QWidget *parent) : QWidget(parent), m_sale(sale)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(10);

    m_model = new PosCartModel(m_sale.cart(), this);
    m_table = new QTableView(this);
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
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &CartPanel::updateActions);
    layout->addWidget(m_table, 1);
    layout->addLayout(buildLineButtons());
    layout->addLayout(buildTotals());
    layout->addLayout(buildChargeButtons());

    connect(&m_sale, &SaleController::cartChanged, this, &CartPanel::refresh);
    connect(&m_sale, &SaleController::saleChanged, this, &CartPanel::refresh);
    connect(&m_sale, &SaleController::cashDrawerChanged, this, &CartPanel::refresh);
    connect(&m_sale, &SaleController::lineAdded, this, &CartPanel::selectRow);
    refresh();
}

QLayout *CartPanel::buildLineButtons()
{
    auto *row = new QHBoxLayout;
    m_plus = pos::bigButton(tr("+1  (keypad +)"), u"plus"_s, this);
    m_minus = pos::bigButton(tr("−1  (keypad −)"), u"minus"_s, this);
    m_remove = pos::bigButton(tr("Remove  (Del)"), u"remove"_s, this);
    m_lineDiscount = pos::bigButton(tr("Line discount…  (Ctrl+D)"), u"line-discount"_s, this, 1.0);
    m_cartDiscount = pos::bigButton(tr("Cart discount…  (Ctrl+Shift+D)"), u"cart-discount"_s, this, 1.0);
    for (QPushButton *b : {m_plus, m_minus, m_remove, m_lineDiscount, m_cartDiscount})
        row->addWidget(b);
    row->addStretch();
    connect(m_plus, &QPushButton::clicked, this, &CartPanel::incrementSelected);
    connect(m_minus, &QPushButton::clicked, this, &CartPanel::decrementSelected);
    connect(m_remove, &QPushButton::clicked, this, &CartPanel::removeSelected);
    connect(m_lineDiscount, &QPushButton::clicked, this, &CartPanel::openLineDiscountDialog);
    connect(m_cartDiscount, &QPushButton::clicked, this, &CartPanel::openCartDiscountDialog);
    // Staff never see what they may not use (the database would refuse it anyway).
    m_lineDiscount->setVisible(mayGiveDiscounts(m_sale.role()));
    m_cartDiscount->setVisible(mayGiveDiscounts(m_sale.role()));
    return row;
}

QLayout *CartPanel::buildTotals()
{
    auto *totals = new QGridLayout;
    const auto addRow = [&](int row, const QString &label, QLabel *&value, const QString &name, qreal scale, bool bold) {
        auto *l = new QLabel(label, this);
        theme::setRelativeFontSize(l, scale, bold);
        value = pos::plainLabel(name, this);
        value->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
        theme::setRelativeFontSize(value, scale, bold);
        totals->addWidget(l, row, 0);
        totals->addWidget(value, row, 1);
    };
    addRow(0, tr("Subtotal"), m_subtotal, u"subtotal"_s, 1.2, false);
    addRow(1, tr("Discount"), m_discount, u"discount"_s, 1.2, false);
    addRow(2, tr("Tax"), m_tax, u"tax"_s, 1.2, false);
    m_taxLabel = qobject_cast<QLabel *>(totals->itemAtPosition(2, 0)->widget());
    m_taxLabel->setObjectName(u"tax-label"_s);
    m_taxLabel->hide();
    m_tax->hide();
    addRow(3, tr("Total"), m_total, u"total"_s, 2.0, true);
    return totals;
}

QLayout *CartPanel::buildChargeButtons()
{
    auto *row = new QHBoxLayout;
    m_charge = pos::bigButton(tr("Charge  (F12)"), u"charge"_s, this, 1.8);
    m_charge->setMinimumHeight(72);
    m_chargeCash = pos::bigButton(tr("Cash  (F9)"), u"charge-cash"_s, this, 1.4);
    m_chargeCash->setMinimumHeight(72);
    row->addWidget(m_charge, 3);
    row->addWidget(m_chargeCash, 1);
    connect(m_charge, &QPushButton::clicked, &m_sale, &SaleController::charge);
    connect(m_chargeCash, &QPushButton::clicked, &m_sale, &SaleController::takeCash);
    return row;
}

int CartPanel::selectedRow() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? -1 : rows.front().row();
}

void CartPanel::selectRow(int row)
{
    if (row < 0 || row >= m_model->rowCount()) {
        m_table->clearSelection();
        return;
    }
    m_table->selectRow(row);
    m_table->scrollTo(m_model->index(row, 0));
}

void CartPanel::moveSelection(int step)
{
    if (m_sale.cart().isEmpty())
        return;
    const int row = selectedRow();
    selectRow(qBound(0, row < 0 ? 0 : row + step, int(m_sale.cart().size()) - 1));
}

void CartPanel::incrementSelected()
{
    const int row = selectedRow();
    m_sale.increment(row);
    selectRow(row);
}

void CartPanel::decrementSelected()
{
    const int row = selectedRow();
    m_sale.decrement(row);
    selectRow(row);
}

void CartPanel::removeSelected()
{
    const int row = selectedRow();
    if (m_sale.remove(row))
        selectRow(qMin(row, int(m_sale.cart().size()) - 1));
}

void CartPanel::openLineDiscountDialog()
{
    if (!mayGiveDiscounts(m_sale.role()) || m_sale.phase() != SaleController::Phase::Cart)
        return;
    const int row = selectedRow();
    if (row < 0) {
        Q_EMIT message(tr("Select an item in the cart first (↑/↓)."), SaleController::Tone::Warning);
        return;
    }
    const PosCartLine &line = m_sale.cart().lines()[row];
    auto *dialog = new DiscountDialog(line.size.isEmpty() ? line.title() : tr("%1, size %2").arg(line.title(), line.size),
                                      m_sale.cart().currency(), m_sale.cart().discountReason(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &DiscountDialog::discountChosen, this, [this, dialog, row](const PosDiscount &d, const QString &reason) {
        if (Status s = applyLineDiscount(row, d, reason); s)
            dialog->accept();
        else
            dialog->showError(s.error().message);
    });
    connect(dialog, &QDialog::finished, this, &CartPanel::dialogClosed);
    dialog->open();
}

void CartPanel::openCartDiscountDialog()
{
    if (!mayGiveDiscounts(m_sale.role()) || m_sale.phase() != SaleController::Phase::Cart)
        return;
    if (m_sale.cart().isEmpty()) {
        Q_EMIT message(tr("Scan items before giving a discount."), SaleController::Tone::Warning);
        return;
    }
    auto *dialog = new DiscountDialog(tr("the whole cart"), m_sale.cart().currency(), m_sale.cart().discountReason(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &DiscountDialog::discountChosen, this, [this, dialog](const PosDiscount &d, const QString &reason) {
        if (Status s = m_sale.applyCartDiscount(d, reason); s)
            dialog->accept();
        else
            dialog->showError(s.error().message);
    });
    connect(dialog, &QDialog::finished, this, &CartPanel::dialogClosed);
    dialog->open();
}

Status CartPanel::applyLineDiscount(int row, const PosDiscount &discount, const QString &reason)
{
    Status applied = m_sale.applyLineDiscount(row, discount, reason);
    if (applied)
        selectRow(row);
    return applied;
}

void CartPanel::refresh()
{
    const int row = selectedRow();
    {
        const QSignalBlocker block(m_table->selectionModel());
        m_model->reload();
        if (row >= 0 && row < m_model->rowCount())
            m_table->selectRow(row);
    }
    updateActions();
    const auto totals = m_sale.totals();
    if (!totals) {
        Q_EMIT message(totals.error().message, SaleController::Tone::Error);
        return;
    }
    m_subtotal->setText(formatMoney(totals->subtotal));
    m_discount->setText(totals->discount.isZero() ? u"—"_s : u"-"_s + formatMoney(totals->discount));
    // One row per rate of the shop (up to three; more become one row, the rates in its
    // tooltip, so the totals never push Charge off a laptop screen); none without rates.
    QStringList labels, amounts, each;
    for (const TaxAmount &tax : totals->taxes) {
        labels.append(taxRowLabel(tax, totals->taxIncluded));
        amounts.append(formatMoney(tax.amount));
        each.append(labels.constLast() + u"  "_s + amounts.constLast());
    }
    if (labels.size() > 3) {
        labels = {totals->taxIncluded ? tr("Incl. tax (%n rates)", nullptr, int(each.size()))
                                      : tr("Tax (%n rates)", nullptr, int(each.size()))};
        amounts = {formatMoney(totals->tax)};
    }
    m_taxLabel->setText(labels.join(u'\n'));
    m_tax->setText(amounts.join(u'\n'));
    m_taxLabel->setToolTip(each.join(u'\n'));
    m_tax->setToolTip(each.join(u'\n'));
    m_taxLabel->setVisible(!labels.isEmpty());
    m_tax->setVisible(!labels.isEmpty());
    m_total->setText(formatMoney(totals->total));
}

void CartPanel::updateActions()
{
    const bool editing = m_sale.phase() == SaleController::Phase::Cart;
    const bool hasRow = editing && selectedRow() >= 0;
    m_plus->setEnabled(hasRow);
    m_minus->setEnabled(hasRow);
    m_remove->setEnabled(hasRow);
    m_lineDiscount->setEnabled(hasRow);
    m_cartDiscount->setEnabled(editing && !m_sale.cart().isEmpty());
    m_charge->setEnabled(editing && !m_sale.cart().isEmpty());
    m_chargeCash->setEnabled(editing && !m_sale.cart().isEmpty() && m_sale.isCashDrawerOpen());
    m_chargeCash->setToolTip(m_sale.isCashDrawerOpen() ? tr("Take cash for this sale (F9)") : m_sale.cashRefusal());
}

} // namespace rdk
