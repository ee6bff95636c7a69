// The counter with pairs of a release (issue 15), offscreen against the in-memory store of
// tests/pos/ui with a thin layer that plays the database's release rules: the sizes a release
// covers, the buyer's e-mail it requires and its limit per buyer. Charge asks for the e-mail
// (pre-filled from the attached customer when the role sees it), sends it with the sale, shows
// the database's refusal as a sentence, and asks again with the refused address; other products
// charge as before.
#include "tests/pos/ui/memoryposstore.h"
#include "tests/pos/ui/postestsupport.h"
#include "tests/desk-releases/releaseposstore.h"
#include "ui/pos/posscreen.h"
#include "ui/releases/buyeremaildialog.h"

#include <QApplication>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using rdk::test::sellableProduct;
using rdk::test::ReleaseRules;
using rdk::test::ReleaseAwareStore;

class TestPosBuyerEmail final : public QObject {
    Q_OBJECT

    std::shared_ptr<test::Shelf> m_shelf;
    std::shared_ptr<ReleaseRules> m_rules;
    std::unique_ptr<PosScreen> m_screen;

    void build()
    {
        PosShop shop{u"Real Deal Kickz"_s, QString(), u"USD"_s, u"America/New_York"_s, 15};
        PosStoreFactory stores = [shelf = m_shelf, rules = m_rules]() -> Result<std::unique_ptr<PosStore>> {
            return std::unique_ptr<PosStore>(new ReleaseAwareStore(std::make_unique<test::MemoryPosStore>(shelf), rules));
        };
        m_screen = std::make_unique<PosScreen>(stores, nullptr, StaffRole::Staff, shop);
        m_screen->resize(1280, 800);
        m_screen->show();
        QApplication::setActiveWindow(m_screen.get());
        QVERIFY(QTest::qWaitForWindowActive(m_screen.get()));
    }

    QLineEdit *scan() const { return m_screen->scanField(); }
    void scanText(const QString &text)
    {
        QTest::keyClicks(scan(), text);
        QTest::keyClick(scan(), Qt::Key_Return);
    }
    /// Scans the Panda and takes `size` from the size list.
    void addPanda(const QString &size)
    {
        const qsizetype before = m_screen->cart().unitCount();
        scanText(u"DNK-LO-PANDA"_s);
        QTRY_VERIFY(!m_screen->isBusy());
        scanText(size);
        QTRY_COMPARE(m_screen->cart().unitCount(), before + 1);
    }
    BuyerEmailDialog *waitForQuestion() const
    {
        const bool asked = QTest::qWaitFor([this] { return m_screen->buyerEmailDialog() && m_screen->buyerEmailDialog()->isVisible(); }, 3000);
        return asked ? m_screen->buyerEmailDialog() : nullptr;
    }

private Q_SLOTS:
    void init()
    {
        m_shelf = std::make_shared<test::Shelf>();
        m_shelf->addProduct(sellableProduct(u"DNK-LO-PANDA"_s, u"Dunk Low Retro"_s, {}, 11500, {u"9"_s, u"10"_s}), {{u"9"_s, 4}, {u"10"_s, 4}});
        m_shelf->addProduct(sellableProduct(u"SOCK-3PK"_s, u"Crew socks 3-pack"_s, {}, 1999, {QString()}), {{QString(), 5}});
        m_rules = std::make_shared<ReleaseRules>();
        build();
    }

    void cleanup()
    {
        m_screen.reset();
    }

    void releaseSize_chargeAsksForTheEmail_thenSendsIt()
    {
        addPanda(u"10"_s);
        QVERIFY(m_screen->cart().needsBuyerEmail());
        QTest::keyClick(scan(), Qt::Key_F12);
        BuyerEmailDialog *ask = waitForQuestion();
        QVERIFY(ask);
        QCOMPARE(m_shelf->placeCalls.load(), 0);   // nothing placed before the e-mail
        QCOMPARE(m_screen->phase(), PosScreen::Phase::Cart);
        QCOMPARE(m_screen->messageText(), u"This cart holds pairs of a release: enter the buyer's e-mail to charge."_s);
        QTRY_COMPARE(QApplication::focusWidget(), ask->field());
        // A typo is refused in the dialog, which stays open.
        QTest::keyClicks(ask->field(), u"fan-at-example.com"_s);
        QTest::keyClick(ask->field(), Qt::Key_Return);
        QVERIFY(ask->isVisible());
        QVERIFY(!ask->messageText().isEmpty());
        ask->field()->clear();
        QTest::keyClicks(ask->field(), u" Fan@Example.com "_s);
        QTest::keyClick(ask->field(), Qt::Key_Return);
        QTRY_COMPARE(m_screen->phase(), PosScreen::Phase::Waiting);
        QCOMPARE(m_rules->buyerEmails, QStringList{u"fan@example.com"_s});
        QApplication::setActiveWindow(m_screen.get());
        QTRY_COMPARE(QApplication::focusWidget(), scan());
    }

    void overTheLimit_showsTheSentence_andAsksAgainWithTheSameAddress()
    {
        m_rules->bought.insert(u"fan@example.com"_s, 1);   // bought their pair online
        addPanda(u"10"_s);
        QTest::keyClick(scan(), Qt::Key_F12);
        BuyerEmailDialog *ask = waitForQuestion();
        QVERIFY(ask);
        QTest::keyClicks(ask->field(), u"fan@example.com"_s);
        QTest::mouseClick(ask->findChild<QPushButton *>(u"confirmBuyerEmail"_s), Qt::LeftButton);
        QTRY_COMPARE(m_screen->messageText(), u"Couldn't start the sale: You can buy at most 1 pair of this release."_s);
        QCOMPARE(m_screen->phase(), PosScreen::Phase::Cart);
        QCOMPARE(m_screen->cart().size(), 1);   // the cart stays
        QTRY_VERIFY(!m_screen->buyerEmailDialog());
        // Charging again asks again, offering the refused address to correct.
        QApplication::setActiveWindow(m_screen.get());   // offscreen, a closed dialog hands activation back to nobody
        QTest::keyClick(scan(), Qt::Key_F12);
        ask = waitForQuestion();
        QVERIFY(ask);
        QCOMPARE(ask->email(), u"fan@example.com"_s);
        QTRY_COMPARE(QApplication::focusWidget(), ask->field());
        QTest::keyClick(ask->field(), Qt::Key_Escape);
        QTRY_VERIFY(!m_screen->buyerEmailDialog());
        QCOMPARE(m_shelf->placeCalls.load(), 0);
    }

    void attachedCustomer_prefillsTheQuestion()
    {
        m_screen->setBuyerEmailSuggestion([] { return u"ada@example.com"_s; });
        addPanda(u"10"_s);
        QTest::keyClick(scan(), Qt::Key_F12);
        BuyerEmailDialog *ask = waitForQuestion();
        QVERIFY(ask);
        QCOMPARE(ask->email(), u"ada@example.com"_s);
        QTest::keyClick(ask->field(), Qt::Key_Return);
        QTRY_COMPARE(m_screen->phase(), PosScreen::Phase::Waiting);
        QCOMPARE(m_rules->buyerEmails, QStringList{u"ada@example.com"_s});
    }

    void otherSizes_andOtherProducts_chargeWithoutAsking()
    {
        addPanda(u"9"_s);
        scanText(u"SOCK-3PK"_s);
        QTRY_COMPARE(m_screen->cart().size(), 2);
        QVERIFY(!m_screen->cart().needsBuyerEmail());
        QTest::keyClick(scan(), Qt::Key_F12);
        QTRY_COMPARE(m_screen->phase(), PosScreen::Phase::Waiting);
        QVERIFY(!m_screen->buyerEmailDialog());
        QCOMPARE(m_rules->buyerEmails, QStringList{QString()});
    }
};

QTEST_MAIN(TestPosBuyerEmail)
#include "tst_pos_buyeremail.moc"
