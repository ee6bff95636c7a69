// Screenshots of returns at the counter for review (not a test):
//   rdk_returns_screenshot <directory>
// writes pos-return-dialog.png (a receipt scanned, one pair back on the shelf, one damaged, the
// refund shown) and pos-return-limit.png (a cashier above the shop's limit: Refund disabled,
// the reason in its tooltip and under the total) with the dialog as it opens on a 1366x768
// counter, pos-with-returns.png (the counter with its Return button) and pos-exchange-due.png
// (after exchanging a pair for a dearer jacket: the QR asks for the difference) at 1366x768.
#include "tests/pos/ui/memoryposstore.h"
#include "tests/returns/memoryreturnstore.h"
#include "ui/pos/posscreen.h"
#include "ui/pos/returndialog.h"

#include <QApplication>
#include <QDir>
#include <QLineEdit>
#include <QTest>
#include <QTextStream>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

namespace {

bool save(QWidget *w, const QString &dir, const QString &name)
{
    QApplication::processEvents();
    const QString path = QDir(dir).filePath(name);
    const bool ok = w->grab().save(path);
    QTextStream(ok ? stdout : stderr) << (ok ? "wrote " : "could not write ") << path << "\n";
    return ok;
}

bool waitIdle(ReturnDialog *d)
{
    return QTest::qWaitFor([d] { return !d->isBusy() && d->order().has_value(); }, 5000);
}

} // namespace

int main(int argc, char **argv)
{
    QApplication::setStyle(u"Fusion"_s);
    QApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 2) {
        QTextStream(stderr) << "usage: rdk_returns_screenshot <directory>\n";
        return 2;
    }
    const QString dir = args[1];
    QDir().mkpath(dir);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    bool ok = true;
    for (const StaffRole role : {StaffRole::Ops, StaffRole::Staff}) {
        auto shelf = std::make_shared<test::Shelf>();
        SellableProduct jacket;
        jacket.productId = u"p-jkt"_s;
        jacket.sku = u"JKT-1"_s;
        jacket.name = u"Track jacket"_s;
        jacket.brand = u"Kickz"_s;
        jacket.price = Money::of(13000, u"USD"_s).value();
        jacket.sizes.append({QString(), 0});
        shelf->addProduct(jacket, {{QString(), 3}});
        auto shop = std::make_shared<test::ReturnShop>();
        shop->shelf = shelf;
        shop->role = role;
        shop->addOrder(test::sampleOrder(now.addDays(-2), u"card"_s));
        OrderChangeFeed feed;
        PosScreen screen(test::MemoryPosStore::factory(shelf), &feed, role,
                         PosShop{u"Real Deal Kickz"_s, QString(), u"USD"_s, u"America/New_York"_s, 15});
        screen.enableReturns(test::MemoryReturnStore::factory(shop), role);
        screen.resize(1366, 768);
        screen.show();
        if (role == StaffRole::Ops) {
            ok = save(&screen, dir, u"pos-with-returns.png"_s) && ok;
            // The jacket in the cart: what the pairs are exchanged for.
            screen.submitScan(u"JKT-1"_s);
            if (!QTest::qWaitFor([&] { return screen.cart().size() == 1 && !screen.isBusy(); }, 5000))
                return 1;
        }
        screen.openReturns();
        ReturnDialog *d = screen.returnDialog();
        d->scanField()->setText(u"RDK-1001"_s);
        d->lookUp(d->scanField()->text());
        if (!waitIdle(d))
            return 1;
        if (role == StaffRole::Ops) {
            d->setLine(0, 1, true);
            d->setLine(1, 1, false);
            d->findChildren<QLineEdit *>().last()->setText(u"Runner too small; laces frayed"_s);
            ok = save(d, dir, u"pos-return-dialog.png"_s) && ok;
            // The exchange: one pair for the jacket; the counter then waits for the difference.
            d->setLine(1, 0, true);
            d->confirmExchange();
            if (!QTest::qWaitFor([&] { return screen.phase() == PosScreen::Phase::Waiting && !screen.isBusy(); }, 5000))
                return 1;
            shelf->linkReady(screen.order()->orderId, u"http://127.0.0.1:12111/pay/plink_exchange"_s);
            Q_EMIT feed.orderChanged(screen.order()->orderId);
            QTest::qWait(300);  // the re-read after the wake-up (a picture, not a test)
            ok = save(&screen, dir, u"pos-exchange-due.png"_s) && ok;
            continue;
        } else {
            d->setLine(0, 2, true);
            d->setLine(1, 1, true);
            d->findChildren<QLineEdit *>().last()->setText(u"Changed their mind"_s);
            ok = save(d, dir, u"pos-return-limit.png"_s) && ok;
        }
        d->close();
    }
    return ok ? 0 : 1;
}
