#include "ui/releases/buyeremaildialog.h"

#include "domain/customer.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace rdk {

BuyerEmailDialog::BuyerEmailDialog(const QString &suggestion, QWidget *parent) : QDialog(parent)
{
    setObjectName(u"buyerEmailDialog"_s);
    setWindowTitle(tr("Buyer's e-mail"));
    auto *layout = new QVBoxLayout(this);
    auto *text = new QLabel(tr("This cart holds pairs of a release. Each buyer may buy only the release's limit, online "
                               "and at the counter together, counted by e-mail address."), this);
    text->setWordWrap(true);
    layout->addWidget(text);
    m_email = new QLineEdit(suggestion, this);
    m_email->setObjectName(u"buyerEmail"_s);
    m_email->setPlaceholderText(tr("name@example.com"));
    m_email->setMaxLength(MaxEmailLength);
    m_email->setAccessibleName(tr("Buyer's e-mail"));
    m_email->selectAll();
    layout->addWidget(m_email);
    m_message = new QLabel(this);
    m_message->setObjectName(u"message"_s);
    m_message->setWordWrap(true);
    m_message->setStyleSheet(u"color: #b3261e;"_s);
    layout->addWidget(m_message);
    auto *buttons = new QDialogButtonBox(this);
    m_charge = buttons->addButton(tr("Charge"), QDialogButtonBox::AcceptRole);
    m_charge->setObjectName(u"confirmBuyerEmail"_s);
    m_charge->setDefault(true);
    buttons->addButton(tr("Back to the cart"), QDialogButtonBox::RejectRole);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &BuyerEmailDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_email, &QLineEdit::textEdited, m_message, &QLabel::clear);
    resize(460, sizeHint().height());
    m_email->setFocus();
}

QString BuyerEmailDialog::email() const
{
    return m_email->text().trimmed();
}

QString BuyerEmailDialog::messageText() const
{
    return m_message->text();
}

void BuyerEmailDialog::accept()
{
    const auto normalized = normalizeCustomerEmail(email());
    if (!normalized || normalized->isEmpty()) {
        m_message->setText(normalized ? tr("Enter the buyer's e-mail address.") : normalized.error().message);
        m_email->setFocus();
        return;
    }
    QDialog::accept();
}

} // namespace rdk
