// The counter's Customer control (ui/pos/customerpicker) in the real point of sale screen,
// offscreen, against PostgreSQL as an ops login (the real PgPos and PgCustomers): F4, find a
// customer as you type, take one with Enter, Charge attaches them to the pending sale in the
// database, the paid receipt names them, a new sale starts without one; a customer created
// inline from what was typed; the control is off once the sale is paid, and says why.
// With RDK_SCREENSHOT_DIR set it writes pos-customer.png at the counter's 1366x768 share.
#include "data/pgcustomers.h"
#include "data/pgpos.h"
#include "tests/pos/data/posfixture.h"
#include "ui/pos/customerpicker.h"
#include "ui/pos/posscreen.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using namespace rdk::test::pos;

namespace {

constexpr int kWait = 15000;

template <typename Interface, typename Pg>
std::function<Result<std::unique_ptr<Interface>>()> factory(const std::string &url)
{
    return [url]() -> Result<std::unique_ptr<Interface>> {
        auto session = data::PgSession::open(url);
        if (!session)
            return session.error();
        return std::unique_ptr<Interface>(new Pg(std::move(session).value()));
    };
}

} // namespace

class TestCounterCustomer final : public QObject {
    Q_OBJECT

    PosFixture m_fx;
    QString m_jane;
    std::unique_ptr<PosScreen> m_screen;
    CustomerPicker *m_picker = nullptr;

    void typeInto(QWidget *w, const QString &text)
    {
        QTest::keyClicks(w, text);
    }

    void scan(const QString &sku)
    {
        m_screen->scanField()->setFocus();
        QTest::keyClicks(m_screen->scanField(), sku);
        QTest::keyClick(m_screen->scanField(), Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(!m_screen->isBusy() && !m_screen->cart().isEmpty(), kWait);
    }

    void findAndTake(const QString &query)
    {
        m_screen->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_screen.get()));
        QTest::keyClick(m_screen.get(), Qt::Key_F4);
        QVERIFY(m_picker->searchField()->hasFocus());
        typeInto(m_picker->searchField(), query);
        QTest::keyClick(m_picker->searchField(), Qt::Key_Return);  // search now
        QTRY_VERIFY_WITH_TIMEOUT(!m_picker->isBusy() && m_picker->results()->isVisible(), kWait);
        QTest::keyClick(m_picker->searchField(), Qt::Key_Return);  // take the first
    }

    QString orderCustomer()
    {
        return m_fx.scalar("SELECT coalesce(customer_id::text, '') FROM orders WHERE id = $1::uuid", m_screen->order()->orderId);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        if (!m_fx.setUp(&error))
            QFAIL(qPrintable(error));
        m_fx.exec("UPDATE inventory SET quantity = 20");
        auto staff = m_fx.connect(m_fx.staff);
        m_jane = m_fx.as(*staff, "SELECT customer_id::text FROM rdk.customer_save(NULL, 'Jane Doe', 'jane.doe@example.com', "
                                 "'+1 555 010 4477', true)");
        QVERIFY(!m_jane.startsWith(u"ERROR"_s));
    }

    void init()
    {
        const std::string url = m_fx.db->urlFor(m_fx.ops.login, m_fx.ops.password);
        PosShop shop{u"Kickz Counter"_s, u"12 Canal St"_s, u"USD"_s, u"America/New_York"_s, 15};
        m_screen = std::make_unique<PosScreen>(factory<PosStore, data::PgPos>(url), nullptr, StaffRole::Ops, shop);
        m_picker = addCustomerPicker(*m_screen, factory<CustomerDirectory, data::PgCustomers>(url), StaffRole::Ops);
        m_screen->resize(1134, 740);
        m_screen->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_screen.get()));
    }

    void cleanup()
    {
        m_picker = nullptr;
        m_screen.reset();
    }

    void pickCustomer_chargeAttaches_receiptNamesThem_newSaleClears()
    {
        scan(u"POS-FLAT"_s);
        QCOMPARE(m_picker->statusText(), u"Customer: none"_s);
        findAndTake(u"jane"_s);
        QCOMPARE(m_picker->statusText(), u"Customer: Jane Doe"_s);
        QVERIFY(m_screen->scanField()->hasFocus());  // the next scan lands
        QVERIFY(m_picker->removeButton()->isEnabled());

        m_screen->charge();
        QTRY_VERIFY_WITH_TIMEOUT(m_screen->order().has_value() && m_screen->phase() == PosScreen::Phase::Waiting, kWait);
        QTRY_COMPARE_WITH_TIMEOUT(m_picker->attachedOrder(), m_screen->order()->orderId, kWait);
        QCOMPARE(orderCustomer(), m_jane);
        if (const QString dir = qEnvironmentVariable("RDK_SCREENSHOT_DIR"); !dir.isEmpty()) {
            QTest::qWait(100);  // the last paint before the grab; not a pass/fail wait
            QVERIFY(m_screen->grab().save(QDir(dir).filePath(u"pos-customer.png"_s)));
        }

        // Paid in the database; the counter polls (no feed here) and the receipt names her.
        auto ops = m_fx.connect(m_fx.ops);
        m_fx.as(*ops, "SELECT rdk.drawer_open(10000, NULL) WHERE NOT EXISTS (SELECT 1 FROM drawer_sessions WHERE closed_at IS NULL AND opened_by = rdk.current_profile_id())");   // cash goes into an open drawer
        m_fx.as(*ops, "SELECT rdk.record_cash_payment('" + str(m_screen->order()->orderId) + "', 5000)");
        QTRY_COMPARE_WITH_TIMEOUT(m_screen->phase(), PosScreen::Phase::Paid, kWait);
        QVERIFY(m_screen->receipt().has_value());
        QVERIFY2(m_screen->receipt()->textLines().contains(u"Customer: Jane Doe"_s),
                 qPrintable(m_screen->receipt()->textLines().join(u" | "_s)));
        QVERIFY(!m_picker->searchField()->isEnabled());
        QVERIFY(m_picker->searchField()->toolTip().contains(u"before it is paid"_s));
        QVERIFY(!m_picker->removeButton()->isEnabled());

        QTest::keyClick(m_screen.get(), Qt::Key_F2);  // new sale
        QTRY_COMPARE_WITH_TIMEOUT(m_screen->phase(), PosScreen::Phase::Cart, kWait);
        QCOMPARE(m_picker->statusText(), u"Customer: none"_s);
        QVERIFY(m_picker->searchField()->isEnabled());
    }

    void newCustomerInline_thenRemovedFromPendingSale()
    {
        scan(u"POS-FLAT"_s);
        m_screen->charge();
        QTRY_VERIFY_WITH_TIMEOUT(m_screen->order().has_value() && m_screen->phase() == PosScreen::Phase::Waiting, kWait);
        m_screen->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_screen.get()));
        QTest::keyClick(m_screen.get(), Qt::Key_F4);
        typeInto(m_picker->searchField(), u"Zed Newman"_s);
        QTest::keyClick(m_picker->searchField(), Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(!m_picker->isBusy() && m_picker->results()->count() == 1, kWait);
        QVERIFY(m_picker->results()->item(0)->text().contains(u"New…"_s));
        QTest::keyClick(m_picker->searchField(), Qt::Key_Return);  // no match: Enter opens New…
        QTRY_VERIFY(m_picker->dialog() && m_picker->dialog()->isVisible());
        CustomerDialog *dialog = m_picker->dialog();
        QCOMPARE(dialog->nameEdit()->text(), u"Zed Newman"_s);
        QTest::keyClicks(dialog->emailEdit(), u"zed@example.com"_s);
        QTest::mouseClick(dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Save), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!m_picker->dialog() && m_picker->statusText() == u"Customer: Zed Newman"_s, kWait);
        QTRY_COMPARE_WITH_TIMEOUT(m_picker->attachedOrder(), m_screen->order()->orderId, kWait);
        const QString zed = m_fx.scalar("SELECT id::text FROM customers WHERE email = 'zed@example.com'");
        QCOMPARE(orderCustomer(), zed);

        QTest::mouseClick(m_picker->removeButton(), Qt::LeftButton);
        QCOMPARE(m_picker->statusText(), u"Customer: none"_s);
        QTRY_VERIFY_WITH_TIMEOUT(!m_picker->isBusy() && orderCustomer().isEmpty(), kWait);
        m_screen->confirmCancel();
    }

    void escape_inPicker_returnsToScan_withoutCancelingTheSale()
    {
        scan(u"POS-FLAT"_s);
        m_screen->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_screen.get()));
        QTest::keyClick(m_screen.get(), Qt::Key_F4);
        QVERIFY(m_picker->searchField()->hasFocus());
        typeInto(m_picker->searchField(), u"ja"_s);
        QTest::keyClick(m_picker->searchField(), Qt::Key_Escape);
        QVERIFY(m_screen->scanField()->hasFocus());
        QVERIFY(m_picker->searchField()->text().isEmpty());
        QCOMPARE(m_screen->phase(), PosScreen::Phase::Cart);
        QCOMPARE(m_screen->cart().lines().size(), 1);
    }
};

QTEST_MAIN(TestCounterCustomer)
#include "tst_counter_customer.moc"
