#include "ui/mail/emailreceiptdialog.h"

#include "domain/mailmessage.h"
#include "ui/common/uitaskrunner.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace rdk {

EmailReceiptDialog::EmailReceiptDialog(OrderMailboxFactory mailbox, QString orderId, const QString &orderLabel, QWidget *parent)
    : QDialog(parent), m_mailbox(std::move(mailbox)), m_orderId(std::move(orderId)),
      m_runner(new UiTaskRunner(UiTaskRunner::Options{u"email-receipt"_s}, this)), m_address(new QLineEdit(this)),
      m_error(new QLabel(this)), m_send(new QPushButton(tr("&Send"), this))
{
    setObjectName(u"emailReceiptDialog"_s);
    setWindowTitle(tr("E-mail the receipt of %1").arg(orderLabel));
    m_address->setObjectName(u"address"_s);
    m_address->setPlaceholderText(u"name@example.com"_s);
    m_address->setMaxLength(254);
    m_address->setMinimumWidth(m_address->fontMetrics().horizontalAdvance(u"someone.with.a.long.name@example.com"_s));
    m_address->setAccessibleName(tr("Customer's e-mail address"));
    m_error->setObjectName(u"error"_s);
    m_error->setWordWrap(true);
    m_error->setStyleSheet(u"color: #b00020"_s);
    m_error->hide();
    m_send->setObjectName(u"send"_s);
    m_send->setDefault(true);

    auto *hint = new QLabel(tr("The receipt goes out by e-mail within a minute. The address is kept with this sale's "
                               "mail only, and only managers can read it back."), this);
    hint->setWordWrap(true);
    auto *form = new QFormLayout;
    form->addRow(tr("&E-mail:"), m_address);
    auto *buttons = new QDialogButtonBox(this);
    buttons->addButton(m_send, QDialogButtonBox::AcceptRole);
    buttons->addButton(QDialogButtonBox::Cancel);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(hint);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(buttons);

    connect(m_address, &QLineEdit::textChanged, this, &EmailReceiptDialog::updateSend);
    connect(m_send, &QPushButton::clicked, this, &EmailReceiptDialog::send);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    updateSend();
}

EmailReceiptDialog::~EmailReceiptDialog() = default;

QString EmailReceiptDialog::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

bool EmailReceiptDialog::isBusy() const
{
    return m_busy;
}

void EmailReceiptDialog::updateSend()
{
    const bool valid = !sendableAddress(m_address->text()).isEmpty();
    m_send->setEnabled(valid && !m_busy);
    if (m_busy)
        m_send->setToolTip(tr("Sending…"));
    else if (valid)
        m_send->setToolTip(tr("Queue the receipt for this address (Enter)"));
    else
        m_send->setToolTip(tr("Type one e-mail address, like name@example.com: no name, spaces or second address."));
}

void EmailReceiptDialog::send()
{
    const QString address = sendableAddress(m_address->text());
    if (address.isEmpty() || m_busy)
        return;
    m_busy = true;
    m_error->hide();
    updateSend();
    m_runner->run(
        this,
        [mailbox = m_mailbox, orderId = m_orderId, address]() -> Result<qint64> {
            auto box = mailbox();
            if (!box)
                return box.error();
            return (*box)->emailReceipt(orderId, address);
        },
        [this](const Result<qint64> &queued) {
            m_busy = false;
            if (!queued) {
                m_error->setText(queued.error().message);
                m_error->show();
                updateSend();
                return;
            }
            m_queued = *queued;
            Q_EMIT this->queued(m_queued);
            accept();
        });
}

} // namespace rdk
