// The Releases window and the counter against a real database, as the logins that use them
// (no owner shortcuts except moving a raffle's window into the past): an ops login makes a
// raffle through the New release dialog, sees it listed, shoppers enter through rdk-sync's
// login, and the window draws it with the database's seed and shows the results; a cashier sees
// the same list read-only; the counter learns which sizes a release covers.
#include "tests/security/securitytest.h"

#include "data/pgpos.h"
#include "data/pgreleasebook.h"
#include "data/pgreleases.h"
#include "data/pgsession.h"
#include "ui/releases/raffleresultsdialog.h"
#include "ui/releases/releaseeditdialog.h"
#include "ui/releases/releasesdialog.h"
#include "ui/releases/releasetablemodel.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using namespace rdk::data;
using namespace rdk::test;
using namespace rdk::test::security;

class TestDeskReleasesDb final : public QObject {
    Q_OBJECT

    std::unique_ptr<TestDatabase> m_db;
    QString m_shop;
    Login m_opsLogin, m_staffLogin;

    std::string owner(const std::string &sql) { return ownerCommitted(*m_db, sql); }

    std::unique_ptr<PgSession> open(const Login &login)
    {
        auto s = PgSession::open(m_db->urlFor(login.login, login.password));
        return s.ok() ? std::move(s).value() : nullptr;
    }

    /// What screens.cpp's workerFactory does: a session of the login's own per call.
    ReleaseBookFactory books(const Login &login)
    {
        return [url = m_db->urlFor(login.login, login.password)]() -> Result<std::unique_ptr<ReleaseBook>> {
            auto session = PgSession::open(url);
            if (!session)
                return session.error();
            return std::unique_ptr<ReleaseBook>(new PgReleaseBook(std::move(session).value()));
        };
    }

    std::unique_ptr<ReleasesDialog> window(const Login &login, StaffRole role)
    {
        auto d = std::make_unique<ReleasesDialog>(books(login), role, u"UTC"_s);
        QSignalSpy refreshed(d.get(), &ReleasesDialog::refreshed);
        d->show();
        QApplication::setActiveWindow(d.get());
        if (!QTest::qWaitForWindowActive(d.get()) || (refreshed.isEmpty() && !refreshed.wait(10000)))
            return nullptr;
        return d;
    }

    static QString cell(const ReleasesDialog &d, int row, int column)
    {
        return d.model()->index(row, column).data().toString();
    }

private Q_SLOTS:
    void init()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        m_shop = m_db->createTenant(u"drop-desk"_s);
        owner("WITH p AS (INSERT INTO products (tenant_id, sku, name, brand, colorway, condition, price_minor, currency, "
              "inventory_strategy, size_system, size_run, published) VALUES ('" + str(m_shop) + "', 'DD-1', 'Dunk Low', 'Nike', "
              "'Panda', 'new', 11000, 'USD', 'per_size', 'mens', '{9,10}', true) RETURNING id, tenant_id) "
              "INSERT INTO inventory (tenant_id, product_id, size, quantity) SELECT p.tenant_id, p.id, s, 2 FROM p, "
              "unnest(ARRAY['9', '10']) s");
        m_opsLogin = m_db->createStaff(m_shop, u"ops"_s);
        m_staffLogin = m_db->createStaff(m_shop, u"staff"_s);
    }

    void cleanup()
    {
        m_db.reset();
    }

    void opsMakesARaffle_listsIt_drawsIt_withTheDatabasesSeed()
    {
        auto d = window(m_opsLogin, StaffRole::Ops);
        QVERIFY(d);
        QCOMPARE(d->model()->rowCount(), 0);

        // New release by keyboard: SKU, all sizes, a raffle.
        QTest::keyClick(d.get(), Qt::Key_N, Qt::ControlModifier);
        QTRY_VERIFY(d->editDialog());
        ReleaseEditDialog *edit = d->editDialog();
        QSignalSpy answered(edit, &ReleaseEditDialog::answered);
        auto *sku = edit->findChild<QLineEdit *>(u"sku"_s);
        QTest::keyClicks(sku, u"dd-1"_s);
        QTest::keyClick(sku, Qt::Key_Return);
        QVERIFY(answered.wait(10000));
        QCOMPARE(edit->productName(), u"Dunk Low"_s);
        QCOMPARE(edit->sizeBoxes().size(), 2);
        QCOMPARE(edit->sizeBoxes().at(0)->text(), u"9"_s);
        edit->findChild<QComboBox *>(u"allocation"_s)->setCurrentIndex(1);
        QSignalSpy saved(edit, &ReleaseEditDialog::saved);
        QTest::keyClick(edit, Qt::Key_S, Qt::ControlModifier);
        QVERIFY2(saved.wait(10000), qPrintable(edit->messageText()));
        const QString id = saved.first().first().toString();
        QTRY_COMPARE_WITH_TIMEOUT(d->model()->rowCount(), 1, 10000);
        QCOMPARE(cell(*d, 0, ReleaseTableModel::Product), u"Dunk Low · DD-1"_s);
        QCOMPARE(cell(*d, 0, ReleaseTableModel::Allocation), u"Raffle"_s);
        QCOMPARE(cell(*d, 0, ReleaseTableModel::Left), u"4"_s);
        QCOMPARE(owner("SELECT allocation || ' ' || (sizes IS NULL) || ' ' || claim_hours FROM releases WHERE id = '"
                       + str(id) + "'"),
                 std::string("raffle true 48"));

        // Shoppers enter through rdk-sync's login while entries are open; then they close.
        owner("UPDATE releases SET queue_opens_at = now() - interval '1 hour' WHERE id = '" + str(id) + "'");
        auto service = open(m_db->createServiceLogin(m_shop));
        QVERIFY(service);
        PgReleases sync(*service);
        for (const auto &[email, size] : {std::pair{u"a@example.com"_s, u"9"_s}, std::pair{u"b@example.com"_s, u"9"_s},
                                          std::pair{u"c@example.com"_s, u"9"_s}, std::pair{u"d@example.com"_s, u"10"_s}}) {
            const auto entered = sync.enterRaffle(id, email, size);
            QVERIFY2(entered.ok(), entered.ok() ? "" : qPrintable(entered.error().message));
        }
        owner("UPDATE releases SET entries_close_at = now() - interval '1 minute' WHERE id = '" + str(id) + "'");
        d->refresh();
        QTRY_COMPARE_WITH_TIMEOUT(cell(*d, 0, ReleaseTableModel::State), u"Waiting for the draw"_s, 10000);
        QCOMPARE(cell(*d, 0, ReleaseTableModel::Entries), u"4"_s);

        // Draw: two pairs of 9 for three entries, one of 10 for one.
        QVERIFY(d->selectRelease(id));
        QTRY_VERIFY(d->findChild<QPushButton *>(u"drawRaffle"_s)->isEnabled());
        QApplication::setActiveWindow(d.get());   // the edit dialog had the keyboard
        QVERIFY(QTest::qWaitForWindowActive(d.get()));
        QTest::keyClick(d->table(), Qt::Key_D, Qt::ControlModifier);
        QMessageBox *ask = nullptr;
        QTRY_VERIFY((ask = d->findChild<QMessageBox *>(u"drawQuestion"_s)));
        QSignalSpy drawn(d.get(), &ReleasesDialog::drawAnswered);
        QTest::mouseClick(ask->findChild<QPushButton *>(u"confirmDraw"_s), Qt::LeftButton);
        QVERIFY(drawn.wait(10000));
        const QString seed = drawn.first().first().toString();
        QCOMPARE(seed.size(), 64);
        QCOMPARE(owner("SELECT draw_seed FROM releases WHERE id = '" + str(id) + "'"), seed.toStdString());
        QVERIFY2(d->statusText().endsWith(u"drawn: 3 won, 1 lost. Seed %1 (recorded)."_s.arg(seed)), qPrintable(d->statusText()));

        QTRY_VERIFY_WITH_TIMEOUT(d->resultsDialog(), 10000);
        RaffleResultsDialog *results = d->resultsDialog();
        QTRY_VERIFY_WITH_TIMEOUT(!results->isBusy() && !results->summaryText().isEmpty(), 10000);
        QCOMPARE(results->seedText(), seed);
        QCOMPARE(results->table()->rowCount(), 3);
        QVERIFY2(results->summaryText().contains(u"Size 9: 0 paid, 2 to pay, 0 lapsed, 1 not drawn"_s), qPrintable(results->summaryText()));
        QVERIFY(results->summaryText().contains(u"Size 10: 0 paid, 1 to pay, 0 lapsed, 0 not drawn"_s));
        // Each winner's time to pay by, as the database set it (the draw plus claim_hours),
        // read by the ops login from the column granted to staff.
        const std::string winners = "FROM raffle_entries WHERE release_id = '" + str(id) + "' AND state = 'won'";
        QCOMPARE(owner("SELECT count(DISTINCT claim_deadline) " + winners), std::string("1"));
        QCOMPARE(owner("SELECT count(*) " + winners + " AND claim_deadline BETWEEN now() + interval '47 hours' AND now() + interval '48 hours'"),
                 std::string("3"));
        const QDateTime due = QDateTime::fromMSecsSinceEpoch(
            std::stoll(owner("SELECT (extract(epoch FROM max(claim_deadline)) * 1000)::bigint " + winners)), Qt::UTC);
        for (int row = 0; row < 3; ++row)
            QCOMPARE(results->table()->item(row, 4)->text(), formatShopTime(due, QTimeZone("UTC")));
        QCOMPARE(cell(*d, 0, ReleaseTableModel::State), u"Drawn"_s);
    }

    void cashier_seesTheListButCannotSchedule()
    {
        {
            auto ops = open(m_opsLogin);
            PgReleaseBook book(std::move(ops));
            ReleaseSettings settings;
            settings.sku = u"DD-1"_s;
            settings.sizes = {u"10"_s};
            settings.releaseAt = QDateTime::currentDateTimeUtc().addDays(2);
            QVERIFY(book.save({}, settings).ok());
        }
        auto d = window(m_staffLogin, StaffRole::Staff);
        QVERIFY(d);
        QCOMPARE(d->model()->rowCount(), 1);
        QCOMPARE(cell(*d, 0, ReleaseTableModel::Sizes), u"10"_s);
        QCOMPARE(cell(*d, 0, ReleaseTableModel::State), u"Upcoming"_s);
        QVERIFY(!d->findChild<QPushButton *>(u"newRelease"_s)->isEnabled());
        // The database agrees with the disabled button: the cashier's own book is refused.
        auto book = books(m_staffLogin)();
        QVERIFY(book.ok());
        ReleaseSettings settings;
        settings.sku = u"DD-1"_s;
        settings.releaseAt = QDateTime::currentDateTimeUtc().addDays(3);
        const auto refused = (*book)->save(d->model()->release(0)->id, settings);
        QVERIFY(!refused.ok());
        QVERIFY(refused.error().code == ErrorCode::Forbidden);   // no EXECUTE on rdk.set_release for rdk_staff
        QCOMPARE(refused.error().message, u"You don't have permission to do that."_s);
        // The product lookup works for the cashier too (it only reads).
        const auto product = (*book)->product(u" dd-1 "_s);
        QVERIFY(product.ok());
        QCOMPARE(product->sizes, QStringList({u"9"_s, u"10"_s}));
        QCOMPARE((*book)->product(u"NOPE-1"_s).error().message, u"No product with SKU NOPE-1."_s);
    }

    void counter_knowsWhichSizesAReleaseCovers()
    {
        auto staff = open(m_staffLogin);
        QVERIFY(staff);
        PgPos pos(*staff);
        auto before = pos.findBySku(u"DD-1"_s);
        QVERIFY(before.ok());
        QVERIFY(std::none_of(before->sizes.cbegin(), before->sizes.cend(), [](const SellableSize &s) { return s.inRelease; }));
        {
            PgReleaseBook book(open(m_opsLogin));
            ReleaseSettings settings;
            settings.sku = u"DD-1"_s;
            settings.sizes = {u"10"_s};
            settings.releaseAt = QDateTime::currentDateTimeUtc().addDays(1);
            const auto id = book.save({}, settings);
            QVERIFY(id.ok());
        }
        const auto after = pos.findBySku(u"DD-1"_s);
        QVERIFY(after.ok());
        QCOMPARE(after->sizes.size(), 2);
        QCOMPARE(after->sizes.at(0).size, u"9"_s);
        QVERIFY(!after->sizes.at(0).inRelease);
        QCOMPARE(after->sizes.at(1).size, u"10"_s);
        QVERIFY(after->sizes.at(1).inRelease);
        // The sale of that size is refused before the release time, with the database's sentence.
        PosSaleRequest sale;
        sale.lines = {PosLineRequest{u"DD-1"_s, u"10"_s, 1, Money::zero(u"USD"_s)}};
        sale.orderDiscount = Money::zero(u"USD"_s);
        sale.buyerEmail = u"fan@example.com"_s;
        const auto early = pos.placeSale(sale);
        QVERIFY(!early.ok());
        QVERIFY2(early.error().message.startsWith(u"Dunk Low goes on sale at "_s), qPrintable(early.error().message));
        // Size 9 sells as usual, without an e-mail.
        sale.lines = {PosLineRequest{u"DD-1"_s, u"9"_s, 1, Money::zero(u"USD"_s)}};
        sale.buyerEmail.clear();
        QVERIFY(pos.placeSale(sale).ok());
    }
};

QTEST_MAIN(TestDeskReleasesDb)
#include "tst_desk_releases_db.moc"
