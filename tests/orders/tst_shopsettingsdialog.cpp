// Shop ▸ Online orders… (ui/admin/shopsettingsdialog.h), offscreen, driven through its widgets
// and keys: it loads the shop's settings off the UI thread, an admin edits countries, options
// and texts and saves with Ctrl+S, bad input is refused in a sentence before anything is sent,
// a database refusal is shown and what was typed stays, and cashiers and ops see everything
// read-only with the reason. The store is an in-memory implementation written for this test;
// PgShopSettings has its own test against PostgreSQL (tst_shipping_db).
#include "ui/admin/shopsettingsdialog.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QMutex>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>
#include <QTextCursor>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

namespace {

Money usd(qint64 minor)
{
    return Money::of(minor, u"USD"_s).value();
}

/// The shop's settings as a database would keep them, shared by every store the dialog makes.
struct SettingsShelf {
    QMutex mutex;
    ShopSettings settings;
    int saves = 0;
    QString refusal;   ///< when set, save() answers with it (as rdk.set_shop_settings would)
};

class MemoryShopSettings final : public ShopSettingsStore {
public:
    explicit MemoryShopSettings(std::shared_ptr<SettingsShelf> shelf) : m_shelf(std::move(shelf)) {}
    Result<ShopSettings> load() override
    {
        QMutexLocker lock(&m_shelf->mutex);
        return m_shelf->settings;
    }
    Status save(const ShopSettings &settings) override
    {
        QMutexLocker lock(&m_shelf->mutex);
        if (!m_shelf->refusal.isEmpty())
            return Error::invalid(m_shelf->refusal);
        m_shelf->settings = settings;
        ++m_shelf->saves;
        return {};
    }

private:
    std::shared_ptr<SettingsShelf> m_shelf;
};

ShopSettings brooklyn()
{
    ShopSettings s;
    s.shipCountries = {u"US"_s, u"CA"_s};
    s.stripeTax = true;
    s.shopAddress = u"Real Deal Kickz\n214 Bedford Ave\nBrooklyn, NY 11249"_s;
    s.shippingPolicy = u"Orders placed before 2 pm ship the same business day from Brooklyn. Every pair is double-boxed."_s;
    s.returnsPolicy = u"Unworn pairs in their original box come back within 30 days for a refund to the card."_s;
    s.contactText = u"hello@realdealkickz.example · +1 718 555 0100 · Tue–Sun 11–7"_s;
    s.options = {{ShippingKind::Flat, u"Standard (3–5 days)"_s, usd(800), std::nullopt, true},
                 {ShippingKind::FreeAbove, u"Free over $150"_s, usd(1200), usd(15000), true},
                 {ShippingKind::Pickup, u"Pick up in Brooklyn"_s, Money::zero(u"USD"_s), std::nullopt, true}};
    return s;
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

class TestShopSettingsDialog final : public QObject {
    Q_OBJECT

    std::shared_ptr<SettingsShelf> m_shelf;

    std::unique_ptr<ShopSettingsDialog> open(StaffRole role)
    {
        auto shelf = m_shelf;
        auto dialog = std::make_unique<ShopSettingsDialog>(
            [shelf]() -> Result<std::unique_ptr<ShopSettingsStore>> { return std::unique_ptr<ShopSettingsStore>(new MemoryShopSettings(shelf)); },
            role, u"USD"_s);
        QSignalSpy answered(dialog.get(), &ShopSettingsDialog::answered);
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

    static void shoot(QWidget &w, const QString &name)
    {
        if (const QString dir = qEnvironmentVariable("RDK_SCREENSHOT_DIR"); !dir.isEmpty()) {
            QTest::qWait(50);   // screenshots only (RDK_SCREENSHOT_DIR): lets the layout settle before the grab
            QVERIFY(w.grab().save(dir + u'/' + name));
        }
    }

private Q_SLOTS:
    void init()
    {
        m_shelf = std::make_shared<SettingsShelf>();
        m_shelf->settings = brooklyn();
    }

    void open_showsTheShopsSettings()
    {
        auto d = open(StaffRole::Admin);
        QCOMPARE(child<QLineEdit>(*d, u"countries"_s)->text(), u"US, CA"_s);
        auto *options = child<QTableWidget>(*d, u"options"_s);
        QCOMPARE(options->rowCount(), 3);
        QCOMPARE(options->item(1, 1)->text(), u"Free over $150"_s);
        QCOMPARE(options->item(1, 2)->text(), u"12.00"_s);
        QCOMPARE(options->item(1, 3)->text(), u"150.00"_s);
        QCOMPARE(static_cast<QComboBox *>(options->cellWidget(2, 0))->currentText(), u"Local pickup"_s);
        // Pickup is free and has no threshold: those cells can't be edited.
        QVERIFY(!(options->item(2, 2)->flags() & Qt::ItemIsEditable));
        QVERIFY(!(options->item(2, 3)->flags() & Qt::ItemIsEditable));
        QVERIFY(options->item(1, 3)->flags() & Qt::ItemIsEditable);
        QVERIFY(child<QCheckBox>(*d, u"stripeTax"_s)->isChecked());
        QVERIFY(!child<QCheckBox>(*d, u"collectPhone"_s)->isChecked());
        QCOMPARE(child<QLabel>(*d, u"returnsPolicyCount"_s)->text(),
                 u"%1 / 8000"_s.arg(brooklyn().returnsPolicy.size()));
        QCOMPARE(*d->edited(), brooklyn());
        d->resize(1100, 660);
        shoot(*d, u"desk-online-orders-settings.png"_s);
    }

    void admin_editsByKeyboardAndSaves()
    {
        auto d = open(StaffRole::Admin);
        QSignalSpy saved(d.get(), &ShopSettingsDialog::saved);
        auto *countries = child<QLineEdit>(*d, u"countries"_s);
        countries->setFocus();
        countries->selectAll();
        QTest::keyClicks(countries, u"us ca, de"_s);
        QTest::mouseClick(child<QCheckBox>(*d, u"collectPhone"_s), Qt::LeftButton);
        // Ctrl+N adds an option and starts editing its name.
        auto *options = child<QTableWidget>(*d, u"options"_s);
        options->setFocus();
        QTest::keyClick(options, Qt::Key_N, Qt::ControlModifier);   // a button's shortcut animates its click
        QTRY_COMPARE(options->rowCount(), 4);
        QTRY_VERIFY(options->focusWidget() != nullptr);
        QWidget *nameEditor = options->focusWidget();
        QTest::keyClicks(nameEditor, u"Express"_s);
        QTest::keyClick(nameEditor, Qt::Key_Return);
        QTRY_COMPARE(options->item(3, 1)->text(), u"Express"_s);
        options->item(3, 2)->setText(u"25.00"_s);
        auto *policy = child<QPlainTextEdit>(*d, u"shippingPolicy"_s);
        policy->setFocus();
        policy->moveCursor(QTextCursor::End);
        QTest::keyClicks(policy, u" Express leaves today."_s);
        QTest::keyClick(policy, Qt::Key_S, Qt::ControlModifier);
        QVERIFY(saved.wait(5000));
        QMutexLocker lock(&m_shelf->mutex);
        QCOMPARE(m_shelf->saves, 1);
        QCOMPARE(m_shelf->settings.shipCountries, (QStringList{u"US"_s, u"CA"_s, u"DE"_s}));
        QVERIFY(m_shelf->settings.collectPhone);
        QCOMPARE(m_shelf->settings.options.size(), 4);
        QCOMPARE(m_shelf->settings.options.at(3), (ShippingOption{ShippingKind::Flat, u"Express"_s, usd(2500), std::nullopt, true}));
        QVERIFY(m_shelf->settings.shippingPolicy.endsWith(u"Express leaves today."_s));
        QCOMPARE(d->message(), u"Saved. Online checkout uses these settings from the next order."_s);
    }

    void admin_atFiveOptions_cannotAddASixth()
    {
        m_shelf->settings.options.append({ShippingKind::Flat, u"Express"_s, usd(2500), std::nullopt, true});
        m_shelf->settings.options.append({ShippingKind::Flat, u"Overnight"_s, usd(4500), std::nullopt, false});
        auto d = open(StaffRole::Admin);
        auto *add = child<QPushButton>(*d, u"addOption"_s);
        QCOMPARE(child<QTableWidget>(*d, u"options"_s)->rowCount(), 5);
        QVERIFY(!add->isEnabled());
        auto *options = child<QTableWidget>(*d, u"options"_s);
        options->setFocus();
        QTest::keyClick(options, Qt::Key_N, Qt::ControlModifier);
        QTest::qWait(200);   // a refused click would have animated by now
        QCOMPARE(options->rowCount(), 5);
    }

    void badInput_isRefusedBeforeSaving_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("sentence");
        QTest::newRow("country XX1") << u"countries"_s << u"US, XX1"_s
                                     << u"Countries: \"XX1\" is not a country code; use two letters such as US or DE."_s;
        QTest::newRow("price") << u"price"_s << u"8,00"_s << u"Standard (3–5 days): the price must be an amount such as 8.00."_s;
        QTest::newRow("threshold") << u"threshold"_s << QString()
                                   << u"Free over $150 needs the order amount from which it is free, such as 150.00."_s;
        QTest::newRow("policy too long") << u"policy"_s << QString(8001, u'x')
                                         << u"The returns policy is 8001 characters long; at most 8000 fit."_s;
        QTest::newRow("no name") << u"name"_s << u"  "_s << u"Option 1 needs a name of 1 to 60 characters."_s;
    }
    void badInput_isRefusedBeforeSaving()
    {
        QFETCH(QString, field);
        QFETCH(QString, text);
        QFETCH(QString, sentence);
        auto d = open(StaffRole::Admin);
        auto *options = child<QTableWidget>(*d, u"options"_s);
        if (field == u"countries"_s)
            child<QLineEdit>(*d, u"countries"_s)->setText(text);
        else if (field == u"price"_s)
            options->item(0, 2)->setText(text);
        else if (field == u"threshold"_s)
            options->item(1, 3)->setText(text);
        else if (field == u"name"_s)
            options->item(0, 1)->setText(text);
        else
            child<QPlainTextEdit>(*d, u"returnsPolicy"_s)->setPlainText(text);
        child<QPushButton>(*d, u"save"_s)->click();
        QCOMPARE(d->message(), sentence);
        QVERIFY(!d->isBusy());
        QMutexLocker lock(&m_shelf->mutex);
        QCOMPARE(m_shelf->saves, 0);
        QCOMPARE(m_shelf->settings, brooklyn());
    }

    void databaseRefusal_isShown_andTheFormKeepsWhatWasTyped()
    {
        m_shelf->refusal = u"Stripe Checkout can't collect addresses in CU; leave it out."_s;
        auto d = open(StaffRole::Admin);
        QSignalSpy answered(d.get(), &ShopSettingsDialog::answered);
        child<QLineEdit>(*d, u"countries"_s)->setText(u"US, CU"_s);
        child<QPushButton>(*d, u"save"_s)->click();
        QVERIFY(answered.wait(5000));
        QCOMPARE(d->message(), u"Not saved: Stripe Checkout can't collect addresses in CU; leave it out."_s);
        QCOMPARE(child<QLineEdit>(*d, u"countries"_s)->text(), u"US, CU"_s);
        QVERIFY(child<QPushButton>(*d, u"save"_s)->isEnabled());
    }

    void cashierAndOps_seeItReadOnly_withTheReason_data()
    {
        QTest::addColumn<StaffRole>("role");
        QTest::newRow("staff") << StaffRole::Staff;
        QTest::newRow("ops") << StaffRole::Ops;
    }
    void cashierAndOps_seeItReadOnly_withTheReason()
    {
        QFETCH(StaffRole, role);
        auto d = open(role);
        const QString reason = u"Only an administrator can change where and how the shop ships."_s;
        QVERIFY(child<QLabel>(*d, u"readOnlyNote"_s)->text().startsWith(reason));
        for (const char *name : {"save", "addOption", "removeOption"}) {
            auto *b = child<QPushButton>(*d, QString::fromLatin1(name));
            QVERIFY2(!b->isEnabled(), name);
            QCOMPARE(b->toolTip(), reason);
        }
        for (const char *name : {"stripeTax", "collectPhone"}) {
            QVERIFY(!child<QCheckBox>(*d, QString::fromLatin1(name))->isEnabled());
        }
        QVERIFY(child<QLineEdit>(*d, u"countries"_s)->isReadOnly());
        QVERIFY(child<QPlainTextEdit>(*d, u"shippingPolicy"_s)->isReadOnly());
        auto *options = child<QTableWidget>(*d, u"options"_s);
        QVERIFY(!(options->item(0, 1)->flags() & Qt::ItemIsEditable));
        QVERIFY(!options->cellWidget(0, 0)->isEnabled());
        // What the shop has is still there to read; Ctrl+S sends nothing.
        QCOMPARE(options->item(0, 1)->text(), u"Standard (3–5 days)"_s);
        child<QTableWidget>(*d, u"options"_s)->setFocus();
        QTest::keyClick(child<QTableWidget>(*d, u"options"_s), Qt::Key_S, Qt::ControlModifier);
        QTest::qWait(200);
        QMutexLocker lock(&m_shelf->mutex);
        QCOMPARE(m_shelf->saves, 0);
        lock.unlock();
        if (role == StaffRole::Staff) {
            d->resize(1100, 660);
            shoot(*d, u"desk-online-orders-settings-readonly.png"_s);
        }
    }
};

QTEST_MAIN(TestShopSettingsDialog)
#include "tst_shopsettingsdialog.moc"
