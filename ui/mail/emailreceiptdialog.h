#pragma once

#include "domain/ordermail.h"

#include <QDialog>

class QLabel;
class QLineEdit;
class QPushButton;

namespace rdk {

class UiTaskRunner;

/// "E-mail receipt…": one address, checked as it is typed (Send stays disabled, with the reason
/// in its tooltip, until it is one plain address); Send queues the receipt in the mail outbox
/// off the UI thread (rdk.pos_email_receipt) and the dialog closes, or shows the database's
/// refusal and stays open. rdk-sync sends it; the order's detail shows when it went out.
class EmailReceiptDialog final : public QDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EmailReceiptDialog)

public:
    EmailReceiptDialog(OrderMailboxFactory mailbox, QString orderId, const QString &orderLabel, QWidget *parent = nullptr);
    ~EmailReceiptDialog() override;

    QLineEdit *addressEdit() const { return m_address; }
    QPushButton *sendButton() const { return m_send; }
    QString errorText() const;
    bool isBusy() const;
    /// The outbox row once queued (0 before).
    qint64 queuedMailId() const { return m_queued; }

public Q_SLOTS:
    void send();

Q_SIGNALS:
    void queued(qint64 mailId);

private:
    void updateSend();

    OrderMailboxFactory m_mailbox;
    QString m_orderId;
    UiTaskRunner *m_runner;
    QLineEdit *m_address;
    QLabel *m_error;
    QPushButton *m_send;
    qint64 m_queued = 0;
    bool m_busy = false;
};

} // namespace rdk
