// Pictures of sales tax for docs/screenshots and design review (not a test): the admin's tax
// dialog, the same dialog as a cashier sees it, and the counter's cart and paid sale with tax.
//   rdk_tax_screenshot <directory> [--size WIDTHxHEIGHT]   (the counter at 1366x768 by default)
#include "tests/pos/ui/memoryposstore.h"
#include "tests/tax/memorytaxstore.h"
#include "ui/admin/taxsettingsdialog.h"
#include "ui/pos/posscreen.h"

#include <QApplication>
#include <QDir>
#include <QEventLoop>
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
    const QString path = QDir(dir).filePath(name + u".png"_s);
    const bool ok = w->grab().save(path);
    QTextStream(stderr) << (ok ? "wrote " : "could not write ") << path << '\n';
    return ok;
}

SellableProduct product(const QString &sku, const QString &name, const QString &colorway, qint64 price, const QString &size)
{
    SellableProduct p;
    p.productId = u"p-"_s + sku;
    p.sku = sku;
    p.name = name;
    p.brand = u"Nike"_s;
    p.colorway = colorway;
    p.price = *Money::of(price, u"USD"_s);
    p.inventoryStrategy = size.isEmpty() ? InventoryStrategy::Flat : InventoryStrategy::PerSize;
    p.sizes = {{size, 0}};
    return p;
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 2) {
        QTextStream(stderr) << "usage: rdk_tax_screenshot <directory> [--size WIDTHxHEIGHT]\n";
        return 2;
    }
    QSize size(1366, 768);
    if (const qsizetype i = args.indexOf(u"--size"_s); i >= 0) {
        const QStringList parts = args.value(i + 1).split(u'x');
        size = parts.size() == 2 ? QSize(parts[0].toInt(), parts[1].toInt()) : QSize();
        if (size.width() < 640 || size.height() < 480) {
            QTextStream(stderr) << "rdk_tax_screenshot: --size needs WIDTHxHEIGHT, at least 640x480\n";
            return 2;
        }
    }
    const QString dir = args[1];
    QDir().mkpath(dir);
    bool ok = true;

    const TaxSettings ny{false, {{u"NY State"_s, 40000, true}, {u"NYC"_s, 48750, true}, {u"MCTD (old)"_s, 3750, false}}};
    auto taxShelf = std::make_shared<test::TaxShelf>();
    taxShelf->settings = ny;
    {
        TaxSettingsDialog dialog(test::MemoryTaxStore::factory(taxShelf), StaffRole::Admin, u"USD"_s);
        dialog.show();
        ok &= save(&dialog, dir, u"tax-settings"_s);
    }
    {
        TaxSettingsDialog dialog(test::MemoryTaxStore::factory(taxShelf), StaffRole::Staff, u"USD"_s);
        dialog.show();
        ok &= save(&dialog, dir, u"tax-settings-readonly"_s);
    }

    auto shelf = std::make_shared<test::Shelf>();
    shelf->addProduct(product(u"AJ1-HI-CHI"_s, u"Air Jordan 1 Retro High OG"_s, u"Chicago Lost & Found"_s, 18000, u"10"_s),
                      {{u"10"_s, 2}});
    shelf->addProduct(product(u"SOCK-3PK"_s, u"Crew socks 3-pack"_s, QString(), 1999, QString()), {{QString(), 12}});
    shelf->setTaxSettings(ny);
    OrderChangeFeed feed;
    PosScreen screen(test::MemoryPosStore::factory(shelf), &feed, StaffRole::Ops,
                     {u"Real Deal Kickz"_s, u"12 Canal St, New York"_s, u"USD"_s, u"America/New_York"_s, 15});
    screen.resize(size);
    screen.show();
    settle();
    screen.submitScan(u"AJ1-HI-CHI/10"_s);
    settle();
    screen.submitScan(u"SOCK-3PK"_s);
    settle();
    screen.submitScan(u"SOCK-3PK"_s);
    settle();
    (void)screen.applyCartDiscount(PosDiscount::ofPercent(1000), u"Regular customer"_s);
    ok &= save(&screen, dir, u"pos-cart-tax"_s);
    screen.charge();
    settle();
    const QString id = screen.order() ? screen.order()->orderId : QString();
    shelf->linkReady(id, u"https://buy.stripe.com/test_6oE9BP2tR0aZ"_s);
    shelf->payByCard(id, u"pi_3PqRsTuVwXyZ0123"_s);
    Q_EMIT feed.orderChanged(id);
    ok &= save(&screen, dir, u"pos-paid-tax"_s);
    if (ok && screen.saveReceiptPdf(QDir(dir).filePath(u"pos-receipt-tax.pdf"_s)))
        QTextStream(stderr) << "wrote " << QDir(dir).filePath(u"pos-receipt-tax.pdf"_s) << '\n';
    return ok ? 0 : 1;
}
