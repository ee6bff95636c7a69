// Pictures of the point of sale screen for docs/screenshots and design review (not a test):
// the in-memory store of memoryposstore.h plays the shop, this program plays the buyer.
//   rdk_pos_screenshot <directory> [--dark] [--size WIDTHxHEIGHT]
// writes pos-cart.png, pos-sizes.png, pos-qr.png, pos-failed.png and pos-paid.png, 1280x800 unless
// --size says otherwise (e.g. 1366x768, the laptop screen the counter is judged on), then a
// cashier's drawer: pos-drawer-closed/open.png (the screen), pos-drawer-open-dialog,
// pos-drawer-pay-dialog, pos-drawer-close-dialog and pos-drawer-z-report.png (the dialogs) and
// pos-drawer-z-report.pdf.
#include "tests/pos/ui/memorydrawerstore.h"
#include "tests/pos/ui/memoryposstore.h"
#include "ui/pos/drawerdialogs.h"
#include "ui/pos/drawerstrip.h"
#include "ui/pos/posdialogs.h"
#include "ui/pos/posscreen.h"

#include <QDialogButtonBox>
#include <QPushButton>

#include <QApplication>
#include <QDir>
#include <QEventLoop>
#include <QLineEdit>
#include <QPalette>
#include <QStyle>
#include <QTextStream>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

namespace {

void settle(int ms = 300)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

bool save(QWidget *w, const QString &dir, const QString &name)
{
    settle();
    const QString path = QDir(dir).filePath(u"pos-%1.png"_s.arg(name));
    const bool ok = w->grab().save(path);
    QTextStream(stderr) << (ok ? "wrote " : "could not write ") << path << '\n';
    return ok;
}

SellableProduct shoe(const QString &sku, const QString &name, const QString &colorway, qint64 price, const QStringList &sizes)
{
    SellableProduct p;
    p.productId = u"p-"_s + sku;
    p.sku = sku;
    p.name = name;
    p.brand = u"Nike"_s;
    p.colorway = colorway;
    p.price = *Money::of(price, u"USD"_s);
    p.inventoryStrategy = InventoryStrategy::PerSize;
    for (const QString &s : sizes)
        p.sizes.append({s, 0});
    return p;
}

void useDarkPalette()
{
    QApplication::setStyle(u"Fusion"_s);
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(0x2b, 0x2d, 0x31));
    dark.setColor(QPalette::WindowText, QColor(0xe8, 0xe8, 0xea));
    dark.setColor(QPalette::Base, QColor(0x1f, 0x21, 0x24));
    dark.setColor(QPalette::AlternateBase, QColor(0x33, 0x36, 0x3a));
    dark.setColor(QPalette::Text, QColor(0xe8, 0xe8, 0xea));
    dark.setColor(QPalette::Button, QColor(0x3a, 0x3d, 0x42));
    dark.setColor(QPalette::ButtonText, QColor(0xe8, 0xe8, 0xea));
    dark.setColor(QPalette::Highlight, QColor(0x3d, 0x7b, 0xd9));
    dark.setColor(QPalette::HighlightedText, Qt::white);
    dark.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9d, 0xa3));
    dark.setColor(QPalette::Mid, QColor(0x4a, 0x4d, 0x52));
    dark.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x7a, 0x7d, 0x82));
    dark.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x7a, 0x7d, 0x82));
    QApplication::setPalette(dark);
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 2) {
        QTextStream(stderr) << "usage: rdk_pos_screenshot <directory> [--dark] [--size WIDTHxHEIGHT]\n";
        return 2;
    }
    QSize size(1280, 800);
    if (const qsizetype i = args.indexOf(u"--size"_s); i >= 0) {
        const QStringList parts = args.value(i + 1).split(u'x');
        size = parts.size() == 2 ? QSize(parts[0].toInt(), parts[1].toInt()) : QSize();
        if (size.width() < 640 || size.height() < 480) {
            QTextStream(stderr) << "rdk_pos_screenshot: --size needs WIDTHxHEIGHT, at least 640x480\n";
            return 2;
        }
    }
    const QString dir = args[1];
    QDir().mkpath(dir);
    if (args.contains(u"--dark"_s))
        useDarkPalette();

    auto shelf = std::make_shared<test::Shelf>();
    shelf->addProduct(shoe(u"DNK-LO-PANDA"_s, u"Dunk Low Retro"_s, u"Panda"_s, 11500, {u"8"_s, u"9"_s, u"9.5"_s, u"10"_s, u"10.5"_s, u"11"_s}),
                      {{u"8"_s, 1}, {u"9"_s, 3}, {u"9.5"_s, 0}, {u"10"_s, 4}, {u"10.5"_s, 2}, {u"11"_s, 0}});
    shelf->addProduct(shoe(u"AJ1-HI-CHI"_s, u"Air Jordan 1 Retro High OG"_s, u"Chicago Lost & Found"_s, 18000, {u"10"_s}),
                      {{u"10"_s, 2}});
    SellableProduct socks = shoe(u"SOCK-3PK"_s, u"Crew socks 3-pack"_s, QString(), 1999, {QString()});
    socks.inventoryStrategy = InventoryStrategy::Flat;
    shelf->addProduct(socks, {{QString(), 12}});
    OrderChangeFeed feed;
    auto drawer = std::make_shared<test::MemoryDrawer>();
    drawer->cashier = u"Dana Cashier"_s;
    drawer->shop = u"Real Deal Kickz"_s;
    drawer->timeZone = u"America/New_York"_s;
    drawer->openNow(15000);
    shelf->cashDrawer = drawer->cashHook();
    PosScreen screen(test::MemoryPosStore::factory(shelf), &feed, StaffRole::Ops,
                     {u"Real Deal Kickz"_s, u"12 Canal St, New York"_s, u"USD"_s, u"America/New_York"_s, 15});
    screen.attachDrawer(test::MemoryDrawerStore::factory(drawer));
    screen.resize(size);
    screen.show();
    bool ok = true;

    screen.submitScan(u"AJ1-HI-CHI"_s);
    settle();
    screen.submitScan(u"SOCK-3PK"_s);
    settle();
    screen.submitScan(u"SOCK-3PK"_s);
    settle();
    (void)screen.applyCartDiscount(PosDiscount::ofPercent(1000), u"Regular customer"_s);
    screen.submitScan(u"DNK-LO-PANDA"_s);
    ok &= save(&screen, dir, u"sizes"_s);
    screen.submitScan(u"10"_s);
    ok &= save(&screen, dir, u"cart"_s);

    screen.charge();
    settle();
    const QString id = screen.order() ? screen.order()->orderId : QString();
    shelf->linkReady(id, u"https://buy.stripe.com/test_6oE9BP2tR0aZ"_s);
    Q_EMIT feed.paymentWorkChanged(id);
    ok &= save(&screen, dir, u"qr"_s);
    shelf->linkFailed(id, u"Stripe could not be reached. Try again."_s);
    Q_EMIT feed.paymentWorkChanged(id);
    ok &= save(&screen, dir, u"failed"_s);
    shelf->linkReady(id, u"https://buy.stripe.com/test_6oE9BP2tR0aZ"_s);
    shelf->payByCard(id, u"pi_3PqRsTuVwXyZ0123"_s);
    Q_EMIT feed.orderChanged(id);
    ok &= save(&screen, dir, u"paid"_s);
    if (ok && screen.saveReceiptPdf(QDir(dir).filePath(u"pos-receipt.pdf"_s)))
        QTextStream(stderr) << "wrote " << QDir(dir).filePath(u"pos-receipt.pdf"_s) << '\n';

    // The manager's list of open drawers (their own and a colleague's).
    DrawerSession casey;
    casey.id = u"casey"_s;
    casey.openedBy = u"Casey Cashier"_s;
    casey.openedAt = QDateTime::currentDateTimeUtc().addSecs(-5 * 3600);
    casey.floatAmount = *Money::of(10000, u"USD"_s);
    casey.cash = *Money::of(48725, u"USD"_s);
    casey.mine = false;
    drawer->colleagues = {casey};
    screen.drawerStrip()->showOpenDrawers();
    settle();
    if (auto *list = screen.findChild<DrawerListDialog *>()) {
        ok &= save(list, dir, u"drawer-list-dialog"_s);
        list->reject();
    }

    // A cashier's drawer, from closed to the Z report.
    auto till = std::make_shared<test::MemoryDrawer>();
    till->shop = u"Real Deal Kickz"_s;
    till->timeZone = u"America/New_York"_s;
    shelf->cashDrawer = till->cashHook();
    PosScreen counter(test::MemoryPosStore::factory(shelf), &feed, StaffRole::Staff,
                      {u"Real Deal Kickz"_s, u"12 Canal St, New York"_s, u"USD"_s, u"America/New_York"_s, 15});
    counter.attachDrawer(test::MemoryDrawerStore::factory(till));
    counter.resize(size);
    counter.show();
    counter.submitScan(u"SOCK-3PK"_s);
    ok &= save(&counter, dir, u"drawer-closed"_s);
    DrawerStrip *strip = counter.drawerStrip();
    strip->openDrawer();
    settle();
    if (auto *open = counter.findChild<DrawerCountDialog *>()) {
        open->setCount(2000, 5);
        open->setCount(1000, 4);
        open->setCount(100, 10);
        ok &= save(open, dir, u"drawer-open-dialog"_s);
        open->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->click();
    }
    settle();
    counter.charge();
    settle();
    if (auto *cashButton = counter.findChild<QPushButton *>(u"cash"_s))
        cashButton->click();
    settle();
    if (auto *cash = counter.findChild<CashTenderDialog *>()) {
        cash->amountEdit()->setText(u"50"_s);
        cash->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->click();
    }
    settle();
    strip->payInOrOut();
    settle();
    if (auto *pay = counter.findChild<DrawerPayDialog *>()) {
        pay->amountEdit()->setText(u"25"_s);
        pay->reasonEdit()->setText(u"Pizza for the stocktake"_s);
        ok &= save(pay, dir, u"drawer-pay-dialog"_s);
        pay->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->click();
    }
    settle();
    ok &= save(&counter, dir, u"drawer-open"_s);
    strip->closeDrawer();
    settle();
    if (auto *close = counter.findChild<DrawerCountDialog *>()) {
        close->setCount(10000, 1);
        close->setCount(2000, 2);
        close->setCount(100, 3);
        close->setCount(25, 3);
        ok &= save(close, dir, u"drawer-close-dialog"_s);
        close->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->click();
    }
    settle();
    if (auto *z = counter.findChild<DrawerReportDialog *>()) {
        ok &= save(z, dir, u"drawer-z-report"_s);
        const QString pdf = QDir(dir).filePath(u"pos-drawer-z-report.pdf"_s);
        if (z->savePdf(pdf))
            QTextStream(stderr) << "wrote " << pdf << '\n';
    } else {
        ok = false;
    }
    return ok ? 0 : 1;
}
