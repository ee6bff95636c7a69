// Shipping at online checkout against a real PostgreSQL, as the service's own login: the offers
// an order gets, Stripe's ids attached to them, and what the webhook does with Stripe's charge.
#include "data/pgcheckout.h"
#include "data/pgrepositories.h"
#include "tests/support/testdatabase.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using namespace rdk::data;

class TestShippingCheckout final : public QObject {
    Q_OBJECT

    std::unique_ptr<test::TestDatabase> m_db;
    QString m_tenant;
    test::Login m_service;
    std::unique_ptr<PgSession> m_sync;

    void addProduct(const QString &sku, qint64 price)
    {
        auto owner = PgSession::open(m_db->ownerUrl());
        Product p;
        p.tenantId = m_tenant;
        p.sku = sku;
        p.name = u"Dunk Low "_s + sku;
        p.brand = u"Nike"_s;
        p.price = Money::of(price, u"USD"_s).value();
        p.inventoryStrategy = InventoryStrategy::PerSize;
        p.sizeSystem = SizeSystem::Mens;
        p.sizeRun = {u"10"_s};
        p.stock = {{u"10"_s, 5, 0}};
        p.published = true;
        QVERIFY(PgProductRepository(**owner).create(p, {}).ok());
    }

    // The shop's settings as an admin would save them (rdk.set_shop_settings is tested with
    // real admin logins in the desk's tests; here the owner writes the rows directly).
    void shipWith(bool stripeTax)
    {
        const std::string tenant = m_tenant.toStdString();
        m_db->execOwner("INSERT INTO shop_settings (tenant_id, ship_countries, stripe_tax, collect_phone) VALUES ('" + tenant
                        + "', '{US,CA}', " + (stripeTax ? "true" : "false") + ", true)");
        m_db->execOwner("INSERT INTO shipping_options (tenant_id, position, kind, label, amount_minor, free_above_minor) VALUES "
                        "('" + tenant + "', 1, 'free_above', 'Standard', 800, 15000), "
                        "('" + tenant + "', 2, 'flat', 'Express', 2500, NULL), "
                        "('" + tenant + "', 3, 'pickup', 'Pick up at the shop', 0, NULL)");
    }

    QString scalar(const std::string &sql)
    {
        pqxx::connection c(m_db->ownerUrl());
        pqxx::read_transaction tx(c);
        const auto row = tx.exec1(sql);
        return row[0].is_null() ? u"<null>"_s : QString::fromStdString(row[0].as<std::string>());
    }

    PendingOrder place(const QString &sku)
    {
        auto placed = PgCheckout(*m_sync).placeOrder({{{sku, u"10"_s, 1}}, u"shopper@example.com"_s}, 30);
        if (!placed)
            qFatal("placeOrder failed: %s", qPrintable(placed.error().message));
        return placed.value();
    }

    QStringList attach(const PendingOrder &order)
    {
        QStringList rates;
        for (qsizetype i = 0; i < order.shipping.offers.size(); ++i)
            rates.append(u"shr_test_%1_%2"_s.arg(order.orderNumber).arg(i));
        const Status attached = PgCheckout(*m_sync).attachCheckoutSession(order.orderId, u"cs_test_%1"_s.arg(order.orderNumber), rates);
        if (!attached)
            qFatal("attach failed: %s", qPrintable(attached.error().message));
        return rates;
    }

    PaymentEvent paid(const PendingOrder &order, const QString &rate, qint64 shipping, qint64 tax, qint64 amount)
    {
        PaymentEvent e;
        e.eventId = u"evt_paid_%1"_s.arg(order.orderNumber);
        e.type = u"checkout.session.completed"_s;
        e.orderId = order.orderId;
        e.paymentIntentId = u"pi_%1"_s.arg(order.orderNumber);
        e.checkoutSessionId = u"cs_test_%1"_s.arg(order.orderNumber);
        e.shippingAddress = QJsonObject{{u"line1"_s, u"510 Townsend St"_s}, {u"city"_s, u"San Francisco"_s},
                                        {u"postal_code"_s, u"94103"_s}, {u"country"_s, u"US"_s}, {u"name"_s, u"Jenny Rosen"_s}};
        e.customerPhone = u"+14155550123"_s;
        e.shippingRateId = rate;
        e.shippingMinor = shipping;
        e.taxMinor = tax;
        e.report = PaymentReport{PaymentSignal::Paid, Money::of(amount, u"USD"_s).value(), true};
        return e;
    }

    QString orderField(const PendingOrder &order, const std::string &column)
    {
        return scalar("SELECT " + column + "::text FROM orders WHERE id = '" + order.orderId.toStdString() + "'");
    }

private Q_SLOTS:
    void init()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        m_tenant = m_db->createTenant(u"shop-a"_s);
        m_service = m_db->createServiceLogin(m_tenant);
        auto s = PgSession::open(m_db->urlFor(m_service.login, m_service.password));
        QVERIFY(s.ok());
        m_sync = std::move(s).value();
        addProduct(u"CHEAP-1"_s, 11000);
        addProduct(u"GRAIL-1"_s, 32000);
    }

    void cleanup()
    {
        m_sync.reset();
        m_db.reset();
    }

    void placeOrder_offersTheShopsOptionsPricedForTheOrder()
    {
        shipWith(false);
        const PendingOrder cheap = place(u"CHEAP-1"_s);
        QCOMPARE(cheap.shipping.offers.size(), 3);
        QCOMPARE(cheap.shipping.offers.at(0).label, u"Standard"_s);
        QCOMPARE(cheap.shipping.offers.at(0).amount.minor(), 800);  // below the 150.00 threshold
        QCOMPARE(cheap.shipping.offers.at(1).amount.minor(), 2500);
        QCOMPARE(toString(cheap.shipping.offers.at(2).kind), u"pickup"_s);
        QCOMPARE(cheap.shipping.countries, (QStringList{u"US"_s, u"CA"_s}));
        QVERIFY(cheap.shipping.collectPhone);
        QVERIFY(!cheap.shipping.providerTax);
        // The hold's total is the items: shipping is added when Stripe reports the choice.
        QCOMPARE(cheap.totals.total.minor(), 11000);

        const PendingOrder grail = place(u"GRAIL-1"_s);
        QCOMPARE(grail.shipping.offers.at(0).amount.minor(), 0);    // free from 150.00
    }

    void placeOrder_aShopWithoutOptionsAsksNoAddress()
    {
        const PendingOrder order = place(u"CHEAP-1"_s);
        QVERIFY(order.shipping.offers.isEmpty());
        QVERIFY(order.shipping.countries.isEmpty());
        attach(order);
        // Paid for the items alone, as before shipping existed.
        QCOMPARE(toString(PgCheckout(*m_sync).applyPaymentEvent(paid(order, {}, 0, 0, 11000)).value()), toString(EventOutcome::Applied));
        QCOMPARE(orderField(order, "status"), u"paid"_s);
        QCOMPARE(orderField(order, "fulfillment"), u"<null>"_s);
    }

    void attach_refusesRatesThatDontMatchTheOffers()
    {
        shipWith(false);
        const PendingOrder order = place(u"CHEAP-1"_s);
        PgCheckout checkout(*m_sync);
        const Status tooFew = checkout.attachCheckoutSession(order.orderId, u"cs_test_x"_s, {u"shr_1"_s});
        QVERIFY(!tooFew.ok());
        QVERIFY2(tooFew.error().message.contains(u"3 were offered"_s), qPrintable(tooFew.error().message));
        const Status notRates = checkout.attachCheckoutSession(order.orderId, u"cs_test_x"_s,
                                                               {u"shr_1"_s, u"price_2"_s, u"shr_3'; --"_s});
        QVERIFY(!notRates.ok());
        QCOMPARE(notRates.error().code, ErrorCode::Invalid);
        QCOMPARE(orderField(order, "stripe_checkout_session_id"), u"<null>"_s);
        // Positive control: one id per offer, in order.
        attach(order);
        QCOMPARE(scalar("SELECT string_agg(e->>'rate', ',' ORDER BY n) FROM orders, jsonb_array_elements(shipping_offers) "
                        "WITH ORDINALITY x(e, n)"),
                 u"shr_test_%1_0,shr_test_%1_1,shr_test_%1_2"_s.arg(order.orderNumber));
    }

    void paid_storesTheChosenOptionAddressAndStripesTotals()
    {
        shipWith(false);
        const PendingOrder order = place(u"CHEAP-1"_s);
        const QStringList rates = attach(order);
        const auto outcome = PgCheckout(*m_sync).applyPaymentEvent(paid(order, rates.at(1), 2500, 0, 13500));
        QCOMPARE(toString(outcome.value()), toString(EventOutcome::Applied));
        QCOMPARE(orderField(order, "status"), u"paid"_s);
        QCOMPARE(orderField(order, "shipping_minor"), u"2500"_s);
        QCOMPARE(orderField(order, "total_minor"), u"13500"_s);
        QCOMPARE(orderField(order, "shipping_method"), u"Express"_s);
        QCOMPARE(orderField(order, "fulfillment"), u"ship"_s);
        QCOMPARE(orderField(order, "customer_phone"), u"+14155550123"_s);
        QCOMPARE(orderField(order, "shipping_address->>'city'"), u"San Francisco"_s);
        QCOMPARE(orderField(order, "needs_review"), u"false"_s);
        // The confirmation mail says how it goes out.
        QCOMPARE(scalar("SELECT payload->>'shipping_method' FROM mail_outbox WHERE kind = 'order_paid'"), u"Express"_s);
    }

    void paid_pickupIsFreeAndMarkedForPickup()
    {
        shipWith(false);
        const PendingOrder order = place(u"CHEAP-1"_s);
        const QStringList rates = attach(order);
        QCOMPARE(toString(PgCheckout(*m_sync).applyPaymentEvent(paid(order, rates.at(2), 0, 0, 11000)).value()), toString(EventOutcome::Applied));
        QCOMPARE(orderField(order, "fulfillment"), u"pickup"_s);
        QCOMPARE(orderField(order, "total_minor"), u"11000"_s);
    }

    void paid_withStripeTax_storesTheTaxStripeComputed()
    {
        shipWith(true);
        const PendingOrder order = place(u"CHEAP-1"_s);
        const QStringList rates = attach(order);
        // 10 % of items and shipping, as Stripe reports it.
        QCOMPARE(toString(PgCheckout(*m_sync).applyPaymentEvent(paid(order, rates.at(0), 800, 1180, 12980)).value()), toString(EventOutcome::Applied));
        QCOMPARE(orderField(order, "status"), u"paid"_s);
        QCOMPARE(orderField(order, "tax_minor"), u"1180"_s);
        QCOMPARE(orderField(order, "total_minor"), u"12980"_s);
    }

    void paid_thatDoesntAddUp_isFlaggedNotPaid_data()
    {
        QTest::addColumn<int>("rateIndex");     // -1: a rate that was never offered
        QTest::addColumn<qint64>("shipping");
        QTest::addColumn<qint64>("tax");
        QTest::addColumn<qint64>("amount");
        QTest::addColumn<QString>("reason");
        QTest::addRow("rate never offered") << -1 << qint64(800) << qint64(0) << qint64(11800) << u"was not offered"_s;
        QTest::addRow("shipping charged below the offer") << 1 << qint64(100) << qint64(0) << qint64(11100) << u"which costs"_s;
        QTest::addRow("tax without stripe tax") << 0 << qint64(800) << qint64(500) << qint64(12300) << u"does not let Stripe"_s;
        QTest::addRow("paid less than items plus shipping") << 0 << qint64(800) << qint64(0) << qint64(11000) << u"but the order totals"_s;
    }

    void paid_thatDoesntAddUp_isFlaggedNotPaid()
    {
        QFETCH(int, rateIndex);
        QFETCH(qint64, shipping);
        QFETCH(qint64, tax);
        QFETCH(qint64, amount);
        QFETCH(QString, reason);
        shipWith(false);
        const PendingOrder order = place(u"CHEAP-1"_s);
        const QStringList rates = attach(order);
        const QString rate = rateIndex < 0 ? u"shr_someone_elses"_s : rates.at(rateIndex);
        QCOMPARE(toString(PgCheckout(*m_sync).applyPaymentEvent(paid(order, rate, shipping, tax, amount)).value()), toString(EventOutcome::FlaggedForReview));
        QCOMPARE(orderField(order, "status"), u"pending"_s);
        QCOMPARE(orderField(order, "needs_review"), u"true"_s);
        QVERIFY2(orderField(order, "review_reason").contains(reason), qPrintable(orderField(order, "review_reason")));
        QCOMPARE(orderField(order, "total_minor"), u"11000"_s);
        QCOMPARE(scalar("SELECT count(*) FROM mail_outbox"), u"0"_s);
    }

    void oldServiceCall_withoutCheckoutDetails_stillApplies()
    {
        // An rdk-sync of the previous release calls the 11-argument function during an upgrade.
        const PendingOrder order = place(u"CHEAP-1"_s);
        attach(order);
        pqxx::connection c(m_db->urlFor(m_service.login, m_service.password));
        pqxx::work tx(c);
        const auto row = tx.exec_params1("SELECT outcome FROM rdk.apply_payment_event('evt_old_1', 'checkout.session.completed', "
                                         "$1::uuid, 'pi_old', 'paid', 11000, 'USD', 'cs_test_old', NULL, NULL, NULL)",
                                         order.orderId.toStdString());
        tx.commit();
        QCOMPARE(QString::fromStdString(row[0].as<std::string>()), u"applied"_s);
        QCOMPARE(orderField(order, "status"), u"paid"_s);
    }
};

QTEST_GUILESS_MAIN(TestShippingCheckout)
#include "tst_shipping_checkout.moc"
