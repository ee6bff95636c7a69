// Customers on PostgreSQL (module customers.sql, data/pgcustomers) as the real logins: create,
// same e-mail = same customer, search and masking by role, edits, attach to a pending counter
// sale, a paid online order joining its customer by e-mail, order history, bad input.
#include "data/pgcustomers.h"
#include "tests/pos/data/posfixture.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using namespace rdk::test::pos;

namespace {

const char *const kOnlineLine = R"([{"sku": "POS-RUN", "size": "9", "quantity": 1}])";
const char *const kCounterLine = R"([{"sku": "POS-FLAT", "quantity": 1}])";

CustomerDraft draftOf(const QString &name, const QString &email, const QString &phone = {}, bool consent = false)
{
    CustomerDraft d;
    d.name = name;
    d.email = email;
    d.phone = phone;
    d.marketingConsent = consent;
    return d;
}

// QVERIFY2 evaluates its message even when the check passes.
template <typename R>
const char *whyNot(const R &r)
{
    static QByteArray text;
    text = r.ok() ? QByteArray() : r.error().message.toUtf8();
    return text.constData();
}

} // namespace

class TestCustomersData final : public QObject {
    Q_OBJECT

    PosFixture m_fx;
    std::unique_ptr<data::PgSession> m_staffSession, m_opsSession, m_adminSession, m_staffBSession;
    std::unique_ptr<data::PgCustomers> m_staff, m_ops, m_admin, m_staffB;
    int m_event = 0;

    QString pendingSale(const test::Login &login)
    {
        auto conn = m_fx.connect(login);
        return m_fx.as(*conn, "SELECT rdk.pos_place_sale('" + std::string(kCounterLine) + "', 0, NULL, 15)::text");
    }

    // An online order paid the way rdk-sync reports it.
    // Checkout refuses a malformed e-mail; Stripe's answer (`email`) is stored as it came.
    QString paidOnlineOrder(const QString &email, const QString &shippingName = {}, bool atCheckout = true)
    {
        auto conn = m_fx.connect(m_fx.service);
        const QString order = m_fx.as(*conn, "SELECT rdk.checkout_place_order('" + std::string(kOnlineLine) + "', " +
                                                 (atCheckout ? lit(email) : std::string("NULL")) + ", 35)::text");
        const std::string evt = "evt_cust_" + std::to_string(++m_event);
        const QString shipping = shippingName.isEmpty() ? u"NULL"_s
                                                        : QString::fromStdString(lit(u"{\"name\": \"%1\"}"_s.arg(shippingName))) + u"::jsonb"_s;
        const QString outcome = m_fx.as(*conn, "SELECT outcome FROM rdk.apply_payment_event('" + evt +
                                                   "', 'checkout.session.completed', '" + str(order) + "', 'pi_" + evt +
                                                   "', 'paid', 12000, 'usd', 'cs_" + evt + "', NULL, " + lit(email) + ", " +
                                                   str(shipping) + ")");
        if (outcome != u"applied"_s)
            qWarning() << "payment outcome" << outcome;
        return order;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        if (!m_fx.setUp(&error))
            QFAIL(qPrintable(error));
        // Enough pairs for every online order and counter sale below.
        m_fx.exec("UPDATE inventory SET quantity = 50");
        m_staffSession = m_fx.session(m_fx.staff);
        m_opsSession = m_fx.session(m_fx.ops);
        m_adminSession = m_fx.session(m_fx.admin);
        m_staffBSession = m_fx.session(m_fx.staffB);
        QVERIFY(m_staffSession && m_opsSession && m_adminSession && m_staffBSession);
        m_staff = std::make_unique<data::PgCustomers>(*m_staffSession);
        m_ops = std::make_unique<data::PgCustomers>(*m_opsSession);
        m_admin = std::make_unique<data::PgCustomers>(*m_adminSession);
        m_staffB = std::make_unique<data::PgCustomers>(*m_staffBSession);
    }

    void create_normalisesAndAnswersNewId()
    {
        const auto saved = m_staff->save(draftOf(u"  Jane   Doe "_s, u" Jane.Doe@Example.COM "_s, u"+1 (555) 010-4477"_s, true));
        QVERIFY2(saved.ok(), whyNot(saved));
        QVERIFY(saved->created);
        QCOMPARE(m_fx.scalar("SELECT name || '|' || email || '|' || phone || '|' || marketing_consent || '|' || consent_source "
                             "FROM customers WHERE id = $1::uuid", saved->id),
                 u"Jane Doe|jane.doe@example.com|+15550104477|true|counter"_s);
        QCOMPARE(m_fx.scalar("SELECT created_by FROM customers WHERE id = $1::uuid", saved->id), m_fx.staff.login);
        // Audited: who created them and the consent, without the address itself.
        QCOMPARE(m_fx.count("SELECT count(*) FROM audit_log WHERE entity = 'customer' AND entity_id = $1 AND action = 'insert' "
                            "AND (after ->> 'marketing_consent')::boolean AND after::text NOT LIKE '%jane%'", saved->id), 1);
    }

    void create_sameEmail_answersTheExistingCustomer()
    {
        const auto first = m_ops->save(draftOf(u"Sam Same"_s, u"sam@example.com"_s));
        QVERIFY(first.ok() && first->created);
        const auto again = m_staff->save(draftOf(u"Someone Else"_s, u"SAM@example.com "_s, u"555 010 9999"_s, true));
        QVERIFY2(again.ok(), whyNot(again));
        QVERIFY(!again->created);
        QCOMPARE(again->id, first->id);
        QCOMPARE(m_fx.count("SELECT count(*) FROM customers WHERE email = 'sam@example.com'"), 1);
        // The name is not overwritten by whoever typed the address; a missing phone and a yes are kept.
        QCOMPARE(m_fx.scalar("SELECT name || '|' || phone || '|' || marketing_consent FROM customers WHERE id = $1::uuid", first->id),
                 u"Sam Same|5550109999|true"_s);
        QCOMPARE(m_fx.count("SELECT count(*) FROM audit_log WHERE entity = 'customer' AND entity_id = $1 "
                            "AND action = 'marketing_consent'", first->id), 1);
    }

    void search_masksForStaff_fullForOps()
    {
        const auto saved = m_ops->save(draftOf(u"Mira Mask"_s, u"mira@kicks.example"_s, u"+44 7700 900123"_s));
        QVERIFY(saved.ok());
        const auto asStaff = m_staff->search(u"mira"_s, 10);
        QVERIFY2(asStaff.ok(), whyNot(asStaff));
        QCOMPARE(asStaff->size(), 1);
        QCOMPARE(asStaff->at(0).email, u"m•••@kicks.example"_s);
        QCOMPARE(asStaff->at(0).phone, u"•••• 23"_s);
        QVERIFY(!asStaff->at(0).contactVisible);
        const auto asOps = m_ops->search(u"mira"_s, 10);
        QVERIFY(asOps.ok() && asOps->size() == 1);
        QCOMPARE(asOps->at(0).email, u"mira@kicks.example"_s);
        QCOMPARE(asOps->at(0).phone, u"+447700900123"_s);
        QVERIFY(asOps->at(0).contactVisible);
        const auto one = m_staff->customer(saved->id);
        QVERIFY(one.ok() && one->has_value());
        QCOMPARE((*one)->email, u"m•••@kicks.example"_s);
    }

    void search_byWholeEmailOrPhone_staff_butNotByPrefix()
    {
        QVERIFY(m_ops->save(draftOf(u"Pat Prefix"_s, u"pat.prefix@example.com"_s, u"0612345678"_s)).ok());
        const auto byEmail = m_staff->search(u"Pat.Prefix@example.com"_s, 10);
        QVERIFY(byEmail.ok());
        QCOMPARE(byEmail->size(), 1);
        const auto byPhone = m_staff->search(u"06 12 34 56 78"_s, 10);
        QVERIFY(byPhone.ok());
        QCOMPARE(byPhone->size(), 1);
        // A prefix would let a cashier spell out an address they may not read.
        const auto byPrefix = m_staff->search(u"pat.prefix@"_s, 10);
        QVERIFY(byPrefix.ok());
        QCOMPARE(byPrefix->size(), 0);
        const auto byDigits = m_staff->search(u"345678"_s, 10);
        QVERIFY(byDigits.ok());
        QCOMPARE(byDigits->size(), 0);
        // Ops search by any part.
        const auto opsPrefix = m_ops->search(u"pat.prefix@"_s, 10);
        QVERIFY(opsPrefix.ok());
        QCOMPARE(opsPrefix->size(), 1);
        const auto opsDigits = m_ops->search(u"345678"_s, 10);
        QVERIFY(opsDigits.ok());
        QCOMPARE(opsDigits->size(), 1);
    }

    void search_isBoundedAndHostileTextIsJustText()
    {
        for (int i = 0; i < 55; ++i)
            QVERIFY(m_ops->save(draftOf(u"Bulk Buyer %1"_s.arg(i), u"bulk%1@example.com"_s.arg(i))).ok());
        const auto many = m_ops->search(u"bulk"_s, 1000);
        QVERIFY(many.ok());
        QCOMPARE(many->size(), MaxCustomerSearchResults);
        const auto wild = m_staff->search(u"%"_s, 10);
        QVERIFY(wild.ok());
        QCOMPARE(wild->size(), 0);
        const auto quote = m_staff->search(u"'); DROP TABLE customers; --"_s, 10);
        QVERIFY(quote.ok());
        QCOMPARE(quote->size(), 0);
        QVERIFY(!m_staff->search(QString(300, u'a'), 10).ok());
    }

    void edit_staffMayNotReplaceContact_opsMay()
    {
        const auto saved = m_ops->save(draftOf(u"Eddie Edit"_s, u"eddie@example.com"_s));
        QVERIFY(saved.ok());
        CustomerDraft rename;
        rename.id = saved->id;
        rename.name = u"Eddie Edits"_s;  // email, phone: kept
        rename.phone = u"555 010 1234"_s; // none yet: staff may add it
        rename.marketingConsent = true;
        const auto renamed = m_staff->save(rename);
        QVERIFY2(renamed.ok(), whyNot(renamed));
        QCOMPARE(m_fx.scalar("SELECT name || '|' || email || '|' || phone || '|' || marketing_consent FROM customers WHERE id = $1::uuid",
                             saved->id),
                 u"Eddie Edits|eddie@example.com|5550101234|true"_s);

        CustomerDraft steal = rename;
        steal.email = u"thief@example.com"_s;
        const auto refused = m_staff->save(steal);
        POS_EXPECT_ERROR(refused, ErrorCode::Forbidden);
        QVERIFY(refused.error().message.contains(u"ops or admin"_s));
        QCOMPARE(m_fx.scalar("SELECT email FROM customers WHERE id = $1::uuid", saved->id), u"eddie@example.com"_s);

        const auto byOps = m_ops->save(steal);
        QVERIFY2(byOps.ok(), whyNot(byOps));
        QCOMPARE(m_fx.scalar("SELECT email FROM customers WHERE id = $1::uuid", saved->id), u"thief@example.com"_s);
        // Which fields changed is audited; the values are not.
        QCOMPARE(m_fx.count("SELECT count(*) FROM audit_log WHERE entity = 'customer' AND entity_id = $1 AND action = 'update' "
                            "AND after ->> 'email' = '(changed)' AND before ->> 'email' = '(not logged)' "
                            "AND after::text NOT LIKE '%thief%' AND before::text NOT LIKE '%eddie@%'", saved->id), 1);

        CustomerDraft duplicate = steal;
        duplicate.email = u"sam@example.com"_s;
        POS_EXPECT_ERROR(m_ops->save(duplicate), ErrorCode::Conflict);
    }

    void save_badInput_clearSentence_nothingStored_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("email");
        QTest::addColumn<QString>("phone");
        QTest::addColumn<QString>("words");
        QTest::addRow("empty name") << u"   "_s << u"a@example.com"_s << QString() << u"name"_s;
        QTest::addRow("name of 121") << QString(121, u'n') << QString() << QString() << u"120"_s;
        QTest::addRow("e-mail of 300") << u"Long Mail"_s << (QString(290, u'a') + u"@example.com"_s) << QString() << u"254"_s;
        QTest::addRow("e-mail without domain") << u"No Domain"_s << u"nodomain@"_s << QString() << u"name@example.com"_s;
        QTest::addRow("phone with letters") << u"Bad Phone"_s << QString() << u"555-CALL-NOW"_s << u"digits"_s;
        QTest::addRow("phone too short") << u"Short Phone"_s << QString() << u"123"_s << u"6 to 15"_s;
    }

    void save_badInput_clearSentence_nothingStored()
    {
        QFETCH(QString, name);
        QFETCH(QString, email);
        QFETCH(QString, phone);
        QFETCH(QString, words);
        const int before = m_fx.count("SELECT count(*) FROM customers");
        const auto r = m_staff->save(draftOf(name, email, phone));
        POS_EXPECT_ERROR(r, ErrorCode::Invalid);
        QVERIFY2(r.error().message.contains(words), whyNot(r));
        // The database says the same to a client that skips the C++ checks.
        auto conn = m_fx.connect(m_fx.staff);
        const QString raw = m_fx.as(*conn, "SELECT customer_id FROM rdk.customer_save(NULL, " + lit(name) + ", " +
                                               lit(email) + ", " + lit(phone) + ", false)");
        QVERIFY2(raw.startsWith(u"ERROR 22023"_s) && raw.contains(words), qPrintable(raw));
        QCOMPARE(m_fx.count("SELECT count(*) FROM customers"), before);
    }

    void attach_pendingCounterSale_thenHistory()
    {
        const auto saved = m_staff->save(draftOf(u"Ada Attach"_s, u"ada@example.com"_s));
        QVERIFY(saved.ok());
        const QString order = pendingSale(m_fx.staff);
        QVERIFY2(!order.startsWith(u"ERROR"_s), qPrintable(order));
        const auto attached = m_staff->attachToSale(order, saved->id);
        QVERIFY2(attached.ok(), whyNot(attached));
        QCOMPARE(m_fx.scalar("SELECT customer_id::text FROM orders WHERE id = $1::uuid", order), saved->id);
        QCOMPARE(m_fx.count("SELECT count(*) FROM audit_log WHERE entity = 'order' AND entity_id = $1 AND action = 'attach_customer'",
                            order), 1);
        const auto history = m_staff->orders(saved->id);
        QVERIFY2(history.ok(), whyNot(history));
        QCOMPARE(history->size(), 1);
        QCOMPARE(history->at(0).orderId, order);
        QCOMPARE(history->at(0).channel, u"pos"_s);
        QCOMPARE(history->at(0).total, usd(5000));
        // Detach, then a paid sale refuses a customer.
        QVERIFY(m_staff->attachToSale(order, QString()).ok());
        QVERIFY(m_fx.scalar("SELECT customer_id::text FROM orders WHERE id = $1::uuid", order).isEmpty());
        auto opsConn = m_fx.connect(m_fx.ops);
        m_fx.as(*opsConn, "SELECT rdk.drawer_open(10000, NULL) WHERE NOT EXISTS (SELECT 1 FROM drawer_sessions WHERE closed_at IS NULL AND opened_by = rdk.current_profile_id())");   // cash goes into an open drawer
        m_fx.as(*opsConn, "SELECT rdk.record_cash_payment('" + str(order) + "', 5000)");
        QCOMPARE(m_fx.scalar("SELECT status FROM orders WHERE id = $1::uuid", order), u"paid"_s);
        const auto late = m_staff->attachToSale(order, saved->id);
        POS_EXPECT_ERROR(late, ErrorCode::Conflict);
        QVERIFY2(late.error().message.contains(u"before it is paid"_s), whyNot(late));
    }

    void onlinePaidOrder_joinsCustomerByEmail_orCreatesOne()
    {
        const auto known = m_staff->save(draftOf(u"Olive Online"_s, u"olive@example.com"_s));
        QVERIFY(known.ok());
        const QString first = paidOnlineOrder(u"Olive@Example.com"_s);
        QCOMPARE(m_fx.scalar("SELECT status FROM orders WHERE id = $1::uuid", first), u"paid"_s);
        QCOMPARE(m_fx.scalar("SELECT customer_id::text FROM orders WHERE id = $1::uuid", first), known->id);

        const QString second = paidOnlineOrder(u"newbie@example.com"_s, u"Nia Newbie"_s);
        const QString created = m_fx.scalar("SELECT customer_id::text FROM orders WHERE id = $1::uuid", second);
        QVERIFY(!created.isEmpty());
        QCOMPARE(m_fx.scalar("SELECT name || '|' || email || '|' || marketing_consent FROM customers WHERE id = $1::uuid", created),
                 u"Nia Newbie|newbie@example.com|false"_s);
        const QString third = paidOnlineOrder(u"newbie@example.com"_s);
        QCOMPARE(m_fx.scalar("SELECT customer_id::text FROM orders WHERE id = $1::uuid", third), created);
        const auto history = m_ops->orders(created);
        QVERIFY(history.ok());
        QCOMPARE(history->size(), 2);
        QCOMPARE(history->at(0).channel, u"online"_s);
        QVERIFY(history->at(0).paidAt.isValid());

        // A malformed address never blocks a payment; the order just has no customer.
        const QString odd = paidOnlineOrder(u"not an address"_s, {}, false);
        QCOMPARE(m_fx.scalar("SELECT status FROM orders WHERE id = $1::uuid", odd), u"paid"_s);
        QVERIFY(m_fx.scalar("SELECT customer_id::text FROM orders WHERE id = $1::uuid", odd).isEmpty());
    }

    void otherShop_seesNothing_andCannotAttach()
    {
        const auto saved = m_staff->save(draftOf(u"Only InA"_s, u"only.a@example.com"_s));
        QVERIFY(saved.ok());
        const auto search = m_staffB->search(u"Only"_s, 10);
        QVERIFY(search.ok());
        QCOMPARE(search->size(), 0);
        const auto one = m_staffB->customer(saved->id);
        QVERIFY(one.ok() && !one->has_value());
        POS_EXPECT_ERROR(m_staffB->orders(saved->id), ErrorCode::NotFound);
        const QString orderB = pendingSale(m_fx.staffB);
        QVERIFY2(!orderB.startsWith(u"ERROR"_s), qPrintable(orderB));
        POS_EXPECT_ERROR(m_staffB->attachToSale(orderB, saved->id), ErrorCode::NotFound);
        QVERIFY(m_fx.scalar("SELECT customer_id::text FROM orders WHERE id = $1::uuid", orderB).isEmpty());
        // Shop B's own customer can be attached (positive control).
        const auto own = m_staffB->save(draftOf(u"Bea B"_s, u"bea@example.com"_s));
        QVERIFY(own.ok());
        QVERIFY(m_staffB->attachToSale(orderB, own->id).ok());
        // The same e-mail in another shop is another customer.
        const auto twin = m_staffB->save(draftOf(u"Only InB"_s, u"only.a@example.com"_s));
        QVERIFY(twin.ok() && twin->created && twin->id != saved->id);
    }
};

QTEST_GUILESS_MAIN(TestCustomersData)
#include "tst_customers_data.moc"
