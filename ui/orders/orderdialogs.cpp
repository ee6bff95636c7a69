#include "ui/orders/orderdialogs.h"

#include "domain/moneyformat.h"
#include "ui/shell/theme.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QPushButton>
#include <QLabel>
#include <QLineEdit>
#include <QRadioButton>
#include <QScrollBar>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

QLabel *errorLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(u"error"_s);
    label->setWordWrap(true);
    label->setAccessibleName(QObject::tr("Problem"));
    theme::setForeground(label, theme::errorText(parent->palette()));
    label->hide();
    return label;
}

QLineEdit *lineEdit(QWidget *parent, const QString &name, const QString &accessible, int maxLength)
{
    auto *edit = new QLineEdit(parent);
    edit->setObjectName(name);
    edit->setAccessibleName(accessible);
    // Longer than the rule allows, so an over-long paste is refused with a sentence rather
    // than cut silently.
    edit->setMaxLength(maxLength * 2);
    return edit;
}

QDialogButtonBox *buttons(QDialog *dialog, const QString &okText)
{
    auto *box = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, dialog);
    box->button(QDialogButtonBox::Ok)->setText(okText);
    QObject::connect(box, &QDialogButtonBox::accepted, dialog, &QDialog::accept);
    QObject::connect(box, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    return box;
}

void showError(QLabel *label, const QString &text)
{
    label->setText(text);
    label->setVisible(!text.isEmpty());
}

} // namespace

ShipOrderDialog::ShipOrderDialog(const QString &orderLabel, QWidget *parent)
    : QDialog(parent), m_carrier(lineEdit(this, u"carrier"_s, tr("Carrier"), MaxShipmentFieldLength)),
      m_tracking(lineEdit(this, u"tracking"_s, tr("Tracking number"), MaxShipmentFieldLength)), m_error(errorLabel(this))
{
    setObjectName(u"shipOrderDialog"_s);
    setWindowTitle(tr("Mark %1 shipped").arg(orderLabel));
    m_carrier->setPlaceholderText(tr("e.g. UPS"));
    auto *form = new QFormLayout;
    form->addRow(tr("&Carrier:"), m_carrier);
    form->addRow(tr("&Tracking number:"), m_tracking);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(buttons(this, tr("Mark shipped")));
}

QString ShipOrderDialog::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void ShipOrderDialog::accept()
{
    auto shipment = validateShipment(m_carrier->text(), m_tracking->text());
    if (!shipment) {
        showError(m_error, shipment.error().message);
        (shipment.error().field == u"carrier" ? m_carrier : m_tracking)->setFocus();
        return;
    }
    m_result = shipment.value();
    QDialog::accept();
}

CancelOrderDialog::CancelOrderDialog(const QString &orderLabel, QWidget *parent)
    : QDialog(parent), m_reason(lineEdit(this, u"reason"_s, tr("Reason"), MaxOrderReasonLength)), m_error(errorLabel(this))
{
    setObjectName(u"cancelOrderDialog"_s);
    setWindowTitle(tr("Cancel %1").arg(orderLabel));
    auto *note = new QLabel(tr("The held stock goes back on sale and the payment link stops working."), this);
    note->setWordWrap(true);
    auto *form = new QFormLayout;
    form->addRow(tr("&Reason:"), m_reason);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(note);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(buttons(this, tr("Cancel order")));
}

QString CancelOrderDialog::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void CancelOrderDialog::accept()
{
    auto reason = validateOrderReason(m_reason->text());
    if (!reason) {
        showError(m_error, reason.error().message);
        m_reason->setFocus();
        return;
    }
    m_result = reason.value();
    QDialog::accept();
}

RefundOrderDialog::RefundOrderDialog(const OrderDetail &order, QWidget *parent)
    : QDialog(parent), m_order(order), m_full(new QRadioButton(this)), m_partial(new QRadioButton(tr("&Part of it:"), this)),
      m_amount(lineEdit(this, u"amount"_s, tr("Refund amount"), 20)),
      m_lines(new QTableWidget(int(order.lines.size()), 4, this)),
      m_reason(lineEdit(this, u"reason"_s, tr("Reason"), MaxOrderReasonLength)), m_error(errorLabel(this))
{
    setObjectName(u"refundOrderDialog"_s);
    const Money left = refundableAmount(order);
    setWindowTitle(tr("Refund %1").arg(formatOrderNumber(order.summary.orderNumber)));
    m_full->setObjectName(u"full"_s);
    m_full->setText(tr("&Everything left: %1").arg(formatMoney(left)));
    m_full->setChecked(true);
    m_partial->setObjectName(u"partial"_s);
    m_amount->setPlaceholderText(tr("amount in %1").arg(left.currency()));
    m_amount->setEnabled(false);
    connect(m_partial, &QRadioButton::toggled, m_amount, &QLineEdit::setEnabled);

    m_lines->setObjectName(u"restock"_s);
    m_lines->setAccessibleName(tr("Units back to stock per line"));
    m_lines->setHorizontalHeaderLabels({tr("Item"), tr("Size"), tr("Sold"), tr("Back to stock")});
    m_lines->verticalHeader()->hide();
    m_lines->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_lines->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_lines->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    for (int row = 0; row < order.lines.size(); ++row) {
        const OrderDetailLine &line = order.lines.at(row);
        m_lines->setItem(row, 0, new QTableWidgetItem(u"%1 %2"_s.arg(line.line.sku, line.line.name)));
        m_lines->setItem(row, 1, new QTableWidgetItem(line.line.size));
        m_lines->setItem(row, 2, new QTableWidgetItem(QString::number(line.line.quantity)));
        auto *box = new QSpinBox(m_lines);
        box->setAccessibleName(tr("Units of %1 back to stock").arg(line.line.sku));
        box->setRange(0, qMax(0, line.line.quantity - line.restockedQuantity));
        m_lines->setCellWidget(row, 3, box);
    }

    auto *amountRow = new QHBoxLayout;
    amountRow->addWidget(m_partial);
    amountRow->addWidget(m_amount, 1);
    auto *form = new QFormLayout;
    form->addRow(tr("&Reason:"), m_reason);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_full);
    layout->addLayout(amountRow);
    layout->addWidget(new QLabel(tr("Put units back on the shelf:"), this));
    layout->addWidget(m_lines, 1);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(buttons(this, tr("Request refund")));
    // Opens wide enough for every column (item names, sizes, both counts) without scrolling.
    const QAbstractItemView *view = m_lines;   // QTableView hides sizeHintForColumn; the base has it public
    int wanted = 2 * m_lines->frameWidth() + m_lines->verticalScrollBar()->sizeHint().width();
    for (int c = 0; c < m_lines->columnCount(); ++c)
        wanted += qMax(view->sizeHintForColumn(c), m_lines->horizontalHeader()->sectionSizeHint(c));
    const QMargins margins = layout->contentsMargins();
    resize(qBound(480, wanted + margins.left() + margins.right(), 1100), sizeHint().height());
}

QSpinBox *RefundOrderDialog::restockBox(int row) const
{
    return qobject_cast<QSpinBox *>(m_lines->cellWidget(row, 3));
}

QString RefundOrderDialog::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

RefundForm RefundOrderDialog::form() const
{
    RefundForm form;
    form.full = m_full->isChecked();
    form.amountText = m_amount->text();
    form.reason = m_reason->text();
    for (int row = 0; row < m_order.lines.size(); ++row) {
        if (QSpinBox *box = restockBox(row); box && box->value() > 0)
            form.restock.append(RestockLine{m_order.lines.at(row).itemId, box->value()});
    }
    return form;
}

void RefundOrderDialog::accept()
{
    auto request = validateRefund(m_order, form());
    if (!request) {
        showError(m_error, request.error().message);
        (request.error().field == u"amount" ? m_amount : m_reason)->setFocus();
        return;
    }
    m_result = request.value();
    QDialog::accept();
}

} // namespace rdk
