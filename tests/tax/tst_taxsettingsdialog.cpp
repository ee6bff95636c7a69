// The admin's sales tax dialog (ui/admin/taxsettingsdialog.h), offscreen, driven through its
// widgets and keys: it loads the shop's rates off the UI thread, an admin adds a rate by
// keyboard and saves, a bad rate is refused in a sentence before anything is sent, a database
// refusal is shown, the example line follows "prices include tax", and for cashiers and ops
// everything is read-only with the reason. Plus the counter's cart showing tax per rate.
#include "tests/pos/ui/memoryposstore.h"
#include "tests/tax/memorytaxstore.h"
#include "ui/admin/taxsettingsdialog.h"
#include "ui/pos/posscreen.h"

#include <QApplication>
#include <QCheckBox>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

namespace {

TaxSettings ny()
{
    return TaxSettings{false, {{u"NY State"_s, 40000, true}, {u"NYC"_s, 48750, true}}};
}

template <typename T>
T *child(QWidget &parent, const QString &name)
{
    auto *w = parent.findChild<T *>(name);
    if (!w)
        qFatal("no child %s", qPrintable(name));
    return w;
}

} // namespace

class TestTaxSettingsDialog final : public QObject {
    Q_OBJECT

    std::shared_ptr<test::TaxShelf> m_shelf;

    std::unique_ptr<TaxSettingsDialog> open(StaffRole role)
    {
        auto dialog = std::make_unique<TaxSettingsDialog>(test::MemoryTaxStore::factory(m_shelf), role, u"USD"_s);
        QSignalSpy answered(dialog.get(), &TaxSettingsDialog::answered);
        dialog->show();
        QApplication::setActiveWindow(dialog.get());
        if (!QTest::qWaitForWindowActive(dialog.get()))
            qFatal("the dialog never became active");
        if (answered.isEmpty() && !answered.wait(5000))
            qFatal("the dialog never loaded");
        if (!QTest::qWaitFor([&] { return !dialog->isBusy(); }, 5000))
            qFatal("the dialog stayed busy");
        return dialog;
    }

private Q_SLOTS:
    void init()
    {
        m_shelf = std::make_shared<test::TaxShelf>();
        m_shelf->settings = ny();
    }

    void open_showsTheShopsRates()
    {
        auto d = open(StaffRole::Admin);
        auto *rates = child<QTableWidget>(*d, u"rates"_s);
        QCOMPARE(rates->rowCount(), 2);
        QCOMPARE(rates->item(0, 0)->text(), u"NY State"_s);
        QCOMPARE(rates->item(1, 1)->text(), u"4.875"_s);
        QCOMPARE(rates->item(1, 2)->checkState(), Qt::Checked);
        QVERIFY(!child<QCheckBox>(*d, u"pricesIncludeTax"_s)->isChecked());
        QCOMPARE(child<QLabel>(*d, u"example"_s)->text(),
                 u"Example: an item priced $100.00 costs the buyer $108.88 ($8.88 tax added)."_s);
    }

    void admin_addsRateByKeyboardAndSaves()
    {
        auto d = open(StaffRole::Admin);
        auto *rates = child<QTableWidget>(*d, u"rates"_s);
        rates->setFocus();
        QTest::keyClick(rates, Qt::Key_N, Qt::ControlModifier);   // Add rate (a button's shortcut animates its click)
        QTRY_COMPARE(rates->rowCount(), 3);
        QTRY_VERIFY(rates->focusWidget() != nullptr);
        QWidget *nameEditor = rates->focusWidget();
        QTest::keyClicks(nameEditor, u"MCTD"_s);
        QTest::keyClick(nameEditor, Qt::Key_Return);
        QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget *>(rates));
        QTest::keyClick(rates, Qt::Key_Right);             // to the rate, then F2 to edit it
        QTest::keyClick(rates, Qt::Key_F2);
        QTRY_VERIFY(QApplication::focusWidget() != rates);
        QTest::keyClicks(QApplication::focusWidget(), u"0.375"_s);
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
        QCOMPARE(rates->item(2, 0)->text(), u"MCTD"_s);
        QTRY_COMPARE(rates->item(2, 1)->text(), u"0.375"_s);   // an editor commits Return queued
        QSignalSpy saved(d.get(), &TaxSettingsDialog::saved);
        QTest::keyClick(rates, Qt::Key_S, Qt::ControlModifier);
        QVERIFY(saved.wait(5000));
        QCOMPARE(m_shelf->settings.rates.size(), 3);
        QCOMPARE(m_shelf->settings.rates.at(2), (TaxRate{u"MCTD"_s, 3750, true}));
        QCOMPARE(child<QLabel>(*d, u"message"_s)->text(), u"Saved. The counter uses these rates from its next sale."_s);
    }

    void admin_badRate_refusedBeforeSending()
    {
        auto d = open(StaffRole::Admin);
        auto *rates = child<QTableWidget>(*d, u"rates"_s);
        rates->item(1, 1)->setText(u"4,875"_s);
        QTest::mouseClick(child<QPushButton>(*d, u"save"_s), Qt::LeftButton);
        QCOMPARE(child<QLabel>(*d, u"message"_s)->text(),
                 u"Row 2 (NYC): A tax rate is a percentage from 0 to 100 with at most four decimals, such as 8.875."_s);
        QCOMPARE(m_shelf->saveCalls.load(), 0);
        QCOMPARE(m_shelf->settings, ny());
        QCOMPARE(child<QLabel>(*d, u"example"_s)->text(), u"Example: fix the rates above to see what a buyer pays."_s);
    }

    void admin_duplicateName_refusedBeforeSending()
    {
        auto d = open(StaffRole::Admin);
        child<QTableWidget>(*d, u"rates"_s)->item(1, 0)->setText(u"ny state"_s);
        QTest::mouseClick(child<QPushButton>(*d, u"save"_s), Qt::LeftButton);
        QCOMPARE(child<QLabel>(*d, u"message"_s)->text(), u"Two tax rates are named ny state."_s);
        QCOMPARE(m_shelf->saveCalls.load(), 0);
    }

    void admin_databaseRefusal_shownNothingChanged()
    {
        m_shelf->refuseSave = Error::forbidden(u"Enter your two-factor code first."_s);
        auto d = open(StaffRole::Admin);
        QTest::mouseClick(child<QCheckBox>(*d, u"pricesIncludeTax"_s), Qt::LeftButton);
        QSignalSpy answered(d.get(), &TaxSettingsDialog::answered);
        QTest::mouseClick(child<QPushButton>(*d, u"save"_s), Qt::LeftButton);
        QVERIFY(answered.wait(5000));
        QCOMPARE(child<QLabel>(*d, u"message"_s)->text(), u"Not saved: Enter your two-factor code first."_s);
        QCOMPARE(m_shelf->settings, ny());
        QVERIFY(child<QCheckBox>(*d, u"pricesIncludeTax"_s)->isChecked());   // the form keeps what was typed
    }

    void admin_removeRateWithDelete()
    {
        auto d = open(StaffRole::Admin);
        auto *rates = child<QTableWidget>(*d, u"rates"_s);
        rates->setFocus();
        rates->setCurrentCell(0, 0);
        QTest::keyClick(rates, Qt::Key_Delete);
        QCOMPARE(rates->rowCount(), 1);
        QCOMPARE(rates->item(0, 0)->text(), u"NYC"_s);
        QCOMPARE(m_shelf->saveCalls.load(), 0);   // nothing is stored until Save
    }

    void inclusive_exampleExtractsTax()
    {
        // 100.00 x 4 % / 108.875 % = 3.6739 -> 3.67; x 4.875 % / 108.875 % = 4.4776 -> 4.48.
        auto d = open(StaffRole::Admin);
        QTest::mouseClick(child<QCheckBox>(*d, u"pricesIncludeTax"_s), Qt::LeftButton);
        QCOMPARE(child<QLabel>(*d, u"example"_s)->text(),
                 u"Example: an item priced $100.00 costs the buyer $100.00, of which $8.15 is tax."_s);
    }

    void cashierAndOps_readOnlyWithReason_data()
    {
        QTest::addColumn<int>("role");
        QTest::addRow("staff") << int(StaffRole::Staff);
        QTest::addRow("ops") << int(StaffRole::Ops);
    }
    void cashierAndOps_readOnlyWithReason()
    {
        QFETCH(int, role);
        auto d = open(StaffRole(role));
        const QString reason = u"Only an administrator can change the shop's tax rates."_s;
        for (const QString &name : {u"save"_s, u"addRate"_s, u"removeRate"_s}) {
            auto *button = child<QPushButton>(*d, name);
            QVERIFY2(!button->isEnabled(), qPrintable(name));
            QCOMPARE(button->toolTip(), reason);
        }
        QVERIFY(!child<QCheckBox>(*d, u"pricesIncludeTax"_s)->isEnabled());
        QVERIFY(child<QLabel>(*d, u"readOnlyNote"_s)->text().startsWith(reason));
        auto *rates = child<QTableWidget>(*d, u"rates"_s);
        QCOMPARE(rates->rowCount(), 2);   // they still see the rates
        QVERIFY(!(rates->item(0, 1)->flags() & Qt::ItemIsEditable));
        rates->setFocus();
        QTest::keyClick(rates, Qt::Key_S, Qt::ControlModifier);
        QTest::keyClick(rates, Qt::Key_N, Qt::ControlModifier);
        QCOMPARE(rates->rowCount(), 2);
        QCOMPARE(m_shelf->saveCalls.load(), 0);
    }

    void counter_cartShowsTaxPerRateAndTotalWithIt()
    {
        auto shelf = std::make_shared<test::Shelf>();
        SellableProduct socks;
        socks.productId = u"p-socks"_s;
        socks.sku = u"SOCK-3PK"_s;
        socks.name = u"Crew socks 3-pack"_s;
        socks.price = *Money::of(1999, u"USD"_s);
        socks.sizes = {{QString(), 0}};
        shelf->addProduct(socks, {{QString(), 12}});
        shelf->setTaxSettings(ny());
        OrderChangeFeed feed;
        PosScreen screen(test::MemoryPosStore::factory(shelf), &feed, StaffRole::Staff,
                         {u"Shop"_s, QString(), u"USD"_s, u"UTC"_s, 15});
        screen.show();
        QTRY_VERIFY(shelf->taxCalls.load() > 0);
        screen.submitScan(u"SOCK-3PK"_s);
        auto *total = screen.findChild<QLabel *>(u"total"_s);
        auto *taxLabel = screen.findChild<QLabel *>(u"tax-label"_s);
        auto *tax = screen.findChild<QLabel *>(u"tax"_s);
        QVERIFY(total && taxLabel && tax);
        // 19.99: NY State 0.7996 -> 0.80, NYC 0.97451 -> 0.97.
        QTRY_COMPARE(total->text(), u"$21.76"_s);
        QVERIFY(taxLabel->isVisible());
        QCOMPARE(taxLabel->text(), u"Tax (NY State 4 %)\nTax (NYC 4.875 %)"_s);
        QCOMPARE(tax->text(), u"$0.80\n$0.97"_s);
        // Charged: the order the store made carries the same figures.
        screen.charge();
        QTRY_VERIFY(screen.order().has_value());
        QCOMPARE(screen.order()->totals.total.minor(), 2176);
    }

    void counter_manyRates_oneRowWithTheRatesInItsTooltip()
    {
        auto shelf = std::make_shared<test::Shelf>();
        SellableProduct socks;
        socks.productId = u"p-socks"_s;
        socks.sku = u"SOCK-3PK"_s;
        socks.name = u"Crew socks 3-pack"_s;
        socks.price = *Money::of(10000, u"USD"_s);
        socks.sizes = {{QString(), 0}};
        shelf->addProduct(socks, {{QString(), 12}});
        TaxSettings four{false, {}};
        for (int i = 1; i <= 4; ++i)
            four.rates.append({u"District %1"_s.arg(i), 10000, true});
        shelf->setTaxSettings(four);
        OrderChangeFeed feed;
        PosScreen screen(test::MemoryPosStore::factory(shelf), &feed, StaffRole::Staff,
                         {u"Shop"_s, QString(), u"USD"_s, u"UTC"_s, 15});
        screen.show();
        QTRY_VERIFY(shelf->taxCalls.load() > 0);
        screen.submitScan(u"SOCK-3PK"_s);
        QTRY_COMPARE(screen.findChild<QLabel *>(u"total"_s)->text(), u"$104.00"_s);
        auto *taxLabel = screen.findChild<QLabel *>(u"tax-label"_s);
        QCOMPARE(taxLabel->text(), u"Tax (4 rates)"_s);
        QCOMPARE(screen.findChild<QLabel *>(u"tax"_s)->text(), u"$4.00"_s);
        QCOMPARE(taxLabel->toolTip().split(u'\n').size(), 4);
        QVERIFY(taxLabel->toolTip().startsWith(u"Tax (District 1 1 %)  $1.00"_s));
    }

    void counter_shopWithoutRates_noTaxRow()
    {
        auto shelf = std::make_shared<test::Shelf>();
        SellableProduct socks;
        socks.productId = u"p-socks"_s;
        socks.sku = u"SOCK-3PK"_s;
        socks.name = u"Crew socks 3-pack"_s;
        socks.price = *Money::of(1999, u"USD"_s);
        socks.sizes = {{QString(), 0}};
        shelf->addProduct(socks, {{QString(), 12}});
        OrderChangeFeed feed;
        PosScreen screen(test::MemoryPosStore::factory(shelf), &feed, StaffRole::Staff,
                         {u"Shop"_s, QString(), u"USD"_s, u"UTC"_s, 15});
        screen.show();
        QTRY_VERIFY(shelf->taxCalls.load() > 0);
        screen.submitScan(u"SOCK-3PK"_s);
        QTRY_COMPARE(screen.findChild<QLabel *>(u"total"_s)->text(), u"$19.99"_s);
        QVERIFY(!screen.findChild<QLabel *>(u"tax-label"_s)->isVisible());
    }
};

QTEST_MAIN(TestTaxSettingsDialog)
#include "tst_taxsettingsdialog.moc"
