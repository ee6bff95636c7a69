// The desk's Customers screen offscreen, driven through its real widgets against PostgreSQL as
// a cashier (staff) and an ops login: search, masked contacts for staff, order history in the
// shop's time zone, new customer with bad input then good, the same e-mail again, edits.
// With RDK_SCREENSHOT_DIR set it also writes desk-customers*.png at the size the screen gets
// in the desk at 1366x768 (the window minus the navigation panel).
#include "data/pgcustomers.h"
#include "domain/moneyformat.h"
#include "tests/pos/data/posfixture.h"
#include "ui/customers/customerdialog.h"
#include "ui/customers/customersscreen.h"
#include "ui/customers/customertablemodel.h"

#include <QApplication>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using namespace rdk::test::pos;

namespace {

constexpr int kWait = 15000;
const char *const kCounterLine = R"([{"sku": "POS-FLAT", "quantity": 1}])";

QPushButton *saveButton(CustomerDialog *dialog)
{
    return dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Save);
}

void shoot(QWidget *w, const QString &name)
{
    const QString dir = qEnvironmentVariable("RDK_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    QTest::qWait(100);  // let the last paint land before the grab; not a pass/fail wait
    QVERIFY(w->grab().save(QDir(dir).filePath(name)));
}

} // namespace

class TestCustomersScreen final : public QObject {
    Q_OBJECT

    PosFixture m_fx;
    QString m_jane;
    QString m_order;

    CustomerDirectoryFactory factoryFor(const test::Login &login)
    {
        const std::string url = m_fx.db->urlFor(login.login, login.password);
        return [url]() -> Result<std::unique_ptr<CustomerDirectory>> {
            auto session = data::PgSession::open(url);
            if (!session)
                return session.error();
            return std::unique_ptr<CustomerDirectory>(new data::PgCustomers(std::move(session).value()));
        };
    }

    std::unique_ptr<CustomersScreen> open(const test::Login &login, StaffRole role)
    {
        auto screen = std::make_unique<CustomersScreen>(factoryFor(login), role, u"America/New_York"_s);
        screen->resize(1134, 740);
        screen->show();
        [&] { QTRY_VERIFY_WITH_TIMEOUT(!screen->isBusy() && screen->model()->rowCount() > 0, kWait); }();
        return screen;
    }

    // A shortcut reaches the screen once its window is active again (after a dialog closed).
    static void press(CustomersScreen &screen, Qt::Key key)
    {
        screen.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&screen));
        QTest::keyClick(&screen, key, Qt::ControlModifier);
    }

    void searchFor(CustomersScreen &screen, const QString &text)
    {
        press(screen, Qt::Key_F);
        QVERIFY(screen.searchField()->hasFocus());
        QTest::keyClicks(screen.searchField(), text);
        QTest::keyClick(screen.searchField(), Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(!screen.isBusy(), kWait);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        if (!m_fx.setUp(&error))
            QFAIL(qPrintable(error));
        auto staff = m_fx.connect(m_fx.staff);
        auto ops = m_fx.connect(m_fx.ops);
        m_jane = m_fx.as(*staff, "SELECT customer_id::text FROM rdk.customer_save(NULL, 'Jane Doe', 'jane.doe@example.com', "
                                 "'+1 555 010 4477', true)");
        m_fx.as(*staff, "SELECT customer_id FROM rdk.customer_save(NULL, 'Marcus Lee', 'marcus@kickz.example', NULL, false)");
        m_fx.as(*staff, "SELECT customer_id FROM rdk.customer_save(NULL, 'Priya Shah', NULL, '020 7946 0018', false)");
        m_order = m_fx.as(*staff, "SELECT rdk.pos_place_sale('" + std::string(kCounterLine) + "', 0, NULL, 15)::text");
        m_fx.as(*staff, "SELECT rdk.pos_attach_customer('" + str(m_order) + "', '" + str(m_jane) + "')");
        m_fx.as(*ops, "SELECT rdk.drawer_open(10000, NULL) WHERE NOT EXISTS (SELECT 1 FROM drawer_sessions WHERE closed_at IS NULL AND opened_by = rdk.current_profile_id())");   // cash goes into an open drawer
        m_fx.as(*ops, "SELECT rdk.record_cash_payment('" + str(m_order) + "', 5000)");
        // A known time for the history's date: 18:30 UTC is 13:30 in New York.
        m_fx.exec("UPDATE orders SET created_at = '2026-12-05 18:30:00+00' WHERE id = '" + str(m_order) + "'");
        m_fx.exec("UPDATE customers SET created_at = '2026-11-20 15:00:00+00'");
        QCOMPARE(m_fx.scalar("SELECT status FROM orders WHERE id = $1::uuid", m_order), u"paid"_s);
    }

    void staff_searchShowsMaskedContact_andHistoryInShopTime()
    {
        auto screen = open(m_fx.staff, StaffRole::Staff);
        QVERIFY(screen->model()->rowCount() >= 3);  // the most recent customers, before any search
        QVERIFY(screen->selectCustomer(m_jane));
        QTRY_COMPARE_WITH_TIMEOUT(screen->historyTable()->rowCount(), 1, kWait);
        shoot(screen.get(), u"desk-customers.png"_s);
        searchFor(*screen, u"jane"_s);
        QCOMPARE(screen->model()->rowCount(), 1);
        const QModelIndex email = screen->model()->index(0, CustomerTableModel::Email);
        QCOMPARE(email.data().toString(), u"j•••@example.com"_s);
        QVERIFY(email.data(Qt::ToolTipRole).toString().contains(u"ops or admin"_s));
        QCOMPARE(screen->model()->index(0, CustomerTableModel::Phone).data().toString(), u"•••• 77"_s);
        QTRY_COMPARE_WITH_TIMEOUT(screen->historyTable()->rowCount(), 1, kWait);
        QVERIFY(screen->detailText().contains(u"Jane Doe"_s));
        QVERIFY(screen->detailText().contains(u"j•••@example.com"_s));
        QVERIFY(!screen->detailText().contains(u"jane.doe"_s));
        QVERIFY(screen->detailText().contains(u"Marketing: agreed at the counter"_s));
        QCOMPARE(screen->historyTable()->item(0, 0)->text(),
                 u"RDK-"_s + m_fx.scalar("SELECT order_number FROM orders WHERE id = $1::uuid", m_order));
        QCOMPARE(screen->historyTable()->item(0, 1)->text(), u"2026-12-05 13:30"_s);
        QCOMPARE(screen->historyTable()->item(0, 2)->text(), u"Counter sale"_s);
        QCOMPARE(screen->historyTable()->item(0, 3)->text(), formatMoney(usd(5000)));
        QCOMPARE(screen->historyTable()->item(0, 4)->text(), u"Paid"_s);
        QVERIFY(screen->detailText().contains(u"Customer since 2026-11-20 · 1 order"_s));

        // A prefix of an address finds nobody for a cashier, and says how to add one.
        screen->searchField()->clear();
        searchFor(*screen, u"jane.d"_s);
        QCOMPARE(screen->model()->rowCount(), 0);
        QVERIFY(screen->message().contains(u"Ctrl+N"_s));
        QVERIFY(!screen->editButton()->isEnabled());
    }

    void staff_newCustomer_badInputThenSaved()
    {
        auto screen = open(m_fx.staff, StaffRole::Staff);
        press(*screen, Qt::Key_N);
        QTRY_VERIFY(screen->dialog() && screen->dialog()->isVisible());
        CustomerDialog *dialog = screen->dialog();
        QTest::keyClicks(dialog->nameEdit(), u"Tomas Rivera"_s);
        QTest::keyClicks(dialog->emailEdit(), u"tomas@"_s);
        QVERIFY(dialog->errorText().contains(u"name@example.com"_s));
        QVERIFY(!saveButton(dialog)->isEnabled());
        QTest::keyClicks(dialog->emailEdit(), u"Example.com"_s);
        QTest::keyClicks(dialog->phoneEdit(), u"555-CALL"_s);
        QVERIFY(dialog->errorText().contains(u"digits"_s));
        dialog->phoneEdit()->clear();
        QTest::keyClicks(dialog->phoneEdit(), u"(555) 010-2233"_s);
        QVERIFY(dialog->errorText().isEmpty());
        dialog->consentBox()->setChecked(true);
        shoot(dialog, u"desk-customer-dialog.png"_s);
        QTest::mouseClick(saveButton(dialog), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!screen->dialog(), kWait);
        QTRY_VERIFY_WITH_TIMEOUT(!screen->isBusy() && screen->message() == u"Saved."_s, kWait);
        QVERIFY(screen->detailText().startsWith(u"Tomas Rivera"_s));
        QCOMPARE(m_fx.scalar("SELECT email || '|' || phone || '|' || marketing_consent FROM customers WHERE name = 'Tomas Rivera'"),
                 u"tomas@example.com|5550102233|true"_s);

        // The same e-mail again: the customer the shop has, not a second one.
        press(*screen, Qt::Key_N);
        QTRY_VERIFY(screen->dialog() && screen->dialog()->isVisible());
        QTest::keyClicks(screen->dialog()->nameEdit(), u"T. Rivera"_s);
        QTest::keyClicks(screen->dialog()->emailEdit(), u"TOMAS@example.com"_s);
        QTest::mouseClick(saveButton(screen->dialog()), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!screen->dialog() && !screen->isBusy() && screen->message().contains(u"already belongs"_s), kWait);
        QVERIFY(screen->detailText().startsWith(u"Tomas Rivera"_s));
        QCOMPARE(m_fx.count("SELECT count(*) FROM customers WHERE email = 'tomas@example.com'"), 1);
    }

    void staff_editKeepsMaskedContactLockedWithReason()
    {
        auto screen = open(m_fx.staff, StaffRole::Staff);
        searchFor(*screen, u"jane"_s);
        QVERIFY(screen->editButton()->isEnabled());
        press(*screen, Qt::Key_E);
        QTRY_VERIFY(screen->dialog() && screen->dialog()->isVisible());
        CustomerDialog *dialog = screen->dialog();
        QVERIFY(!dialog->emailEdit()->isEnabled());
        QVERIFY(dialog->emailEdit()->toolTip().contains(u"Only ops or admin"_s));
        QCOMPARE(dialog->emailEdit()->text(), u"j•••@example.com"_s);
        dialog->nameEdit()->selectAll();
        QTest::keyClicks(dialog->nameEdit(), u"Jane Q. Doe"_s);
        dialog->consentBox()->setChecked(false);
        QTest::mouseClick(saveButton(dialog), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!screen->dialog() && !screen->isBusy() && screen->message() == u"Saved."_s, kWait);
        QCOMPARE(m_fx.scalar("SELECT name || '|' || email || '|' || marketing_consent FROM customers WHERE id = $1::uuid", m_jane),
                 u"Jane Q. Doe|jane.doe@example.com|false"_s);
        QCOMPARE(m_fx.count("SELECT count(*) FROM audit_log WHERE entity = 'customer' AND entity_id = $1 "
                            "AND action = 'marketing_consent'", m_jane), 1);
    }

    void ops_seesAndChangesContact()
    {
        auto screen = open(m_fx.ops, StaffRole::Ops);
        searchFor(*screen, u"marcus@kickz"_s);
        QCOMPARE(screen->model()->rowCount(), 1);
        QCOMPARE(screen->model()->index(0, CustomerTableModel::Email).data().toString(), u"marcus@kickz.example"_s);
        press(*screen, Qt::Key_E);
        QTRY_VERIFY(screen->dialog() && screen->dialog()->isVisible());
        CustomerDialog *dialog = screen->dialog();
        QVERIFY(dialog->emailEdit()->isEnabled());
        dialog->emailEdit()->selectAll();
        QTest::keyClicks(dialog->emailEdit(), u"jane.doe@example.com"_s);  // Jane's: refused, dialog stays
        QTest::mouseClick(saveButton(dialog), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!screen->isBusy() && dialog->errorText().contains(u"Another customer"_s), kWait);
        QVERIFY(dialog->isVisible());
        dialog->emailEdit()->selectAll();
        QTest::keyClicks(dialog->emailEdit(), u"marcus.lee@kickz.example"_s);
        QTest::mouseClick(saveButton(dialog), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!screen->dialog() && !screen->isBusy() && screen->message() == u"Saved."_s, kWait);
        QVERIFY(screen->detailText().contains(u"marcus.lee@kickz.example"_s));
    }
};

QTEST_MAIN(TestCustomersScreen)
#include "tst_customersscreen.moc"
