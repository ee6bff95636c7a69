// The point of sale's storage (data/pgpos) and the functions of migration 0010 against a real
// PostgreSQL, as real staff, ops, admin and rdk_sync logins: stock held and released, the
// payment-link queue, discounts, cash, refunds, the rdk-sync claim/finish protocol, customer
// e-mail privacy, tenant isolation and hostile input.
#include "data/pgrepositories.h"
#include "tests/pos/data/posfixture.h"
#include "tests/support/sessionwait.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include <array>

#include <limits>
#include <thread>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using rdk::data::PgPos;
using rdk::data::PgSession;
using namespace rdk::test;
using namespace rdk::test::pos;

class TestPosData final : public QObject {
    Q_OBJECT

    PosFixture m_fx;
    std::unique_ptr<PgSession> m_staffSession, m_opsSession, m_adminSession, m_staffBSession;
    std::unique_ptr<PgPos> m_staff, m_ops, m_admin, m_staffB;
    std::unique_ptr<pqxx::connection> m_sync, m_sync2, m_staffConn, m_opsConn;

    int orders() { return m_fx.count("SELECT count(*) FROM orders"); }
    int requests() { return m_fx.count("SELECT count(*) FROM stripe_requests"); }

    // A pending POS sale of one POS-FLAT, placed by staff; returns its id.
    QString placeFlatSale(PgPos &pos, int quantity = 1)
    {
        auto placed = pos.placeSale(saleOf({{u"POS-FLAT"_s, {}, quantity, {}}}));
        if (!placed) {
            qWarning() << placed.error().message;
            return {};
        }
        return placed->orderId;
    }

    // Claims everything queued for shop A as rdk_sync and returns "id:kind" of what it got.
    QStringList claimAll(pqxx::connection &conn, int limit = 100)
    {
        pqxx::work tx(conn);
        const auto rows = tx.exec_params("SELECT id, kind FROM rdk.claim_stripe_requests($1) ORDER BY id", limit);
        tx.commit();
        QStringList out;
        for (const auto &r : rows)
            out.append(QString::fromStdString(r[0].as<std::string>() + ":" + r[1].as<std::string>()));
        return out;
    }

    QString finish(qint64 id, bool ok, const QString &resultJson, const QString &error = {})
    {
        return m_fx.as(*m_sync,
                       "SELECT rdk.finish_stripe_request(" + std::to_string(id) + ", " + (ok ? "true" : "false") + ", " +
                           (resultJson.isEmpty() ? std::string("NULL") : lit(resultJson) + "::jsonb") + ", " +
                           (error.isEmpty() ? std::string("NULL") : lit(error)) + ")");
    }

    // Finishes whatever is queued for shop A, so a test's claims see only its own requests.
    void drainQueue()
    {
        for (const QString &c : claimAll(*m_sync)) {
            const bool ok = !c.endsWith(u":payment_link"_s) && !c.endsWith(u":refund"_s);
            QCOMPARE(finish(c.section(u':', 0, 0).toLongLong(), ok, ok ? u"{\"active\": false}"_s : QString(), u"drained"_s), QString());
        }
    }

    qint64 linkRequestOf(const QString &orderId)
    {
        return m_fx.scalar("SELECT max(id) FROM stripe_requests WHERE kind = 'payment_link' AND order_id = $1::uuid", orderId)
            .toLongLong();
    }

    // Claims the order's link request as rdk_sync and finishes it with a link.
    void makeLink(const QString &orderId)
    {
        const qint64 id = linkRequestOf(orderId);
        m_fx.exec("UPDATE stripe_requests SET state = 'working' WHERE id = " + std::to_string(id));
        QCOMPARE(finish(id, true, u"{\"payment_link_id\": \"plink_%1\", \"url\": \"https://pay.example/%1\"}"_s.arg(id)), QString());
    }

    // A paid card order of POS-RUN size 9 (as the webhook leaves one), for refunds.
    QString paidCardOrder()
    {
        const QString id = m_fx.scalar(
            "WITH o AS (INSERT INTO orders (tenant_id, channel, status, currency, subtotal_minor, total_minor, "
            "                               stripe_payment_intent_id, paid_at) "
            "           VALUES ('" + str(m_fx.a.tenantId) + "', 'online', 'pending', 'USD', 24000, 24000, "
            "                   'pi_' || md5(random()::text), now()) RETURNING id) "
            "SELECT id::text FROM o");
        m_fx.exec("INSERT INTO order_items (tenant_id, order_id, product_id, sku, name, size, quantity, unit_price_minor, line_total_minor) "
                  "VALUES ('" + str(m_fx.a.tenantId) + "', '" + str(id) + "', '" + str(m_fx.a.runProductId) +
                  "', 'POS-RUN', 'Air Runner', '9', 2, 12000, 24000)");
        m_fx.exec("UPDATE orders SET status = 'paid' WHERE id = '" + str(id) + "'");
        return id;
    }

    QString refund(pqxx::connection &conn, const QString &orderId, const QString &amount, const QString &restock,
                   const QString &reason)
    {
        return m_fx.as(conn, "SELECT rdk.request_refund('" + str(orderId) + "'::uuid, " + str(amount) + ", " +
                                 (restock.isEmpty() ? std::string("NULL") : lit(restock) + "::jsonb") + ", " +
                                 lit(reason) + ")");
    }

    QString itemOf(const QString &orderId)
    {
        return m_fx.scalar("SELECT min(id) FROM order_items WHERE order_id = $1::uuid", orderId);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        if (!m_fx.setUp(&error))
            QFAIL(qPrintable(error));
        m_staffSession = m_fx.session(m_fx.staff);
        m_opsSession = m_fx.session(m_fx.ops);
        m_adminSession = m_fx.session(m_fx.admin);
        m_staffBSession = m_fx.session(m_fx.staffB);
        QVERIFY(m_staffSession && m_opsSession && m_adminSession && m_staffBSession);
        m_staff = std::make_unique<PgPos>(*m_staffSession);
        m_ops = std::make_unique<PgPos>(*m_opsSession);
        m_admin = std::make_unique<PgPos>(*m_adminSession);
        m_staffB = std::make_unique<PgPos>(*m_staffBSession);
        m_sync = m_fx.connect(m_fx.service);
        m_sync2 = m_fx.connect(m_fx.service);
        m_staffConn = m_fx.connect(m_fx.staff);
        m_opsConn = m_fx.connect(m_fx.ops);
        // Cash goes through a drawer: ops and admin take cash here, so their drawers are open
        // (the drawer's own rules are tested in tests/pos/drawer).
        QVERIFY(!m_fx.openDrawer(*m_opsSession, 20000).startsWith(u"ERROR"_s));
        QVERIFY(!m_fx.openDrawer(*m_adminSession, 20000).startsWith(u"ERROR"_s));
    }

    void cleanupTestCase()
    {
        m_staff.reset();
        m_ops.reset();
        m_admin.reset();
        m_staffB.reset();
        m_staffSession.reset();
        m_opsSession.reset();
        m_adminSession.reset();
        m_staffBSession.reset();
        m_sync.reset();
        m_sync2.reset();
        m_staffConn.reset();
        m_opsConn.reset();
        m_adminRaw.reset();
        waitForOtherSessionsToEnd(*m_fx.db);
        m_fx.db.reset();
    }

    // ---- products --------------------------------------------------------------------------

    void findBySku_ignoresCaseAndSpacesAndListsEverySize()
    {
        auto found = m_staff->findBySku(u"  pos-run \t"_s);
        QVERIFY2(found, qPrintable(found ? QString() : found.error().message));
        QCOMPARE(found->sku, u"POS-RUN"_s);
        QCOMPARE(found->name, u"Air Runner"_s);
        QCOMPARE(found->price, usd(12000));
        QCOMPARE(toString(found->inventoryStrategy), u"per_size"_s);
        QStringList sizes;
        for (const SellableSize &s : found->sizes)
            sizes.append(s.size + u'=' + QString::number(s.available));
        QCOMPARE(sizes.join(u' '), u"9=2 9.5=0 10=1"_s);

        auto flat = m_staff->findBySku(u"POS-FLAT"_s);
        QVERIFY(flat);
        QCOMPARE(flat->sizes.size(), 1);
        QCOMPARE(flat->sizes[0].size, QString());
        QCOMPARE(flat->sizes[0].available, 3);
    }

    void findBySku_unknownArchivedAndHostile()
    {
        auto unknown = m_staff->findBySku(u"NOPE-123"_s);
        POS_EXPECT_ERROR(unknown, ErrorCode::NotFound);
        QCOMPARE(unknown.error().message, u"No product with SKU NOPE-123."_s);
        POS_EXPECT_ERROR(m_staff->findBySku(u"POS-OLD"_s), ErrorCode::NotFound);  // archived
        POS_EXPECT_ERROR(m_staff->findBySku(QString()), ErrorCode::Invalid);

        const QString huge(10000, u'A');
        auto hostile = m_staff->findBySku(huge);
        POS_EXPECT_ERROR(hostile, ErrorCode::NotFound);
        QVERIFY2(hostile.error().message.size() < 80, qPrintable(hostile.error().message));
        POS_EXPECT_ERROR(m_staff->findBySku(u"POS-FLAT'; DROP TABLE orders; --"_s), ErrorCode::NotFound);
        QCOMPARE(m_fx.count("SELECT count(*) FROM products WHERE sku = 'POS-FLAT'"), 2);
    }

    void findByBarcode_findsExactlyThatSizeOfThisShop()
    {
        // Both shops sell POS-RUN and label their own boxes with the same code.
        m_fx.exec("UPDATE inventory SET gtin = '036000291452' WHERE product_id = '" + str(m_fx.a.runProductId) + "' AND size = '10'");
        m_fx.exec("UPDATE inventory SET gtin = '0036000291452' WHERE product_id = '" + str(m_fx.b.runProductId) + "' AND size = '9'");
        auto box = m_staff->findByBarcode(u"0036000291452"_s);   // read as EAN-13: the same box
        QVERIFY2(box, qPrintable(box ? QString() : box.error().message));
        QCOMPARE(box->product.sku, u"POS-RUN"_s);
        QCOMPARE(box->product.productId, m_fx.a.runProductId);
        QCOMPARE(box->size, u"10"_s);
        auto other = m_staffB->findByBarcode(u"036000291452"_s);
        QVERIFY(other);
        QCOMPARE(other->product.productId, m_fx.b.runProductId);
        QCOMPARE(other->size, u"9"_s);

        POS_EXPECT_ERROR(m_staff->findByBarcode(u"4006381333931"_s), ErrorCode::NotFound);
        POS_EXPECT_ERROR(m_staff->findByBarcode(u"036000291453"_s), ErrorCode::NotFound);   // check digit
        POS_EXPECT_ERROR(m_staff->findByBarcode(u"'; DROP TABLE inventory; --"_s), ErrorCode::NotFound);
        m_fx.exec("UPDATE inventory SET gtin = NULL WHERE gtin IS NOT NULL");
    }

    void search_matchesNameBrandAndColorwayButNotArchived()
    {
        auto byName = m_staff->search(u"runner"_s, 10);
        QVERIFY(byName);
        QCOMPARE(byName->size(), 1);  // "Old runner" is archived
        QCOMPARE(byName->at(0).sku, u"POS-RUN"_s);
        auto byColor = m_staff->search(u"black/red"_s, 10);
        QVERIFY(byColor);
        QCOMPARE(byColor->size(), 1);
        auto limited = m_staff->search(u"pos-"_s, 1);
        QVERIFY(limited);
        QCOMPARE(limited->size(), 1);
        auto wildcard = m_staff->search(u"%"_s, 10);  // a literal percent sign, not "everything"
        QVERIFY(wildcard);
        QCOMPARE(wildcard->size(), 0);
        POS_EXPECT_ERROR(m_staff->search(QString(10000, u'x'), 10), ErrorCode::Invalid);
        auto empty = m_staff->search(u"   "_s, 10);
        QVERIFY(empty);
        QVERIFY(empty->isEmpty());
    }

    // ---- placing a sale ----------------------------------------------------------------------

    void placeSale_holdsStockAndQueuesThePaymentLink()
    {
        const int before = requests();
        auto placed = m_staff->placeSale(saleOf({{u"pos-run"_s, u"9"_s, 2, {}}, {u"POS-FLAT"_s, {}, 1, {}}}));
        QVERIFY2(placed, qPrintable(placed ? QString() : placed.error().message));
        QCOMPARE(toString(placed->status), u"pending"_s);
        QVERIFY(placed->orderNumber >= 1001);
        QCOMPARE(placed->lines.size(), 2);
        QCOMPARE(placed->lines[0].sku, u"POS-RUN"_s);
        QCOMPARE(placed->lines[0].size, u"9"_s);
        QCOMPARE(placed->totals.total, usd(29000));
        QCOMPARE(toString(placed->link.state), u"requested"_s);
        const qint64 minutes = placed->createdAt.secsTo(placed->reservedUntil) / 60;
        QVERIFY2(minutes >= 14 && minutes <= 15, qPrintable(QString::number(minutes)));

        QCOMPARE(m_fx.stock(m_fx.a.runProductId, u"9"_s), u"2/2"_s);
        QCOMPARE(m_fx.stock(m_fx.a.flatProductId), u"3/1"_s);
        QCOMPARE(requests(), before + 1);
        QCOMPARE(m_fx.scalar("SELECT kind || ' ' || state || ' ' || amount_minor || ' ' || requested_by "
                             "FROM stripe_requests WHERE order_id = $1::uuid", placed->orderId),
                 u"payment_link queued 29000 "_s + m_fx.staff.login);
        QCOMPARE(m_fx.scalar("SELECT channel || ' ' || created_by FROM orders WHERE id = $1::uuid", placed->orderId),
                 u"pos "_s + m_fx.staff.login);
        // Sold out now: the next buyer of size 9 is told so.
        auto found = m_staff->findBySku(u"POS-RUN"_s);
        QVERIFY(found);
        QCOMPARE(found->sizes[0].available, 0);

        QVERIFY(m_staff->cancelSale(placed->orderId, u"test over"_s));
        QCOMPARE(m_fx.stock(m_fx.a.runProductId, u"9"_s), u"2/0"_s);
    }

    void placeSale_outOfStockNamesTheItemAndStoresNothing()
    {
        const int ordersBefore = orders();
        const int requestsBefore = requests();
        auto placed = m_staff->placeSale(saleOf({{u"POS-FLAT"_s, {}, 1, {}}, {u"POS-RUN"_s, u"10"_s, 2, {}}}));
        POS_EXPECT_ERROR(placed, ErrorCode::OutOfStock);
        QCOMPARE(placed.error().message, u"Only 1 left of Air Runner (size 10)."_s);
        auto soldOut = m_staff->placeSale(saleOf({{u"POS-RUN"_s, u"9.5"_s, 1, {}}}));
        POS_EXPECT_ERROR(soldOut, ErrorCode::OutOfStock);
        QCOMPARE(soldOut.error().message, u"Air Runner (size 9.5) is sold out."_s);
        // The same item on two lines counts together.
        auto twice = m_staff->placeSale(saleOf({{u"POS-RUN"_s, u"10"_s, 1, {}}, {u"POS-RUN"_s, u"10"_s, 1, {}}}));
        POS_EXPECT_ERROR(twice, ErrorCode::OutOfStock);
        auto noSize = m_staff->placeSale(saleOf({{u"POS-RUN"_s, {}, 1, {}}}));
        POS_EXPECT_ERROR(noSize, ErrorCode::Invalid);
        QCOMPARE(noSize.error().message, u"Choose a size of Air Runner."_s);
        auto unknownSize = m_staff->placeSale(saleOf({{u"POS-RUN"_s, u"13"_s, 1, {}}}));
        POS_EXPECT_ERROR(unknownSize, ErrorCode::OutOfStock);

        QCOMPARE(orders(), ordersBefore);
        QCOMPARE(requests(), requestsBefore);
        QCOMPARE(m_fx.stock(m_fx.a.flatProductId), u"3/0"_s);
        QCOMPARE(m_fx.stock(m_fx.a.runProductId, u"10"_s), u"1/0"_s);
    }

    void placeSale_twoCountersRacingForTheLastPair_oneWins()
    {
        for (int round = 0; round < 5; ++round) {
            std::array<Result<PosOrderState>, 2> results{Error::internal({}), Error::internal({})};
            std::thread first([&] { results[0] = m_staff->placeSale(saleOf({{u"POS-RUN"_s, u"10"_s, 1, {}}})); });
            std::thread second([&] { results[1] = m_ops->placeSale(saleOf({{u"POS-RUN"_s, u"10"_s, 1, {}}})); });
            first.join();
            second.join();
            QCOMPARE(int(results[0].ok()) + int(results[1].ok()), 1);
            const auto &loser = results[0].ok() ? results[1] : results[0];
            const auto &winner = results[0].ok() ? results[0] : results[1];
            QCOMPARE(codeName(loser.error().code), codeName(ErrorCode::OutOfStock));
            QCOMPARE(loser.error().message, u"Air Runner (size 10) is sold out."_s);
            QCOMPARE(m_fx.stock(m_fx.a.runProductId, u"10"_s), u"1/1"_s);
            QVERIFY(m_ops->cancelSale(winner->orderId, {}));
            QCOMPARE(m_fx.stock(m_fx.a.runProductId, u"10"_s), u"1/0"_s);
        }
    }

    void placeSale_discountByStaffIsRefusedAndNothingStored()
    {
        const int before = orders();
        PosSaleRequest sale = saleOf({{u"POS-FLAT"_s, {}, 1, usd(500)}});
        sale.discountReason = u"friend of the owner"_s;
        auto placed = m_staff->placeSale(sale);
        POS_EXPECT_ERROR(placed, ErrorCode::Forbidden);
        QCOMPARE(placed.error().message, u"Only ops or admin staff can give a discount."_s);
        PosSaleRequest cartDiscount = saleOf({{u"POS-FLAT"_s, {}, 1, {}}});
        cartDiscount.orderDiscount = usd(100);
        cartDiscount.discountReason = u"damaged box"_s;
        POS_EXPECT_ERROR(m_staff->placeSale(cartDiscount), ErrorCode::Forbidden);
        QCOMPARE(orders(), before);
        QCOMPARE(m_fx.stock(m_fx.a.flatProductId), u"3/0"_s);
        // Nor by editing an order afterwards.
        const QString id = placeFlatSale(*m_staff);
        QVERIFY(!id.isEmpty());
        // (refused before the discount rule is even asked: staff may not edit amounts at all, 0011)
        QVERIFY(m_fx.as(*m_staffConn, "UPDATE orders SET discount_minor = 100, discount_reason = 'x' WHERE id = '" + str(id) + "'")
                    .startsWith(u"ERROR 42501: "_s));
        QVERIFY(m_staff->cancelSale(id, {}));
    }

    void placeSale_discountByOpsIsStoredAndAudited()
    {
        PosSaleRequest sale = saleOf({{u"POS-FLAT"_s, {}, 2, usd(1000)}, {u"POS-RUN"_s, u"9"_s, 1, {}}});
        sale.orderDiscount = usd(500);
        sale.discountReason = u"  loyal customer  "_s;
        auto placed = m_ops->placeSale(sale);
        QVERIFY2(placed, qPrintable(placed ? QString() : placed.error().message));
        QCOMPARE(placed->totals.subtotal, usd(22000));
        QCOMPARE(placed->totals.discount, usd(1500));
        QCOMPARE(placed->totals.total, usd(20500));
        QCOMPARE(placed->discountReason, u"loyal customer"_s);
        QCOMPARE(placed->lines[0].discount, usd(1000));
        QCOMPARE(m_fx.scalar("SELECT line_total_minor FROM order_items WHERE order_id = $1::uuid AND sku = 'POS-FLAT'",
                             placed->orderId), u"9000"_s);
        const QString audit = m_fx.scalar(
            "SELECT string_agg(actor || '|' || (after ->> 'scope') || '|' || (after ->> 'discount_minor') || '|' || reason, ',' "
            "ORDER BY id) FROM audit_log WHERE action = 'discount' AND entity_id = $1", placed->orderId);
        QCOMPARE(audit, u"%1|order|1500|loyal customer,%1|line|1000|loyal customer"_s.arg(m_fx.ops.login));
        QVERIFY(m_ops->cancelSale(placed->orderId, {}));
        QCOMPARE(m_fx.stock(m_fx.a.flatProductId), u"3/0"_s);
    }

    void placeSale_discountNeedsAReason()
    {
        const int before = orders();
        auto placed = m_ops->placeSale(saleOf({{u"POS-FLAT"_s, {}, 1, usd(500)}}));
        POS_EXPECT_ERROR(placed, ErrorCode::Invalid);
        QCOMPARE(placed.error().message, u"A discount needs a reason."_s);
        // The database says the same to a client that skips the check.
        const QString direct =
            m_fx.as(*m_opsConn, R"(SELECT rdk.pos_place_sale('[{"sku": "POS-FLAT", "quantity": 1, "discount_minor": 100}]', 0, NULL, 15))");
        QVERIFY2(direct.startsWith(u"ERROR 22023: A discount needs a reason."_s), qPrintable(direct));
        PosSaleRequest tooMuch = saleOf({{u"POS-FLAT"_s, {}, 1, usd(6000)}});
        tooMuch.discountReason = u"oops"_s;
        POS_EXPECT_ERROR(m_ops->placeSale(tooMuch), ErrorCode::Invalid);
        QCOMPARE(orders(), before);
    }

    // ---- cancel ------------------------------------------------------------------------------

    void cancel_releasesStockAndIsRefusedForPaidOrders()
    {
        const QString id = placeFlatSale(*m_staff, 2);
        QVERIFY(!id.isEmpty());
        QCOMPARE(m_fx.stock(m_fx.a.flatProductId), u"3/2"_s);
        QVERIFY(m_staff->cancelSale(id, u"buyer changed their mind"_s));
        QCOMPARE(m_fx.stock(m_fx.a.flatProductId), u"3/0"_s);
        auto state = m_staff->orderState(id);
        QVERIFY(state);
        QCOMPARE(toString(state->status), u"canceled"_s);
        QCOMPARE(m_fx.scalar("SELECT reason FROM audit_log WHERE entity_id = $1 AND action = 'status'", id),
                 u"buyer changed their mind"_s);
        QCOMPARE(m_fx.count("SELECT count(*) FROM orders WHERE canceled_at IS NOT NULL AND id = $1::uuid", id), 1);
        QVERIFY(m_staff->cancelSale(id, {}));  // again: nothing to do, no error
        QCOMPARE(m_fx.stock(m_fx.a.flatProductId), u"3/0"_s);

        const QString paid = placeFlatSale(*m_staff);
        QVERIFY(m_ops->recordCashPayment(paid, usd(5000)));
        auto refused = m_staff->cancelSale(paid, {});
        POS_EXPECT_ERROR(refused, ErrorCode::Conflict);
        QVERIFY2(refused.error().message.endsWith(u" is already paid; refund it instead."_s), qPrintable(refused.error().message));
        QCOMPARE(m_fx.stock(m_fx.a.flatProductId), u"2/0"_s);
        m_fx.exec("UPDATE inventory SET quantity = 3 WHERE product_id = '" + str(m_fx.a.flatProductId) + "'");
    }

    void cancel_onlineOrdersNeedOps()
    {
        const QString online = m_fx.scalar("INSERT INTO orders (tenant_id, channel, currency, total_minor) VALUES ('" +
                                           str(m_fx.a.tenantId) + "', 'online', 'USD', 100) RETURNING id::text");
        auto refused = m_staff->cancelSale(online, {});
        POS_EXPECT_ERROR(refused, ErrorCode::Forbidden);
        QCOMPARE(refused.error().message, u"Only ops or admin staff can cancel online orders."_s);
        QVERIFY(m_ops->cancelSale(online, u"fraud check"_s));
    }

    // ---- cash ----------------------------------------------------------------------------------

    void cash_byOpsSellsTheStockOnceAndIsAudited()
    {
        auto placed = m_staff->placeSale(saleOf({{u"POS-RUN"_s, u"9"_s, 1, {}}}));
        QVERIFY(placed);
        auto paid = m_ops->recordCashPayment(placed->orderId, usd(15000));
        QVERIFY2(paid, qPrintable(paid ? QString() : paid.error().message));
        QCOMPARE(toString(paid->status), u"paid"_s);
        QCOMPARE(toString(paid->paymentMethod), u"cash"_s);
        QCOMPARE(paid->paymentReference, u"cash"_s);
        QCOMPARE(paid->cashTendered, usd(15000));
        QVERIFY(paid->paidAt.isValid());
        QCOMPARE(m_fx.stock(m_fx.a.runProductId, u"9"_s), u"1/0"_s);
        QCOMPARE(m_fx.count("SELECT count(*) FROM stock_reservations WHERE order_id = $1::uuid AND state = 'sold'",
                            placed->orderId), 1);
        QCOMPARE(m_fx.scalar("SELECT actor || '|' || (after ->> 'tendered_minor') || '|' || (after ->> 'change_minor') "
                             "FROM audit_log WHERE action = 'cash_payment' AND entity_id = $1", placed->orderId),
                 u"%1|15000|3000"_s.arg(m_fx.ops.login));
        // A second cash payment, or a late one, changes nothing.
        auto again = m_ops->recordCashPayment(placed->orderId, usd(15000));
        POS_EXPECT_ERROR(again, ErrorCode::Conflict);
        QCOMPARE(m_fx.stock(m_fx.a.runProductId, u"9"_s), u"1/0"_s);
        // The queued link request is dropped instead of making a link for a paid order.
        QStringList claimed = claimAll(*m_sync);
        QVERIFY2(!claimed.contains(QString::number(linkRequestOf(placed->orderId)) + u":payment_link"_s), qPrintable(claimed.join(u',')));
        QCOMPARE(m_fx.scalar("SELECT state FROM stripe_requests WHERE id = " + std::to_string(linkRequestOf(placed->orderId))),
                 u"failed"_s);
        for (const QString &c : claimed)  // leave nothing working for the next tests
            QCOMPARE(finish(c.section(u':', 0, 0).toLongLong(), false, {}, u"test"_s), QString());
        m_fx.exec("UPDATE inventory SET quantity = 2 WHERE product_id = '" + str(m_fx.a.runProductId) + "' AND size = '9'");
    }

    void cash_isRefusedWithoutAnOpenDrawerAndForShortTender()
    {
        const QString id = placeFlatSale(*m_staff);
        const QString label = u"RDK-"_s + m_fx.scalar("SELECT order_number FROM orders WHERE id = $1::uuid", id);
        auto byStaff = m_staff->recordCashPayment(id, usd(5000));
        POS_EXPECT_ERROR(byStaff, ErrorCode::Conflict);
        QCOMPARE(byStaff.error().message, u"Open your cash drawer before taking cash for %1."_s.arg(label));
        auto shortTender = m_ops->recordCashPayment(id, usd(4999));
        POS_EXPECT_ERROR(shortTender, ErrorCode::Invalid);
        QVERIFY2(shortTender.error().message.contains(u"49.99 USD"_s), qPrintable(shortTender.error().message));
        POS_EXPECT_ERROR(m_ops->recordCashPayment(id, usd(-1)), ErrorCode::Invalid);
        POS_EXPECT_ERROR(m_ops->recordCashPayment(id, Money::of(5000, u"EUR"_s).value()), ErrorCode::Invalid);
        POS_EXPECT_ERROR(m_ops->recordCashPayment(id, usd(std::numeric_limits<qint64>::max())), ErrorCode::Invalid);
        // Nor by editing the row directly.
        QVERIFY(m_fx.as(*m_staffConn, "UPDATE orders SET payment_method = 'cash' WHERE id = '" + str(id) + "'")
                    .startsWith(u"ERROR 42501"_s));
        auto state = m_staff->orderState(id);
        QVERIFY(state);
        QCOMPARE(toString(state->status), u"pending"_s);
        QCOMPARE(toString(state->paymentMethod), QString());
        QCOMPARE(m_fx.stock(m_fx.a.flatProductId), u"3/1"_s);
        QVERIFY(m_staff->cancelSale(id, {}));
    }

    // ---- refunds -------------------------------------------------------------------------------

    void refund_amountsAreChecked()
    {
        const QString order = paidCardOrder();
        QCOMPARE(m_fx.scalar("SELECT payment_method FROM orders WHERE id = $1::uuid", order), u"card"_s);
        QVERIFY(refund(*m_opsConn, order, u"24001"_s, {}, u"too much"_s).startsWith(u"ERROR 22023: At most 240.00 USD"_s));
        QVERIFY(refund(*m_opsConn, order, u"0"_s, {}, u"zero"_s).startsWith(u"ERROR 22023: The refund amount must be more than zero."_s));
        QVERIFY(refund(*m_opsConn, order, u"-5"_s, {}, u"negative"_s).startsWith(u"ERROR 22023"_s));
        QVERIFY(refund(*m_opsConn, order, u"100"_s, {}, u"  "_s).startsWith(u"ERROR 22023: Give a reason."_s));
        QVERIFY(refund(*m_opsConn, order, u"100"_s, {}, QString(300, u'r')).startsWith(u"ERROR 22023"_s));
        QVERIFY(refund(*m_staffConn, order, u"100"_s, {}, u"staff"_s)
                    .startsWith(u"ERROR 42501: Only ops or admin staff can refund orders."_s));
        const QString item = itemOf(order);
        QVERIFY(refund(*m_opsConn, order, u"100"_s, u"[{\"item_id\": %1, \"quantity\": 3}]"_s.arg(item), u"r"_s)
                    .startsWith(u"ERROR 22023: Only 2 of Air Runner (size 9) can still be returned to stock."_s));
        QVERIFY(refund(*m_opsConn, order, u"100"_s, u"[{\"item_id\": 999999999, \"quantity\": 1}]"_s, u"r"_s)
                    .startsWith(u"ERROR 22023: Item 999999999 is not part of this order."_s));
        for (const QString &hostile : {u"{\"item_id\": 1}"_s, u"[{\"item_id\": \"1\", \"quantity\": 1}]"_s,
                                       u"[{\"item_id\": 1e30, \"quantity\": 1}]"_s, u"[{\"item_id\": %1, \"quantity\": 0}]"_s.arg(item),
                                       u"[{\"item_id\": %1, \"quantity\": -1}]"_s.arg(item), u"[1, 2]"_s,
                                       // A key missing: refused, not a refund that silently restocks nothing.
                                       u"[{\"quantity\": 1}]"_s, u"[{\"item_id\": %1}]"_s.arg(item),
                                       u"[{\"item_id\": %1, \"quantity\": 1}, {}]"_s.arg(item)})
            QVERIFY2(refund(*m_opsConn, order, u"100"_s, hostile, u"r"_s).startsWith(u"ERROR 22023"_s), qPrintable(hostile));
        QCOMPARE(m_fx.count("SELECT count(*) FROM stripe_requests WHERE kind = 'refund' AND order_id = $1::uuid", order), 0);
        QCOMPARE(m_fx.count("SELECT count(*) FROM audit_log WHERE action = 'refund_requested' AND entity_id = $1", order), 0);
    }

    void refund_cardIsQueuedAndPendingAmountsCount()
    {
        const QString order = paidCardOrder();
        const QString item = itemOf(order);
        const QString id = refund(*m_opsConn, order, u"10000"_s, u"[{\"item_id\": %1, \"quantity\": 1}]"_s.arg(item), u"worn once"_s);
        QVERIFY2(!id.startsWith(u"ERROR"_s), qPrintable(id));
        QCOMPARE(m_fx.scalar("SELECT kind || ' ' || state || ' ' || amount_minor || ' ' || reason || ' ' || restock::text "
                             "FROM stripe_requests WHERE id = " + str(id)),
                 u"refund queued 10000 worn once [{\"item_id\": %1, \"quantity\": 1}]"_s.arg(item));
        QCOMPARE(m_fx.scalar("SELECT status || ' ' || refunded_minor FROM orders WHERE id = $1::uuid", order), u"paid 0"_s);
        QCOMPARE(m_fx.scalar("SELECT actor || ' ' || (after ->> 'amount_minor') || ' ' || reason FROM audit_log "
                             "WHERE action = 'refund_requested' AND entity_id = $1", order),
                 m_fx.ops.login + u" 10000 worn once"_s);
        // The queued request's money and units are spoken for.
        QVERIFY(refund(*m_opsConn, order, u"14001"_s, {}, u"r"_s).startsWith(u"ERROR 22023: At most 140.00 USD"_s));
        QVERIFY(refund(*m_opsConn, order, u"100"_s, u"[{\"item_id\": %1, \"quantity\": 2}]"_s.arg(item), u"r"_s)
                    .startsWith(u"ERROR 22023: Only 1 of"_s));
        // NULL: everything else.
        const QString rest = refund(*m_adminConn(), order, u"NULL"_s, {}, u"rest"_s);
        QVERIFY2(!rest.startsWith(u"ERROR"_s), qPrintable(rest));
        QCOMPARE(m_fx.scalar("SELECT amount_minor FROM stripe_requests WHERE id = " + str(rest)), u"14000"_s);
        QVERIFY(refund(*m_opsConn, order, u"NULL"_s, {}, u"more"_s).startsWith(u"ERROR P0001: Nothing is left to refund"_s));

        // rdk-sync does the work; finishing applies the restock exactly once.
        const QString before = m_fx.stock(m_fx.a.runProductId, u"9"_s);
        const QStringList claimed = claimAll(*m_sync);
        QVERIFY(claimed.contains(id + u":refund"_s));
        QCOMPARE(finish(id.toLongLong(), true, u"{\"refund_id\": \"re_1\", \"status\": \"succeeded\", \"amount\": 10000}"_s), QString());
        QCOMPARE(finish(id.toLongLong(), true, u"{\"refund_id\": \"re_1\", \"status\": \"succeeded\", \"amount\": 10000}"_s), QString());
        QCOMPARE(m_fx.stock(m_fx.a.runProductId, u"9"_s),
                 QString::number(before.section(u'/', 0, 0).toInt() + 1) + u'/' + before.section(u'/', 1));
        QCOMPARE(m_fx.scalar("SELECT restocked_quantity FROM order_items WHERE id = " + str(item)), u"1"_s);
        QCOMPARE(m_fx.scalar("SELECT state || ' ' || (result ->> 'refund_id') FROM stripe_requests WHERE id = " + str(id)),
                 u"done re_1"_s);
        for (const QString &c : claimed)
            if (c != id + u":refund"_s)
                QCOMPARE(finish(c.section(u':', 0, 0).toLongLong(), false, {}, u"Stripe said no."_s), QString());
        QCOMPARE(m_fx.scalar("SELECT error FROM stripe_requests WHERE id = " + str(rest)), u"Stripe said no."_s);
        m_fx.exec("UPDATE inventory SET quantity = 2 WHERE product_id = '" + str(m_fx.a.runProductId) + "' AND size = '9'");
    }

    void refund_cashIsAppliedAtOnceWithRestock()
    {
        auto placed = m_staff->placeSale(saleOf({{u"POS-FLAT"_s, {}, 2, {}}}));
        QVERIFY(placed);
        QVERIFY(m_ops->recordCashPayment(placed->orderId, usd(10000)));
        QCOMPARE(m_fx.stock(m_fx.a.flatProductId), u"1/0"_s);
        const QString item = itemOf(placed->orderId);
        const QString first = refund(*m_opsConn, placed->orderId, u"5000"_s, u"[{\"item_id\": %1, \"quantity\": 1}]"_s.arg(item),
                                     u"returned one"_s);
        QVERIFY2(!first.startsWith(u"ERROR"_s), qPrintable(first));
        QCOMPARE(m_fx.scalar("SELECT state FROM stripe_requests WHERE id = " + str(first)), u"done"_s);
        QCOMPARE(m_fx.scalar("SELECT status || ' ' || refunded_minor FROM orders WHERE id = $1::uuid", placed->orderId),
                 u"partially_refunded 5000"_s);
        QCOMPARE(m_fx.stock(m_fx.a.flatProductId), u"2/0"_s);
        QCOMPARE(m_fx.scalar("SELECT reason FROM audit_log WHERE action = 'status' AND entity_id = $1 ORDER BY id DESC LIMIT 1",
                             placed->orderId), u"returned one"_s);
        const QString second = refund(*m_opsConn, placed->orderId, u"NULL"_s, u"[{\"item_id\": %1, \"quantity\": 1}]"_s.arg(item),
                                      u"and the other"_s);
        QVERIFY2(!second.startsWith(u"ERROR"_s), qPrintable(second));
        QCOMPARE(m_fx.scalar("SELECT status || ' ' || refunded_minor FROM orders WHERE id = $1::uuid", placed->orderId),
                 u"refunded 10000"_s);
        QCOMPARE(m_fx.stock(m_fx.a.flatProductId), u"3/0"_s);
        QCOMPARE(m_fx.scalar("SELECT restocked_quantity FROM order_items WHERE id = " + str(item)), u"2"_s);
        QVERIFY(refund(*m_opsConn, placed->orderId, u"1"_s, {}, u"again"_s).startsWith(u"ERROR P0001"_s));
        // Claiming never hands rdk-sync a cash refund.
        QVERIFY(!claimAll(*m_sync).contains(first + u":refund"_s));
    }

    void refund_pendingOrderIsRefused()
    {
        const QString id = placeFlatSale(*m_staff);
        QVERIFY(refund(*m_opsConn, id, u"100"_s, {}, u"r"_s).startsWith(u"ERROR P0001"_s));
        QVERIFY(refund(*m_opsConn, id, u"100"_s, {}, u"r"_s).contains(u"has not been paid; cancel it instead."_s));
        QVERIFY(m_staff->cancelSale(id, {}));
    }

    // ---- rdk-sync's side -----------------------------------------------------------------------

    void claim_concurrentClaimersGetDisjointRows()
    {
        drainQueue();
        QStringList ids;
        for (int i = 0; i < 3; ++i)
            ids.append(placeFlatSale(*m_ops));
        QCOMPARE(m_fx.count("SELECT count(*) FROM stripe_requests WHERE state = 'queued'"), 3);  // stock: 3 units
        pqxx::work first(*m_sync);
        const auto a = first.exec("SELECT id FROM rdk.claim_stripe_requests(2)");
        QCOMPARE(int(a.size()), 2);
        const QStringList b = claimAll(*m_sync2);  // while the first claim is still open
        QCOMPARE(b.size(), 1);
        QSet<QString> seen;
        for (const auto &r : a)
            seen.insert(QString::fromStdString(r[0].as<std::string>()));
        QVERIFY(!seen.contains(b[0].section(u':', 0, 0)));
        first.commit();
        QCOMPARE(m_fx.count("SELECT count(*) FROM stripe_requests WHERE state = 'working' AND attempts = 1"), 3);
        QVERIFY(claimAll(*m_sync).isEmpty());  // nothing left, nothing stuck yet

        // A worker that died: its rows come back after 2 minutes, with the attempt counted.
        m_fx.exec("UPDATE stripe_requests SET updated_at = now() - interval '3 minutes' WHERE id = " + str(b[0].section(u':', 0, 0)));
        const QStringList again = claimAll(*m_sync);
        QCOMPARE(again, b);
        QCOMPARE(m_fx.scalar("SELECT attempts FROM stripe_requests WHERE id = " + str(b[0].section(u':', 0, 0))), u"2"_s);
        // After 5 attempts it gives up with a sentence.
        m_fx.exec("UPDATE stripe_requests SET attempts = 5, updated_at = now() - interval '3 minutes' WHERE id = " +
                  str(b[0].section(u':', 0, 0)));
        QVERIFY(claimAll(*m_sync).isEmpty());
        QCOMPARE(m_fx.scalar("SELECT state || ': ' || error FROM stripe_requests WHERE id = " + str(b[0].section(u':', 0, 0))),
                 u"failed: Stripe could not be reached after 5 attempts. Try again."_s);
        for (const auto &r : a)
            QCOMPARE(finish(r[0].as<qint64>(), false, {}, u"Stripe could not be reached. Try again."_s), QString());
        for (const QString &id : ids)
            QVERIFY(m_ops->cancelSale(id, {}));
        QCOMPARE(m_fx.stock(m_fx.a.flatProductId), u"3/0"_s);
    }

    void claim_rowsOfAWorkerThatDiedAreClaimedAgainAtOnce()
    {
        drainQueue();
        const QString order = placeFlatSale(*m_staff);
        QVERIFY(!order.isEmpty());
        const QString request = QString::number(linkRequestOf(order));
        {
            auto doomed = m_fx.connect(m_fx.service);
            QCOMPARE(claimAll(*doomed), QStringList{request + u":payment_link"_s});
            // While its claimer lives, nobody else takes the row.
            QVERIFY(claimAll(*m_sync).isEmpty());
        }  // the claiming rdk-sync is gone (its connection closed, as when the process dies)
        QStringList again;   // the backend exits a moment after the socket closes
        (void)QTest::qWaitFor([&] { return !(again = claimAll(*m_sync)).isEmpty(); }, 1000);
        QCOMPARE(again, QStringList{request + u":payment_link"_s});
        QCOMPARE(m_fx.scalar("SELECT attempts FROM stripe_requests WHERE id = " + str(request)), u"2"_s);
        QCOMPARE(finish(request.toLongLong(), false, {}, u"drained"_s), QString());
        QVERIFY(m_staff->cancelSale(order, {}));
    }

    void staffCannotEditMoneyStatesOrAmounts()
    {
        drainQueue();
        const QString order = placeFlatSale(*m_staff);
        QVERIFY(!order.isEmpty());
        for (const std::string &sql : {std::string("UPDATE orders SET status = 'paid'"), std::string("UPDATE orders SET total_minor = 1"),
                                       std::string("UPDATE orders SET currency = 'EUR'")}) {
            for (pqxx::connection *conn : {m_staffConn.get(), m_opsConn.get()}) {
                const QString answer = m_fx.as(*conn, sql + " WHERE id = '" + str(order) + "'");
                QVERIFY2(answer.startsWith(u"ERROR 42501"_s), qPrintable(answer));
            }
        }
        QCOMPARE(m_fx.scalar("SELECT status || ' ' || total_minor FROM orders WHERE id = $1::uuid", order), u"pending 5000"_s);
        // The paths made for it still work: cash by ops through its function.
        QVERIFY(m_ops->recordCashPayment(order, Money::of(5000, u"USD"_s).value()).ok());
        QCOMPARE(m_fx.scalar("SELECT status FROM orders WHERE id = $1::uuid", order), u"paid"_s);
        // Put the pair back on the shelf for the tests that follow.
        m_fx.exec("UPDATE inventory SET quantity = quantity + 1 WHERE product_id = '" + str(m_fx.a.flatProductId) + "'");
    }

    void finish_linkIsShownRetryMakesNoSecondLink()
    {
        drainQueue();
        const QString id = placeFlatSale(*m_staff);
        QStringList claimed = claimAll(*m_sync);
        const qint64 request = linkRequestOf(id);
        QVERIFY(claimed.contains(QString::number(request) + u":payment_link"_s));
        // Staff may ask again while it is in flight: the same request.
        QVERIFY(m_staff->retryPaymentLink(id));
        QCOMPARE(linkRequestOf(id), request);
        QCOMPARE(finish(request, false, {}, u"Stripe could not be reached. Try again."_s), QString());
        auto failed = m_staff->orderState(id);
        QVERIFY(failed);
        QCOMPARE(toString(failed->link.state), u"failed"_s);
        QCOMPARE(failed->link.error, u"Stripe could not be reached. Try again."_s);

        QVERIFY(m_staff->retryPaymentLink(id));
        const qint64 retry = linkRequestOf(id);
        QVERIFY(retry > request);
        QVERIFY(m_staff->retryPaymentLink(id));
        QCOMPARE(linkRequestOf(id), retry);  // one live request, never two
        claimed = claimAll(*m_sync);
        QVERIFY(claimed.contains(QString::number(retry) + u":payment_link"_s));
        // Bad results are refused and change nothing.
        QVERIFY(finish(retry, true, u"{\"url\": \"https://x\"}"_s).startsWith(u"ERROR 22023"_s));
        QVERIFY(finish(retry, true, u"{\"payment_link_id\": \"plink_1\", \"url\": \"javascript:alert(1)\"}"_s).startsWith(u"ERROR 22023"_s));
        QVERIFY(finish(retry, true, u"[]"_s).startsWith(u"ERROR 22023"_s));
        QCOMPARE(finish(retry, true, u"{\"payment_link_id\": \"plink_ok1\", \"url\": \"https://pay.example/ok1\"}"_s), QString());
        auto ready = m_staff->orderState(id);
        QVERIFY(ready);
        QCOMPARE(toString(ready->link.state), u"ready"_s);
        QCOMPARE(ready->link.url, u"https://pay.example/ok1"_s);
        QCOMPARE(ready->link.paymentLinkId, u"plink_ok1"_s);
        QCOMPARE(m_fx.scalar("SELECT stripe_payment_link_id FROM orders WHERE id = $1::uuid", id), u"plink_ok1"_s);
        QVERIFY(m_staff->cancelSale(id, {}));
        auto canceled = m_staff->orderState(id);
        QVERIFY(canceled);
        QCOMPARE(toString(canceled->link.state), u"deactivated"_s);
        for (const QString &c : claimAll(*m_sync))
            QCOMPARE(finish(c.section(u':', 0, 0).toLongLong(), true, u"{\"active\": false}"_s), QString());
    }

    void finish_isForTheServiceOnly()
    {
        QVERIFY(m_fx.as(*m_opsConn, "SELECT rdk.finish_stripe_request(1, true, '{}', NULL)").startsWith(u"ERROR 42501"_s));
        QVERIFY(m_fx.as(*m_opsConn, "SELECT count(*) FROM rdk.claim_stripe_requests(10)").startsWith(u"ERROR 42501"_s));
        QVERIFY(m_fx.as(*m_staffConn, "UPDATE stripe_requests SET state = 'done'").startsWith(u"ERROR 42501"_s));
        QVERIFY(m_fx.as(*m_staffConn, "INSERT INTO stripe_requests (order_id, kind) VALUES (gen_random_uuid(), 'refund')")
                    .startsWith(u"ERROR 42501"_s));
        QVERIFY(m_fx.as(*m_sync, "UPDATE stripe_requests SET state = 'done'").startsWith(u"ERROR 42501"_s));
        QVERIFY(finish(987654321, true, u"{}"_s).startsWith(u"ERROR P0002"_s));
    }

    void deactivation_isQueuedOnceWhenALinkedOrderIsPaidOrCanceled()
    {
        // Paid through the webhook path (rdk.apply_payment_event, as rdk-sync calls it).
        const QString paid = placeFlatSale(*m_staff);
        makeLink(paid);
        QCOMPARE(m_fx.count("SELECT count(*) FROM stripe_requests WHERE kind = 'deactivate_link' AND order_id = $1::uuid", paid), 0);
        QCOMPARE(m_fx.as(*m_sync, "SELECT outcome FROM rdk.apply_payment_event('evt_pos_paid', 'checkout.session.completed', '" +
                                      str(paid) + "', 'pi_x', 'paid', 5000, 'usd', NULL, NULL, NULL, NULL)"),
                 u"applied"_s);
        QCOMPARE(m_fx.scalar("SELECT payment_method FROM orders WHERE id = $1::uuid", paid), u"card"_s);
        QCOMPARE(m_fx.count("SELECT count(*) FROM stripe_requests WHERE kind = 'deactivate_link' AND order_id = $1::uuid", paid), 1);
        QCOMPARE(m_fx.as(*m_staffConn, "SELECT rdk.mark_order_fulfilled('" + str(paid) + "')"), QString());
        QCOMPARE(m_fx.count("SELECT count(*) FROM stripe_requests WHERE kind = 'deactivate_link' AND order_id = $1::uuid", paid), 1);
        auto state = m_staff->orderState(paid);
        QVERIFY(state);
        QCOMPARE(toString(state->paymentMethod), u"card"_s);
        QCOMPARE(state->paymentReference, u"pi_x"_s);
        QCOMPARE(toString(state->link.state), u"deactivated"_s);

        // Canceled by the counter, then the timeout sweep runs too: still one.
        const QString canceled = placeFlatSale(*m_staff);
        makeLink(canceled);
        QVERIFY(m_staff->cancelSale(canceled, {}));
        QCOMPARE(m_fx.as(*m_sync, "SELECT rdk.release_expired_reservations()"), u"0"_s);
        QCOMPARE(m_fx.count("SELECT count(*) FROM stripe_requests WHERE kind = 'deactivate_link' AND order_id = $1::uuid", canceled), 1);

        // Timed out: the sweep cancels it and the deactivation follows.
        const QString expired = placeFlatSale(*m_staff);
        makeLink(expired);
        m_fx.exec("UPDATE stock_reservations SET expires_at = now() - interval '1 second' WHERE order_id = '" + str(expired) + "'");
        QCOMPARE(m_fx.as(*m_sync, "SELECT rdk.release_expired_reservations()"), u"1"_s);
        QCOMPARE(m_fx.scalar("SELECT status FROM orders WHERE id = $1::uuid", expired), u"canceled"_s);
        QCOMPARE(m_fx.count("SELECT count(*) FROM stripe_requests WHERE kind = 'deactivate_link' AND order_id = $1::uuid", expired), 1);

        // Cash for a linked order deactivates it too; a link finished after the sale ended
        // is deactivated at once.
        const QString cash = placeFlatSale(*m_staff);
        const qint64 late = linkRequestOf(cash);
        m_fx.exec("UPDATE stripe_requests SET state = 'working' WHERE id = " + std::to_string(late));
        QVERIFY(m_ops->recordCashPayment(cash, usd(5000)));
        QCOMPARE(finish(late, true, u"{\"payment_link_id\": \"plink_late\", \"url\": \"https://pay.example/late\"}"_s), QString());
        QCOMPARE(m_fx.count("SELECT count(*) FROM stripe_requests WHERE kind = 'deactivate_link' AND order_id = $1::uuid", cash), 1);
        QCOMPARE(m_fx.stock(m_fx.a.flatProductId), u"1/0"_s);
        for (const QString &c : claimAll(*m_sync))
            QCOMPARE(finish(c.section(u':', 0, 0).toLongLong(), true, u"{\"active\": false}"_s), QString());
        m_fx.exec("UPDATE inventory SET quantity = 3 WHERE product_id = '" + str(m_fx.a.flatProductId) + "'");
    }

    void shipAndFulfil_areAuditedWithCarrier()
    {
        const QString order = paidCardOrder();
        QVERIFY(m_fx.as(*m_staffConn, "SELECT rdk.mark_order_shipped('" + str(order) + "', '', '1Z')")
                    .startsWith(u"ERROR 22023: The carrier must be 1 to 100 characters."_s));
        QVERIFY(m_fx.as(*m_staffConn, "SELECT rdk.mark_order_shipped('" + str(order) + "', 'UPS', repeat('1', 101))")
                    .startsWith(u"ERROR 22023"_s));
        QCOMPARE(m_fx.as(*m_staffConn, "SELECT rdk.mark_order_shipped('" + str(order) + "', ' UPS ', '1Z999')"), QString());
        QCOMPARE(m_fx.scalar("SELECT (before ->> 'status') || '>' || (after ->> 'status') || ' ' || (after ->> 'carrier') || ' ' || "
                             "(after ->> 'tracking_number') || ' ' || reason FROM audit_log WHERE action = 'status' "
                             "AND entity_id = $1 ORDER BY id DESC LIMIT 1", order),
                 u"paid>shipped UPS 1Z999 shipped with UPS 1Z999"_s);
        QVERIFY(m_fx.as(*m_staffConn, "SELECT rdk.mark_order_fulfilled('" + str(order) + "')")
                    .startsWith(u"ERROR P0001: RDK-"_s));
        QVERIFY(m_fx.as(*m_staffConn, "SELECT rdk.mark_order_shipped('" + str(order) + "', 'UPS', '1Z')").startsWith(u"ERROR P0001"_s));

        // Every staff role reads the order's timeline (audit_log itself is admin-only); other shops don't.
        QCOMPARE(m_fx.as(*m_staffConn, "SELECT string_agg(action || ':' || coalesce(after ->> 'status', ''), ',') "
                                       "FROM rdk.order_timeline('" + str(order) + "')"),
                 u"status:paid,status:shipped"_s);
        QVERIFY(m_fx.as(*m_staffConn, "SELECT count(*) FROM audit_log").startsWith(u"ERROR 42501"_s));
        auto connB = m_fx.connect(m_fx.staffB);
        QCOMPARE(m_fx.as(*connB, "SELECT count(*) FROM rdk.order_timeline('" + str(order) + "')"), u"0"_s);
        QCOMPARE(m_fx.as(*m_sync, "SELECT count(*) FROM rdk.order_timeline('" + str(order) + "')")
                     .left(11), u"ERROR 42501"_s);
    }

    // ---- privacy and tenants ---------------------------------------------------------------------

    void staffCannotReadCustomerEmail()
    {
        QVERIFY(m_fx.as(*m_staffConn, "SELECT customer_email FROM orders LIMIT 1").startsWith(u"ERROR 42501"_s));
        QVERIFY(m_fx.as(*m_staffConn, "SELECT shipping_address FROM orders LIMIT 1").startsWith(u"ERROR 42501"_s));
        QVERIFY(m_fx.as(*m_staffConn, "SELECT * FROM orders LIMIT 1").startsWith(u"ERROR 42501"_s));
        QVERIFY(m_fx.as(*m_staffConn, "SELECT count(*) FROM orders WHERE customer_email LIKE 'a%'").startsWith(u"ERROR 42501"_s));
        QVERIFY(!m_fx.as(*m_staffConn, "SELECT count(*) FROM orders WHERE status <> 'x'").startsWith(u"ERROR"_s));
        QCOMPARE(m_fx.as(*m_staffConn, "SELECT has_column_privilege('public.orders', 'customer_email', 'SELECT')"), u"f"_s);
        QCOMPARE(m_fx.as(*m_opsConn, "SELECT has_column_privilege('public.orders', 'customer_email', 'SELECT')"), u"t"_s);
        QVERIFY(!m_fx.as(*m_opsConn, "SELECT count(customer_email) FROM orders").startsWith(u"ERROR"_s));

        // The order repository still reads the order for staff, without the e-mail.
        const QString online = m_fx.scalar("INSERT INTO orders (tenant_id, channel, currency, customer_email) VALUES ('" +
                                           str(m_fx.a.tenantId) + "', 'online', 'USD', 'buyer@example.com') RETURNING id::text");
        data::PgOrderRepository asStaff(*m_staffSession);
        auto seenByStaff = asStaff.findById(online);
        QVERIFY2(seenByStaff, qPrintable(seenByStaff ? QString() : seenByStaff.error().message));
        QVERIFY(seenByStaff->has_value());
        QCOMPARE((*seenByStaff)->customerEmail, QString());
        data::PgOrderRepository asOps(*m_opsSession);
        auto seenByOps = asOps.findById(online);
        QVERIFY(seenByOps && seenByOps->has_value());
        QCOMPARE((*seenByOps)->customerEmail, u"buyer@example.com"_s);
    }

    void anotherShopSeesNoneOfIt()
    {
        const QString id = placeFlatSale(*m_staff);
        POS_EXPECT_ERROR(m_staffB->orderState(id), ErrorCode::NotFound);
        POS_EXPECT_ERROR(m_staffB->cancelSale(id, {}), ErrorCode::NotFound);
        POS_EXPECT_ERROR(m_staffB->retryPaymentLink(id), ErrorCode::NotFound);
        auto foundB = m_staffB->findBySku(u"POS-FLAT"_s);  // their own product of the same SKU
        QVERIFY(foundB);
        QCOMPARE(foundB->productId, m_fx.b.flatProductId);
        auto connB = m_fx.connect(m_fx.staffB);
        QCOMPARE(m_fx.as(*connB, "SELECT count(*) FROM stripe_requests"), u"0"_s);
        // Shop B's storefront login claims and sees nothing of it, whatever it sets.
        auto syncB = m_fx.connect(m_fx.db->createServiceLogin(m_fx.b.tenantId));
        const std::string toA = "SELECT set_config('rdk.tenant', '" + str(m_fx.a.tenantId) + "', true); ";
        QCOMPARE(m_fx.as(*syncB, toA + "SELECT count(*) FROM rdk.claim_stripe_requests(100)"), u"0"_s);
        QCOMPARE(m_fx.as(*syncB, toA + "SELECT count(*) FROM stripe_requests"), u"0"_s);
        QCOMPARE(m_fx.scalar("SELECT status FROM orders WHERE id = $1::uuid", id), u"pending"_s);
        QVERIFY(m_staff->cancelSale(id, {}));
    }

    // ---- hostile input ---------------------------------------------------------------------------

    void hostileInput_clearErrorsAndNothingStored()
    {
        const int ordersBefore = orders();
        const int requestsBefore = requests();
        for (const QString &bad : {u"not-a-uuid"_s, u"'; DROP TABLE orders; --"_s, QString(10000, u'9'), QString()}) {
            POS_EXPECT_ERROR(m_staff->orderState(bad), ErrorCode::NotFound);
            POS_EXPECT_ERROR(m_staff->cancelSale(bad, {}), ErrorCode::NotFound);
            POS_EXPECT_ERROR(m_staff->retryPaymentLink(bad), ErrorCode::NotFound);
            POS_EXPECT_ERROR(m_ops->recordCashPayment(bad, usd(1)), ErrorCode::NotFound);
        }
        POS_EXPECT_ERROR(m_staff->orderState(u"00000000-0000-0000-0000-000000000000"_s), ErrorCode::NotFound);
        POS_EXPECT_ERROR(m_staff->placeSale(saleOf({{QString(10000, u'A'), {}, 1, {}}})), ErrorCode::NotFound);
        POS_EXPECT_ERROR(m_staff->placeSale(saleOf({{u"POS-RUN"_s, u"9'; --"_s, 1, {}}})), ErrorCode::Invalid);
        POS_EXPECT_ERROR(m_staff->placeSale(saleOf({{u"POS-FLAT"_s, {}, 0, {}}})), ErrorCode::Invalid);
        POS_EXPECT_ERROR(m_staff->placeSale(saleOf({{u"POS-FLAT"_s, {}, 101, {}}})), ErrorCode::Invalid);
        POS_EXPECT_ERROR(m_staff->placeSale(saleOf({{u"POS-FLAT"_s, {}, 1, usd(-5)}})), ErrorCode::Invalid);
        POS_EXPECT_ERROR(m_staff->placeSale(PosSaleRequest{}), ErrorCode::Invalid);
        PosSaleRequest manyLines;
        for (int i = 0; i < 1000; ++i)
            manyLines.lines.append({u"POS-FLAT"_s, {}, 1, {}});
        POS_EXPECT_ERROR(m_staff->placeSale(manyLines), ErrorCode::Invalid);
        PosSaleRequest longLink = saleOf({{u"POS-FLAT"_s, {}, 1, {}}});
        longLink.linkMinutes = 0;
        POS_EXPECT_ERROR(m_staff->placeSale(longLink), ErrorCode::Invalid);
        longLink.linkMinutes = 100000000;
        POS_EXPECT_ERROR(m_staff->placeSale(longLink), ErrorCode::Invalid);
        PosSaleRequest hugeReason = saleOf({{u"POS-FLAT"_s, {}, 1, usd(100)}});
        hugeReason.discountReason = QString(100000, u'r');
        POS_EXPECT_ERROR(m_ops->placeSale(hugeReason), ErrorCode::Invalid);
        QCOMPARE(orders(), ordersBefore);
        QCOMPARE(requests(), requestsBefore);
        QCOMPARE(m_fx.stock(m_fx.a.flatProductId), u"3/0"_s);

        const QString id = placeFlatSale(*m_staff);
        POS_EXPECT_ERROR(m_staff->cancelSale(id, QString(10000, u'x')), ErrorCode::Invalid);
        QVERIFY(m_fx.as(*m_staffConn, "SELECT rdk.cancel_order('" + str(id) + "', repeat('x', 201))")
                    .startsWith(u"ERROR 22023: The reason must be at most 200 characters."_s));
        QVERIFY(m_fx.as(*m_staffConn, "SELECT rdk.cancel_order('not-a-uuid', 'x')").startsWith(u"ERROR 22P02"_s));
        QVERIFY(m_fx.as(*m_staffConn, "SELECT rdk.pos_request_payment_link(NULL)").startsWith(u"ERROR P0002"_s));
        QCOMPARE(m_fx.scalar("SELECT status FROM orders WHERE id = $1::uuid", id), u"pending"_s);
        QVERIFY(m_staff->cancelSale(id, u"cleanup"_s));
    }

    // An unverified admin session may not write (2FA), and says so.
    void admin_needsTheSecondFactor()
    {
        auto unverified = m_fx.session(m_fx.admin, false);
        QVERIFY(unverified);
        PgPos pos(*unverified);
        const int before = orders();
        auto placed = pos.placeSale(saleOf({{u"POS-FLAT"_s, {}, 1, {}}}));
        POS_EXPECT_ERROR(placed, ErrorCode::Forbidden);
        QCOMPARE(orders(), before);
        auto byAdmin = m_admin->placeSale(saleOf({{u"POS-FLAT"_s, {}, 1, {}}}));
        QVERIFY2(byAdmin, qPrintable(byAdmin ? QString() : byAdmin.error().message));
        QVERIFY(m_admin->recordCashPayment(byAdmin->orderId, usd(5000)));
        m_fx.exec("UPDATE inventory SET quantity = 3 WHERE product_id = '" + str(m_fx.a.flatProductId) + "'");
    }

private:
    pqxx::connection *m_adminConn()
    {
        if (!m_adminRaw) {
            m_adminRaw = m_fx.connect(m_fx.admin);
            security::waitAwayFromStepEdge();
            security::verifySession(*m_adminRaw, security::totpNow(m_fx.db->totpSecretOf(m_fx.admin.login), 1));
        }
        return m_adminRaw.get();
    }
    std::unique_ptr<pqxx::connection> m_adminRaw;
};

QTEST_GUILESS_MAIN(TestPosData)
#include "tst_pos_data.moc"
