// The data/ classes of drop day against a real database, as the logins that use them: the
// desk's PgReleaseAdmin (ops), rdk-sync's PgReleases and PgCheckout with a pass and a card
// fingerprint, and the counter's PgPos with the buyer's e-mail. Refusals arrive as Errors
// carrying the database's sentence.
#include "tests/security/securitytest.h"

#include "data/pgcheckout.h"
#include "data/pgpos.h"
#include "data/pgreleaseadmin.h"
#include "data/pgreleases.h"
#include "data/pgsession.h"

#include <QTest>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using namespace rdk::data;
using namespace rdk::test;
using namespace rdk::test::security;

class TestReleasesData final : public QObject {
    Q_OBJECT

    std::unique_ptr<TestDatabase> m_db;
    QString m_shop;
    std::unique_ptr<PgSession> m_ops, m_staff, m_service;

    std::string owner(const std::string &sql) { return ownerCommitted(*m_db, sql); }

    std::unique_ptr<PgSession> open(const Login &login)
    {
        auto s = PgSession::open(m_db->urlFor(login.login, login.password));
        return s.ok() ? std::move(s).value() : nullptr;
    }

private Q_SLOTS:
    void init()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        m_shop = m_db->createTenant(u"drop-data"_s);
        owner("WITH p AS (INSERT INTO products (tenant_id, sku, name, brand, colorway, condition, price_minor, currency, "
              "inventory_strategy, size_system, size_run, published) VALUES ('" + str(m_shop) + "', 'DD-1', 'Dunk', 'Nike', "
              "'Panda', 'new', 11000, 'USD', 'per_size', 'mens', '{9,10}', true) RETURNING id, tenant_id) "
              "INSERT INTO inventory (tenant_id, product_id, size, quantity) SELECT p.tenant_id, p.id, s, 3 FROM p, "
              "unnest(ARRAY['9', '10']) s");
        m_ops = open(m_db->createStaff(m_shop, u"ops"_s));
        m_staff = open(m_db->createStaff(m_shop, u"staff"_s));
        m_service = open(m_db->createServiceLogin(m_shop));
        QVERIFY(m_ops && m_staff && m_service);
    }
    void cleanup()
    {
        m_ops.reset();
        m_staff.reset();
        m_service.reset();
        m_db.reset();
    }

    void queueRelease_scheduleSellAndCount()
    {
        PgReleaseAdmin admin(*m_ops);
        ReleaseSettings settings;
        settings.sku = u"DD-1"_s;
        settings.releaseAt = QDateTime::currentDateTimeUtc().addSecs(3600);
        settings.limitPerBuyer = 2;
        settings.admitPerMinute = 120;
        const auto id = admin.save({}, settings);
        QVERIFY2(id.ok(), id.ok() ? "" : qPrintable(id.error().message));
        // A second release of the product is refused with the database's sentence.
        const auto twice = admin.save({}, settings);
        QVERIFY(!twice.ok());
        QVERIFY2(twice.error().message.contains(u"already has a release"_s), qPrintable(twice.error().message));
        // A cashier reads the overview but can't schedule.
        PgReleaseAdmin cashier(*m_staff);
        QCOMPARE(cashier.overview()->size(), 1);
        QVERIFY(!cashier.save({}, settings).ok());

        PgReleases service(*m_service);
        const auto releases = service.storefrontReleases();
        QVERIFY(releases.ok() && releases->size() == 1);
        const Release rel = releases->first();
        QCOMPARE(rel.id, *id);
        QCOMPARE(rel.secret.size(), 32);
        QCOMPARE(rel.admitPerMinute, 120);
        QCOMPARE(rel.queueOpensAt.secsTo(rel.releaseAt), 1800);

        QVERIFY(service.publishQueue(rel.id, u"sync-1"_s, {{1000, 2}, {1100, 1}}).ok());
        QVERIFY(service.publishQueue(rel.id, u"sync-2"_s, {{1000, 5}}).ok());
        const auto counts = service.queueCounts(rel.id);
        QVERIFY(counts.ok());
        QCOMPARE(*counts, (QList<QPair<qint64, qint64>>{{1000, 7}, {1100, 1}}));

        // Checkout with a pass once the release time has come.
        owner("UPDATE releases SET release_at = now() - interval '1 second', queue_opens_at = now() - interval '1 hour'");
        PgCheckout checkout(*m_service);
        CheckoutRequest cart;
        cart.items = {CartItem{u"DD-1"_s, u"10"_s, 1}};
        cart.email = u"fan@example.com"_s;
        const auto refused = checkout.placeOrder(cart, 30);
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, ErrorCode::Forbidden);
        QCOMPARE(refused.error().message, u"This release is sold through its waiting room."_s);
        cart.pass.ticket = signTicket(rel.secret, rel.id, QDateTime::currentMSecsSinceEpoch(), u"abcdefabcdefabcdefabcdef"_s);
        const auto placed = checkout.placeOrder(cart, 30);
        QVERIFY2(placed.ok(), placed.ok() ? "" : qPrintable(placed.error().message));
        // The webhook stores the card's fingerprint of a release order.
        PaymentEvent paid;
        paid.eventId = u"evt_dd_paid"_s;
        paid.type = u"checkout.session.completed"_s;
        paid.orderId = placed->orderId;
        paid.cardFingerprint = u"fpDATA"_s;
        paid.report = PaymentReport{PaymentSignal::Paid, Money::of(11000, u"USD"_s).value(), true};
        QVERIFY(checkout.applyPaymentEvent(paid).ok());
        QCOMPARE(owner("SELECT card_fingerprint FROM orders WHERE id = '" + str(placed->orderId) + "'"), std::string("fpDATA"));

        // The counter: the buyer's e-mail counts against the same limit.
        PgPos pos(*m_staff);
        PosSaleRequest sale;
        sale.lines = {PosLineRequest{u"DD-1"_s, u"9"_s, 1, Money::zero(u"USD"_s)}};
        sale.orderDiscount = Money::zero(u"USD"_s);
        const auto noEmail = pos.placeSale(sale);
        QVERIFY(!noEmail.ok());
        QCOMPARE(noEmail.error().message, u"Enter the buyer's e-mail address to sell from this release."_s);
        sale.buyerEmail = u"FAN@example.com"_s;
        QVERIFY(pos.placeSale(sale).ok());
        const auto third = pos.placeSale(sale);
        QVERIFY(!third.ok());
        QCOMPARE(third.error().message, u"You can buy at most 2 pairs of this release."_s);

        const auto overview = admin.overview();
        QVERIFY(overview.ok());
        QCOMPARE(overview->first().sold, 1);
        QCOMPARE(overview->first().held, 1);
        QCOMPARE(overview->first().stockLeft, 4);
        QVERIFY(admin.cancel(*id, u"Supplier late"_s).ok());
        QVERIFY(admin.overview()->first().canceledAt.isValid());
    }

    void raffleRelease_enterDrawClaimResults()
    {
        PgReleaseAdmin admin(*m_ops);
        ReleaseSettings settings;
        settings.sku = u"DD-1"_s;
        settings.allocation = ReleaseAllocation::Raffle;
        settings.releaseAt = QDateTime::currentDateTimeUtc().addSecs(7200);
        settings.queueOpensAt = QDateTime::currentDateTimeUtc().addSecs(60);
        settings.entriesCloseAt = QDateTime::currentDateTimeUtc().addSecs(3600);
        settings.claimHours = 24;
        const auto id = admin.save({}, settings);
        QVERIFY2(id.ok(), id.ok() ? "" : qPrintable(id.error().message));
        owner("UPDATE releases SET queue_opens_at = now() - interval '1 minute'");
        PgReleases service(*m_service);
        for (int i = 0; i < 5; ++i)
            QVERIFY(service.enterRaffle(*id, QStringLiteral("fan%1@example.com").arg(i), u"9"_s).ok());
        const auto again = service.enterRaffle(*id, u"FAN0@example.com"_s, u"9"_s);
        QVERIFY(!again.ok());
        QCOMPARE(again.error().message, u"This e-mail address has already entered this raffle."_s);
        QCOMPARE(again.error().code, ErrorCode::Conflict);

        const auto early = admin.draw(*id, u"seed"_s);
        QVERIFY(!early.ok());
        owner("UPDATE releases SET entries_close_at = now() - interval '1 second', release_at = now()");
        const auto winners = admin.draw(*id, QString());
        QVERIFY2(winners.ok(), winners.ok() ? "" : qPrintable(winners.error().message));
        QCOMPARE(*winners, 3);
        const auto results = service.results(*id);
        QVERIFY(results.ok());
        QCOMPARE(results->first.size(), 64);   // a random seed: 32 bytes, hex
        QCOMPARE(results->second.size(), 5);
        QCOMPARE(results->second.first().drawRank, 1);
        // Anyone with the seed re-computes the first place: the smallest draw key of the entries.
        QStringList keys;
        for (int i = 0; i < 5; ++i)
            keys.append(raffleDrawKey(results->first, QStringLiteral("fan%1@example.com").arg(i)));
        std::sort(keys.begin(), keys.end());
        QCOMPARE(results->second.first().drawKey, keys.first());
        // The storefront's copy carries no winner's deadline; the shop's staff read theirs.
        for (const RaffleResult &row : results->second)
            QVERIFY(!row.claimDeadline.isValid());
        const auto staffView = admin.results(*id);
        QVERIFY2(staffView.ok(), staffView.ok() ? "" : qPrintable(staffView.error().message));
        QCOMPARE(staffView->second.size(), 5);
        int withDeadline = 0;
        for (const RaffleResult &row : staffView->second) {
            QCOMPARE(row.claimDeadline.isValid(), row.state == RaffleEntryState::Won);
            withDeadline += row.claimDeadline.isValid();
        }
        QCOMPARE(withDeadline, 3);
        QCOMPARE(staffView->second.first().drawKey, keys.first());   // the same order as the storefront's
        const std::string code = owner("SELECT claim_code::text FROM raffle_entries WHERE state = 'won' LIMIT 1");
        const auto claim = service.claimStatus(QString::fromStdString(code));
        QVERIFY(claim.ok() && claim->has_value());
        QVERIFY((*claim)->state == RaffleEntryState::Won);
        QCOMPARE((*claim)->size, u"9"_s);
        QCOMPARE((*claim)->sku, u"DD-1"_s);
        QVERIFY(!service.claimStatus(u"not-a-code"_s)->has_value());
        QCOMPARE(*service.sweep(), 0);
        // The winner pays through the claim link: the entry is claimed, nothing else moves.
        PgCheckout checkout(*m_service);
        CheckoutRequest cart;
        cart.items = {CartItem{u"DD-1"_s, u"9"_s, 1}};
        cart.pass.claim = QString::fromStdString(code);
        const auto placed = checkout.placeOrder(cart, 30);
        QVERIFY2(placed.ok(), placed.ok() ? "" : qPrintable(placed.error().message));
        PaymentEvent paid;
        paid.eventId = u"evt_dd_claim"_s;
        paid.type = u"checkout.session.completed"_s;
        paid.orderId = placed->orderId;
        paid.report = PaymentReport{PaymentSignal::Paid, Money::of(11000, u"USD"_s).value(), true};
        QVERIFY(checkout.applyPaymentEvent(paid).ok());
        QVERIFY(service.claimStatus(QString::fromStdString(code)).value()->state == RaffleEntryState::Claimed);
        QCOMPARE(owner("SELECT order_id::text FROM raffle_entries WHERE claim_code = '" + code + "'"), str(placed->orderId));
        QCOMPARE(*service.sweep(), 0);
    }
};

QTEST_MAIN(TestReleasesData)
#include "tst_releases_data.moc"
