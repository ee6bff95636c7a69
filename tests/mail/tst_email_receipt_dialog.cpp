// "E-mail receipt…" driven offscreen through its real widgets, on an in-memory mailbox written
// for this test (a real OrderMailbox that keeps what it was asked and refuses what the database
// refuses), so the dialog is exercised without a database; the PostgreSQL side has its own test
// (tst_mail_outbox_db).
#include "domain/mailmessage.h"
#include "ui/mail/emailreceiptdialog.h"

#include <QLineEdit>
#include <QMutex>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

namespace {

struct MemoryOutbox {
    QMutex mutex;
    QList<QPair<QString, QString>> queued;   // order, address
    QString refusal;                         // non-empty: refuse with this sentence
    Qt::HANDLE callerThread = nullptr;
};

class MemoryMailbox final : public OrderMailbox {
public:
    explicit MemoryMailbox(std::shared_ptr<MemoryOutbox> outbox) : m_outbox(std::move(outbox)) {}

    Result<QList<OrderMail>> mailsOf(const QString &) override { return QList<OrderMail>(); }

    Result<qint64> emailReceipt(const QString &orderId, const QString &email) override
    {
        QMutexLocker lock(&m_outbox->mutex);
        m_outbox->callerThread = QThread::currentThreadId();
        if (!m_outbox->refusal.isEmpty())
            return Error::conflict(m_outbox->refusal);
        if (sendableAddress(email) != email)
            return Error::invalid(u"That is not an e-mail address a receipt can be sent to."_s);
        m_outbox->queued.append({orderId, email});
        return qint64(m_outbox->queued.size());
    }

private:
    std::shared_ptr<MemoryOutbox> m_outbox;
};

} // namespace

class TestEmailReceiptDialog final : public QObject {
    Q_OBJECT

    std::shared_ptr<MemoryOutbox> m_outbox;

    std::unique_ptr<EmailReceiptDialog> dialog()
    {
        auto outbox = m_outbox;
        auto d = std::make_unique<EmailReceiptDialog>(
            [outbox]() -> Result<std::unique_ptr<OrderMailbox>> { return std::unique_ptr<OrderMailbox>(new MemoryMailbox(outbox)); },
            u"order-1"_s, u"RDK-1042"_s);
        d->show();
        return d;
    }

private Q_SLOTS:
    void init() { m_outbox = std::make_shared<MemoryOutbox>(); }

    void badAddress_keepsSendDisabled_andSaysWhy_data()
    {
        QTest::addColumn<QString>("typed");
        QTest::addRow("empty") << QString();
        QTest::addRow("no domain") << u"someone"_s;
        QTest::addRow("display name") << u"Eve <eve@example.com>"_s;
        QTest::addRow("two addresses") << u"a@example.com, b@example.com"_s;
        QTest::addRow("space inside") << u"a b@example.com"_s;
    }

    void badAddress_keepsSendDisabled_andSaysWhy()
    {
        QFETCH(QString, typed);
        auto d = dialog();
        QTest::keyClicks(d->addressEdit(), typed);
        QVERIFY(!d->sendButton()->isEnabled());
        QVERIFY2(d->sendButton()->toolTip().contains(u"Type one e-mail address"_s), qPrintable(d->sendButton()->toolTip()));
        QTest::keyClick(d->addressEdit(), Qt::Key_Return);
        QTest::qWait(100);   // proving a negative: nothing may reach the mailbox
        QCOMPARE(m_outbox->queued.size(), 0);
        QVERIFY(d->isVisible());
    }

    void goodAddress_enterQueuesIt_offTheUiThread_andCloses()
    {
        auto d = dialog();
        QSignalSpy queued(d.get(), &EmailReceiptDialog::queued);
        QTest::keyClicks(d->addressEdit(), u" buyer@example.com"_s);
        QVERIFY(d->sendButton()->isEnabled());
        if (const QString dir = qEnvironmentVariable("RDK_SCREENSHOT_DIR"); !dir.isEmpty()) {
            QWidget backdrop;
            backdrop.resize(1366, 768);
            backdrop.setStyleSheet(u"background: #e8e8e8"_s);
            d->setParent(&backdrop, Qt::Widget);
            d->move((1366 - d->width()) / 2, (768 - d->height()) / 3);
            backdrop.show();
            d->show();
            QTest::qWait(50);   // screenshots only (RDK_SCREENSHOT_DIR): lets the layout settle before the grab
            QVERIFY(backdrop.grab().save(dir + u"/desk-email-receipt.png"_s));
            d->setParent(nullptr, Qt::Dialog);
            d->show();
        }
        QTest::keyClick(d->addressEdit(), Qt::Key_Return);
        QVERIFY(queued.wait(5000));
        QCOMPARE(m_outbox->queued.size(), 1);
        QCOMPARE(m_outbox->queued.first(), (QPair<QString, QString>{u"order-1"_s, u"buyer@example.com"_s}));
        QVERIFY(m_outbox->callerThread != QThread::currentThreadId());
        QCOMPARE(d->queuedMailId(), 1);
        QTRY_VERIFY(!d->isVisible());
        QCOMPARE(d->result(), int(QDialog::Accepted));
    }

    void refusal_isShown_andTheDialogStaysOpen()
    {
        m_outbox->refusal = u"The receipt of RDK-1042 was already e-mailed 5 times; print it instead."_s;
        auto d = dialog();
        QTest::keyClicks(d->addressEdit(), u"buyer@example.com"_s);
        QTest::mouseClick(d->sendButton(), Qt::LeftButton);
        QTRY_COMPARE(d->errorText(), m_outbox->refusal);
        QVERIFY(d->isVisible());
        QVERIFY(d->sendButton()->isEnabled());   // fix the address, or cancel
        QCOMPARE(d->queuedMailId(), 0);
    }
};

QTEST_MAIN(TestEmailReceiptDialog)
#include "tst_email_receipt_dialog.moc"
