#include "ui/pos/posdialogs.h"

#include "domain/moneyformat.h"
#include "ui/shell/theme.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

QLabel *errorLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(u"error"_s);
    label->setWordWrap(true);
    theme::setForeground(label, theme::errorText(parent->palette()));
    return label;
}

} // namespace

DiscountDialog::DiscountDialog(const QString &target, const QString &currency, const QString &reason, QWidget *parent)
    : QDialog(parent), m_currency(currency)
{
    setObjectName(u"discount-dialog"_s);
    setWindowTitle(tr("Discount"));
    auto *layout = new QVBoxLayout(this);
    auto *heading = new QLabel(tr("Discount on %1").arg(target), this);
    heading->setWordWrap(true);
    theme::setRelativeFontSize(heading, 1.2, true);
    layout->addWidget(heading);
    auto *form = new QFormLayout;
    m_kind = new QComboBox(this);
    m_kind->setObjectName(u"kind"_s);
    m_kind->addItem(tr("Amount (%1)").arg(currency), u"amount"_s);
    m_kind->addItem(tr("Percent"), u"percent"_s);
    m_value = new QLineEdit(this);
    m_value->setObjectName(u"value"_s);
    m_value->setPlaceholderText(tr("e.g. 10.00 or 15"));
    m_value->setMaxLength(20);
    m_reason = new QLineEdit(reason, this);
    m_reason->setObjectName(u"reason"_s);
    m_reason->setPlaceholderText(tr("Why (required, recorded in the audit log)"));
    m_reason->setMaxLength(int(MaxDiscountReasonLength));
    form->addRow(tr("&Type"), m_kind);
    form->addRow(tr("&Value"), m_value);
    form->addRow(tr("&Reason"), m_reason);
    layout->addLayout(form);
    m_error = errorLabel(this);
    layout->addWidget(m_error);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &DiscountDialog::submit);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_kind, &QComboBox::currentIndexChanged, this, &DiscountDialog::validate);
    connect(m_value, &QLineEdit::textChanged, this, &DiscountDialog::validate);
    connect(m_reason, &QLineEdit::textChanged, this, &DiscountDialog::validate);
    m_value->setFocus();
    validate();
}

QString DiscountDialog::reason() const
{
    return m_reason->text().trimmed();
}

void DiscountDialog::showError(const QString &message)
{
    m_error->setText(message);
}

void DiscountDialog::validate()
{
    const DiscountKind kind = m_kind->currentIndex() == 1 ? DiscountKind::Percent : DiscountKind::Amount;
    QString problem;
    if (!m_value->text().trimmed().isEmpty()) {
        auto parsed = parseDiscount(kind, m_value->text(), m_currency);
        if (parsed)
            m_discount = *parsed;
        else
            problem = parsed.error().message;
    }
    const bool ready = problem.isEmpty() && !m_value->text().trimmed().isEmpty() && !reason().isEmpty();
    m_error->setText(problem);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(ready);
}

void DiscountDialog::submit()
{
    validate();
    if (!m_buttons->button(QDialogButtonBox::Ok)->isEnabled())
        return;
    Q_EMIT discountChosen(m_discount, reason());
}

CashTenderDialog::CashTenderDialog(const Money &total, QWidget *parent)
    : QDialog(parent), m_total(total), m_tendered(Money::zero(total.currency()))
{
    setObjectName(u"cash-dialog"_s);
    setWindowTitle(tr("Cash payment"));
    auto *layout = new QVBoxLayout(this);
    auto *due = new QLabel(tr("Total due: %1").arg(formatMoney(total)), this);
    due->setObjectName(u"due"_s);
    theme::setRelativeFontSize(due, 1.6, true);
    layout->addWidget(due);
    auto *form = new QFormLayout;
    m_amount = new QLineEdit(this);
    m_amount->setObjectName(u"tendered"_s);
    m_amount->setPlaceholderText(tr("Cash received, e.g. 200"));
    m_amount->setMaxLength(24);
    theme::setRelativeFontSize(m_amount, 1.6);
    form->addRow(tr("Cash &received"), m_amount);
    layout->addLayout(form);
    m_change = new QLabel(this);
    m_change->setObjectName(u"change"_s);
    theme::setRelativeFontSize(m_change, 1.6, true);
    layout->addWidget(m_change);
    m_error = errorLabel(this);
    layout->addWidget(m_error);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Record cash payment"));
    layout->addWidget(m_buttons);
    connect(m_amount, &QLineEdit::textChanged, this, &CashTenderDialog::validate);
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        if (canAccept())
            accept();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    m_amount->setFocus();
    validate();
}

QString CashTenderDialog::changeText() const
{
    return m_change->text();
}

QString CashTenderDialog::errorText() const
{
    return m_error->text();
}

bool CashTenderDialog::canAccept() const
{
    return m_buttons->button(QDialogButtonBox::Ok)->isEnabled();
}

void CashTenderDialog::validate()
{
    const bool empty = m_amount->text().trimmed().isEmpty();
    auto tendered = checkCashTendered(m_amount->text(), m_total);
    if (tendered) {
        m_tendered = *tendered;
        m_change->setText(tr("Change: %1").arg(formatMoney(cashChange(*tendered, m_total))));
        m_error->clear();
    } else {
        m_change->clear();
        m_error->setText(empty ? QString() : tendered.error().message);
    }
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(bool(tendered));
}

} // namespace rdk
