// The desk's side of online shipping against a real PostgreSQL (migration 0021, module
// shipping.sql) through the same classes the desk uses: PgOrderBook's shipTo and
// markReadyForPickup, PgShopSettings' load and save, and the rules the functions keep for each
// role (a cashier sees an address while the order waits to go out; pickup orders are made
// ready once, mailed once, and never shipped; only a verified admin changes the settings, and
// bad settings come back as sentences with nothing changed).
#include "data/pgcheckout.h"
#include "data/pgorderbook.h"
#include "data/pgshopsettings.h"
#include "domain/orderlist.h"
#include "tests/staff/deskadmintest.h"

#include <QJsonObject>
#include <QTest>

#include <map>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using rdk::data::PgCheckout;
using rdk::data::PgOrderBook;
using rdk::data::PgSession;
using rdk::data::PgShopSettings;
using namespace rdk::test;
using namespace rdk::test::security;

namespace {

const char *const kLine = R"([{"sku": "SHIP-RUN", "size": "10", "quantity": 2}])";
const char *const kLineB = R"([{"sku": "SHIP-B", "size": "10", "quantity": 1}])";
const char *const kAddress =
    R"({"name": "Dana Smith", "line1": "12 Water St", "line2": "Apt 4", "city": "Brooklyn", "state": "NY", "postal_code": "11201", "country": "US"})";

const char *const kGoodSettings =
    R"({"ship_countries": ["US", "ca"], "collect_phone": true, "stripe_tax": true, "shop_address": "1 Main St\nBrooklyn NY",
        "shipping_policy": "Ships in 2 days.", "returns_policy": "30 days.", "contact_text": "hello@example.com"})";
const char *const kGoodOptions =
    R"([{"kind": "flat", "label": "Standard", "amount_minor": 800},
        {"kind": "free_above", "label": "Free over 150", "amount_minor": 1200, "free_above_minor": 15000},
        {"kind": "pickup", "label": "Pick up in store", "amount_minor": 0, "active": false}])";

} // namespace

class TestShippingDb final : public QObject {
    Q_OBJECT

    std::unique_ptr<TestDatabase> m_db;
    QString m_shopA, m_shopB;
    Login m_staff, m_ops, m_admin, m_service, m_serviceB, m_staffB;
    std::map<QString, std::unique_ptr<PgSession>> m_session;
    std::map<QString, std::unique_ptr<pqxx::connection>> m_conn;

    PgSession &session(const QString &who) { return *m_session.at(who); }
    pqxx::connection &as(const QString &who) { return *m_conn.at(who); }
    std::string owner(const std::string &sql) { return ownerCommitted(*m_db, sql); }

    void addProduct(const QString &tenant, const QString &sku)
    {
        owner("WITH p AS (INSERT INTO products (tenant_id, sku, name, brand, colorway, condition, price_minor, currency, "
              "inventory_strategy, size_system, size_run, published) VALUES ('" + str(tenant) + "', '" + str(sku) +
              "', 'Dunk Low " + str(sku) + "', 'Nike', 'Panda', 'new', 12000, 'USD', 'per_size', 'mens', '{10}', true) "
              "RETURNING id, tenant_id) INSERT INTO inventory (tenant_id, product_id, size, quantity) "
              "SELECT tenant_id, id, '10', 500 FROM p");
    }

    /// A paid online order of `service`'s shop going out as `fulfillment` ("ship"|"pickup"): placed
    /// by the storefront's login, then paid with the shopper's choice as the webhook stores it.
    QString paidOnline(const QString &fulfillment, const QString &service = u"service"_s)
    {
        const std::string order = scalarCommitted(as(service), "SELECT rdk.checkout_place_order('" +
                                                                   std::string(service == u"service"_s ? kLine : kLineB) +
                                                                   "', 'buyer@example.com', 35)::text");
        const bool pickup = fulfillment == u"pickup"_s;
        owner("UPDATE orders SET status = 'paid', paid_at = now(), stripe_payment_intent_id = 'pi_" + order.substr(0, 8) +
              "', fulfillment = '" + str(fulfillment) + "', shipping_method = '" + (pickup ? "Pick up in store" : "Standard") +
              "', shipping_minor = " + (pickup ? "0" : "800") + ", total_minor = total_minor + " + (pickup ? "0" : "800") +
              ", customer_phone = '+1 718 555 0100', shipping_address = " + (pickup ? "NULL" : "'" + std::string(kAddress) + "'") +
              " WHERE id = '" + order + "'");
        return qstr(order);
    }

    long long mails(const QString &order, const char *kind)
    {
        return std::stoll(owner("SELECT count(*) FROM mail_outbox WHERE order_id = '" + str(order) + "' AND kind = '" + kind + "'"));
    }

    std::string settingsOf(const QString &tenant) { return owner("SELECT rdk.shop_settings_json('" + str(tenant) + "')::text"); }

private Q_SLOTS:
    void initTestCase()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        m_shopA = m_db->createTenant(u"ship-a"_s);
        m_shopB = m_db->createTenant(u"ship-b"_s);
        addProduct(m_shopA, u"SHIP-RUN"_s);
        addProduct(m_shopB, u"SHIP-B"_s);
        m_staff = m_db->createStaff(m_shopA, u"staff"_s);
        m_ops = m_db->createStaff(m_shopA, u"ops"_s);
        m_admin = m_db->createStaff(m_shopA, u"admin"_s);
        m_service = m_db->createServiceLogin(m_shopA);
        m_serviceB = m_db->createServiceLogin(m_shopB);
        m_staffB = m_db->createStaff(m_shopB, u"staff"_s);
        m_session[u"staff"_s] = deskadmin::openSession(*m_db, m_staff, false);
        m_session[u"ops"_s] = deskadmin::openSession(*m_db, m_ops, false);
        m_session[u"admin"_s] = deskadmin::openSession(*m_db, m_admin, true);
        m_session[u"staff B"_s] = deskadmin::openSession(*m_db, m_staffB, false);
        for (const auto &[who, s] : m_session)
            QVERIFY2(s, qPrintable(who));
        m_conn[u"service"_s] = connectAs(*m_db, m_service);
        m_conn[u"service B"_s] = connectAs(*m_db, m_serviceB);
        m_conn[u"staff"_s] = connectAs(*m_db, m_staff);
        m_conn[u"ops"_s] = connectAs(*m_db, m_ops);
        m_conn[u"admin unverified"_s] = connectAs(*m_db, m_admin);
    }

    void cleanupTestCase()
    {
        m_session.clear();
        m_conn.clear();
        m_db.reset();
    }

    void shipTo_cashierWhilePaid_refusedOnceShipped_managersAlways()
    {
        const QString order = paidOnline(u"ship"_s);
        PgOrderBook staff(session(u"staff"_s));
        auto to = staff.shipTo(order);
        QVERIFY2(to, qPrintable(to ? QString() : to.error().message));
        QCOMPARE(shipToLines(*to), (QStringList{u"Dana Smith"_s, u"12 Water St"_s, u"Apt 4"_s, u"Brooklyn, NY 11201"_s, u"US"_s}));
        QCOMPARE(to->phone, u"+1 718 555 0100"_s);
        QCOMPARE(to->method, u"Standard"_s);
        QCOMPARE(to->fulfillment, Fulfillment::Ship);

        // The detail says how it goes out, to every role (no address in it).
        auto detail = readOrderDetail(staff, order);
        QVERIFY(detail);
        QCOMPARE(detail->summary.fulfillment, Fulfillment::Ship);
        QCOMPARE(detail->shippingMethod, u"Standard"_s);
        QCOMPARE(detail->totals.shipping.minor(), 800);
        QVERIFY(detail->shipTo && detail->shipToRefusal.isEmpty());
        QVERIFY(orderActionRefusal(OrderAction::ReadyForPickup, detail->summary, StaffRole::Staff).contains(u"local pickup"_s));

        QVERIFY(staff.markShipped(order, u"UPS"_s, u"1Z999"_s).ok());
        auto refused = staff.shipTo(order);
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::Forbidden);
        QVERIFY2(refused.error().message.contains(u"shown to staff only while it waits to go out; ask a manager"_s),
                 qPrintable(refused.error().message));
        auto shipped = readOrderDetail(staff, order);
        QVERIFY(shipped && !shipped->shipTo);
        QCOMPARE(shipped->shipToRefusal, refused.error().message);

        for (const QString &who : {u"ops"_s, u"admin"_s}) {
            PgOrderBook book(session(who));
            auto managers = book.shipTo(order);
            QVERIFY2(managers && managers->name == u"Dana Smith"_s, qPrintable(who));
        }
    }

    void shipTo_anotherShopsOrder_isNotFound_andTheServiceLoginMayNotAsk()
    {
        const QString order = paidOnline(u"ship"_s);
        PgOrderBook other(session(u"staff B"_s));
        auto theirs = other.shipTo(order);
        QVERIFY(!theirs);
        QCOMPARE(theirs.error().code, ErrorCode::NotFound);
        QVERIFY2(theirs.error().message.contains(u"not one of this shop's"_s), qPrintable(theirs.error().message));
        const Outcome service = tryExec(as(u"service"_s), "SELECT rdk.order_ship_to('" + str(order) + "')");
        QVERIFY2(service.refused(), qPrintable(service.describe()));
        // Positive control: the shop's own cashier, same order.
        QVERIFY(PgOrderBook(session(u"staff"_s)).shipTo(order).ok());
    }

    void readyForPickup_mailsOnce_refusedTwice_andForShipOrders()
    {
        const QString pickup = paidOnline(u"pickup"_s);
        PgOrderBook staff(session(u"staff"_s));
        auto before = readOrderDetail(staff, pickup);
        QVERIFY(before);
        QCOMPARE(before->summary.fulfillment, Fulfillment::Pickup);
        QVERIFY(orderActionRefusal(OrderAction::ReadyForPickup, before->summary, StaffRole::Staff).isEmpty());
        QVERIFY(orderActionRefusal(OrderAction::Ship, before->summary, StaffRole::Staff).contains(u"picked up at the shop"_s));
        QCOMPARE(mails(pickup, "order_ready_for_pickup"), 0);

        // Another shop's cashier: not theirs, nothing queued.
        const Status foreign = PgOrderBook(session(u"staff B"_s)).markReadyForPickup(pickup);
        QVERIFY(!foreign);
        QCOMPARE(foreign.error().code, ErrorCode::NotFound);
        QCOMPARE(mails(pickup, "order_ready_for_pickup"), 0);

        QVERIFY(staff.markReadyForPickup(pickup).ok());
        QCOMPARE(mails(pickup, "order_ready_for_pickup"), 1);
        QCOMPARE(owner("SELECT count(*) FROM audit_log WHERE entity = 'orders' AND entity_id = '" + str(pickup) +
                       "' AND after ? 'ready_for_pickup_at'"),
                 std::string("1"));
        auto after = readOrderDetail(staff, pickup);
        QVERIFY(after && after->summary.readyForPickup && after->readyForPickupAt.isValid());
        QVERIFY(orderActionRefusal(OrderAction::ReadyForPickup, after->summary, StaffRole::Staff).contains(u"already waiting"_s));

        const Status twice = staff.markReadyForPickup(pickup);
        QVERIFY(!twice);
        QCOMPARE(twice.error().code, ErrorCode::Conflict);
        QVERIFY2(twice.error().message.contains(u"already waiting to be picked up"_s), qPrintable(twice.error().message));
        QCOMPARE(mails(pickup, "order_ready_for_pickup"), 1);

        // A pickup order is never shipped; it is picked up (fulfilled).
        const Status shipped = staff.markShipped(pickup, u"UPS"_s, u"1Z1"_s);
        QVERIFY(!shipped);
        QVERIFY2(shipped.error().message.contains(u"picked up at the shop, not shipped"_s), qPrintable(shipped.error().message));
        QVERIFY(staff.markFulfilled(pickup).ok());
        QCOMPARE(qstr(owner("SELECT status FROM orders WHERE id = '" + str(pickup) + "'")), u"fulfilled"_s);

        const QString ship = paidOnline(u"ship"_s);
        const Status notPickup = staff.markReadyForPickup(ship);
        QVERIFY(!notPickup);
        QVERIFY2(notPickup.error().message.contains(u"is not for local pickup"_s), qPrintable(notPickup.error().message));
        QCOMPARE(mails(ship, "order_ready_for_pickup"), 0);
    }

    // The whole way in: the shop's options priced at checkout, the Checkout Session attached with
    // Stripe's rate ids, the paid event as the webhook applies it (address, phone, chosen rate,
    // shipping and Stripe's tax); the desk then shows all of it.
    void paidThroughTheWebhook_desksSeesMethodShippingTaxAndAddress()
    {
        ShopSettings settings;
        settings.shipCountries = {u"US"_s};
        settings.stripeTax = true;
        settings.collectPhone = true;
        settings.options = {{ShippingKind::Flat, u"Standard"_s, Money::of(800, u"USD"_s).value(), std::nullopt, true},
                            {ShippingKind::Pickup, u"Pick up in store"_s, Money::zero(u"USD"_s), std::nullopt, true}};
        const Status saved = PgShopSettings(session(u"admin"_s)).save(settings);
        QVERIFY2(saved, qPrintable(saved ? QString() : saved.error().message));

        auto sync = deskadmin::openSession(*m_db, m_service, false);
        QVERIFY(sync);
        PgCheckout checkout(*sync);
        auto placed = checkout.placeOrder({{{u"SHIP-RUN"_s, u"10"_s, 1}}, u"buyer@example.com"_s}, 30);
        QVERIFY2(placed, qPrintable(placed ? QString() : placed.error().message));
        QCOMPARE(placed->shipping.offers.size(), 2);
        QVERIFY(checkout.attachCheckoutSession(placed->orderId, u"cs_test_ship1"_s, {u"shr_std1"_s, u"shr_pick1"_s}).ok());

        PaymentEvent paid;
        paid.eventId = u"evt_ship1"_s;
        paid.type = u"checkout.session.completed"_s;
        paid.orderId = placed->orderId;
        paid.paymentIntentId = u"pi_ship1"_s;
        paid.checkoutSessionId = u"cs_test_ship1"_s;
        paid.customerEmail = u"buyer@example.com"_s;
        paid.shippingAddress = QJsonObject{{u"name"_s, u"Dana Smith"_s}, {u"line1"_s, u"12 Water St"_s},
                                           {u"city"_s, u"Brooklyn"_s}, {u"state"_s, u"NY"_s},
                                           {u"postal_code"_s, u"11201"_s}, {u"country"_s, u"US"_s}};
        paid.customerPhone = u"+1 718 555 0100"_s;
        paid.shippingRateId = u"shr_std1"_s;
        paid.shippingMinor = 800;
        paid.taxMinor = 1065;
        const qint64 charged = placed->totals.total.minor() + 800 + 1065;
        paid.report = PaymentReport{PaymentSignal::Paid, Money::of(charged, u"USD"_s).value(), true};
        auto outcome = checkout.applyPaymentEvent(paid);
        QVERIFY2(outcome, qPrintable(outcome ? QString() : outcome.error().message));
        QVERIFY(*outcome == EventOutcome::Applied);

        PgOrderBook staff(session(u"staff"_s));
        auto detail = readOrderDetail(staff, placed->orderId);
        QVERIFY(detail);
        QVERIFY2(!detail->summary.needsReview, qPrintable(detail->reviewReason));
        QCOMPARE(detail->summary.fulfillment, Fulfillment::Ship);
        QCOMPARE(detail->shippingMethod, u"Standard"_s);
        QCOMPARE(detail->totals.shipping.minor(), 800);
        QCOMPARE(detail->totals.tax.minor(), 1065);
        QCOMPARE(detail->totals.total.minor(), charged);
        QVERIFY(detail->shipTo);
        QCOMPARE(shipToLines(*detail->shipTo), (QStringList{u"Dana Smith"_s, u"12 Water St"_s, u"Brooklyn, NY 11201"_s, u"US"_s}));
        QCOMPARE(detail->shipTo->phone, u"+1 718 555 0100"_s);
        QVERIFY(orderActionRefusal(OrderAction::Ship, detail->summary, StaffRole::Staff).isEmpty());
    }

    void shopSettings_adminSavesAndReads_audited()
    {
        const std::string audits = owner("SELECT count(*) FROM audit_log WHERE entity = 'shop_settings'");
        PgShopSettings store(session(u"admin"_s));
        ShopSettings wanted;
        wanted.shipCountries = {u"US"_s, u"CA"_s};
        wanted.collectPhone = true;
        wanted.stripeTax = true;
        wanted.shopAddress = u"1 Main St\nBrooklyn NY 11201"_s;
        wanted.shippingPolicy = u"Orders ship within two business days."_s;
        wanted.returnsPolicy = u"Unworn pairs come back within 30 days."_s;
        wanted.contactText = u"hello@example.com"_s;
        wanted.options = {{ShippingKind::Flat, u"Standard"_s, Money::of(800, u"USD"_s).value(), std::nullopt, true},
                          {ShippingKind::FreeAbove, u"Free over $150"_s, Money::of(1200, u"USD"_s).value(),
                           Money::of(15000, u"USD"_s).value(), true},
                          {ShippingKind::Pickup, u"Pick up in store"_s, Money::zero(u"USD"_s), std::nullopt, false}};
        const Status saved = store.save(wanted);
        QVERIFY2(saved, qPrintable(saved ? QString() : saved.error().message));
        auto loaded = PgShopSettings(session(u"staff"_s)).load();   // every staff member reads them
        QVERIFY(loaded);
        QCOMPARE(*loaded, wanted);
        QCOMPARE(std::stoll(owner("SELECT count(*) FROM audit_log WHERE entity = 'shop_settings'")), std::stoll(audits) + 1);
        // Saving the same again changes nothing and writes no audit row.
        QVERIFY(store.save(wanted).ok());
        QCOMPARE(std::stoll(owner("SELECT count(*) FROM audit_log WHERE entity = 'shop_settings'")), std::stoll(audits) + 1);
    }

    void shopSettings_refusedForOpsStaffAndUnverifiedAdmin_everyReachableRole_data()
    {
        QTest::addColumn<QString>("who");
        for (const char *who : {"staff", "ops", "admin unverified", "service"})
            QTest::newRow(who) << QString::fromLatin1(who);
    }
    void shopSettings_refusedForOpsStaffAndUnverifiedAdmin_everyReachableRole()
    {
        QFETCH(QString, who);
        const std::string before = settingsOf(m_shopA);
        const QStringList roles = reachableRoles(as(who));
        QVERIFY(!roles.isEmpty());
        for (const QString &role : roles) {
            const Outcome out = tryExec(as(who), setLocalRole(role) + "SELECT rdk.set_shop_settings('" + kGoodSettings +
                                                     "', '[{\"kind\": \"flat\", \"label\": \"Hijacked\", \"amount_minor\": 1}]')");
            QVERIFY2(out.refused(), qPrintable(u"%1 as %2: %3"_s.arg(who, role, out.describe())));
        }
        QCOMPARE(settingsOf(m_shopA), before);
        // Through the desk's store the sentence arrives as it is.
        if (who == u"ops"_s) {
            const Status s = PgShopSettings(session(u"ops"_s)).save(ShopSettings{});
            QVERIFY(!s);
            QCOMPARE(s.error().code, ErrorCode::Forbidden);
            QVERIFY2(s.error().message.contains(u"Only an administrator"_s), qPrintable(s.error().message));
        }
        // Positive control: the same login reads its shop's settings.
        const Outcome read = tryExec(as(who), "SELECT count(*) FROM shop_settings", true);
        QVERIFY2(read.ok, qPrintable(read.describe()));
    }

    void shopSettings_badInput_sentence_nothingChanged_data()
    {
        QTest::addColumn<QString>("settings");
        QTest::addColumn<QString>("options");
        QTest::addColumn<QString>("sentence");
        const QString ok = QString::fromLatin1(kGoodSettings);
        const QString flat = u"[{\"kind\": \"flat\", \"label\": \"Standard\", \"amount_minor\": 800}]"_s;
        QTest::newRow("country XX1") << u"{\"ship_countries\": [\"US\", \"XX1\"]}"_s << flat
                                     << u"\"XX1\" is not a country code; use two letters such as US or DE."_s;
        QTest::newRow("country CU") << u"{\"ship_countries\": [\"US\", \"cu\"]}"_s << flat
                                    << u"Stripe Checkout can't collect addresses in CU; leave it out."_s;
        QString six = u"["_s;
        for (int i = 1; i <= 6; ++i)
            six += u"{\"kind\": \"flat\", \"label\": \"Option %1\", \"amount_minor\": 100}"_s.arg(i) + (i < 6 ? u","_s : u"]"_s);
        QTest::newRow("six options") << ok << six << u"Stripe Checkout offers at most 5 shipping options."_s;
        QTest::newRow("pickup with a price") << ok << u"[{\"kind\": \"pickup\", \"label\": \"Counter\", \"amount_minor\": 500}]"_s
                                             << u"Local pickup (Counter) is free."_s;
        QTest::newRow("free above without threshold")
            << ok << u"[{\"kind\": \"free_above\", \"label\": \"Free soon\", \"amount_minor\": 500}]"_s
            << u"Free soon needs the order amount above which it is free."_s;
        QTest::newRow("9000-character policy") << u"{\"ship_countries\": [\"US\"], \"shipping_policy\": \"%1\"}"_s.arg(QString(9000, u'x'))
                                               << flat << u"The shipping policy is 9000 characters long; at most 8000 fit."_s;
        QTest::newRow("control character in a text")
            << u"{\"ship_countries\": [\"US\"], \"returns_policy\": \"30 days\\u0007\"}"_s << flat
            << u"The returns policy contains control characters."_s;
        QTest::newRow("line break in a name") << ok << u"[{\"kind\": \"flat\", \"label\": \"Two\\nlines\", \"amount_minor\": 5}]"_s
                                             << u"Shipping option 1 needs a name of 1 to 60 characters."_s;
        QTest::newRow("shipping without countries") << u"{\"ship_countries\": []}"_s << flat
                                                    << u"Add the countries the shop ships to, or offer only local pickup."_s;
    }
    void shopSettings_badInput_sentence_nothingChanged()
    {
        QFETCH(QString, settings);
        QFETCH(QString, options);
        QFETCH(QString, sentence);
        QVERIFY(PgShopSettings(session(u"admin"_s)).load().ok());
        const std::string before = settingsOf(m_shopA);
        const std::string audits = owner("SELECT count(*) FROM audit_log");
        pqxx::connection &admin = session(u"admin"_s).connection();
        const Outcome out = tryExec(admin, "SELECT rdk.set_shop_settings(" + admin.quote(str(settings)) + "::jsonb, " +
                                               admin.quote(str(options)) + "::jsonb)");
        QVERIFY2(!out.ok, qPrintable(out.describe()));
        QCOMPARE(out.sqlstate, std::string("22023"));
        QVERIFY2(out.message.contains(sentence), qPrintable(out.message));
        QCOMPARE(settingsOf(m_shopA), before);
        QCOMPARE(owner("SELECT count(*) FROM audit_log"), audits);
    }

    void shopSettings_refusalThroughTheStore_keepsTheSentence()
    {
        ShopSettings bad;
        bad.shipCountries = {u"US"_s};
        bad.options = {{ShippingKind::Pickup, u"Counter"_s, Money::of(500, u"USD"_s).value(), std::nullopt, true}};
        const std::string before = settingsOf(m_shopA);
        const Status s = PgShopSettings(session(u"admin"_s)).save(bad);
        QVERIFY(!s);
        QCOMPARE(s.error().code, ErrorCode::Invalid);
        QCOMPARE(s.error().message, u"Local pickup (Counter) is free."_s);
        QCOMPARE(settingsOf(m_shopA), before);
    }
};

QTEST_GUILESS_MAIN(TestShippingDb)
#include "tst_shipping_db.moc"
