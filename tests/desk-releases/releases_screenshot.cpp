// Pictures of drop day at the desk for docs/screenshots and review (not a test), against the
// in-memory stores: the Releases window as ops and as a cashier, the New release dialog, a
// raffle's results, and the counter asking for the buyer's e-mail.
//   rdk_releases_screenshot <directory> [--size WIDTHxHEIGHT]   (1366x768 by default)
#include "tests/desk-releases/memoryreleasebook.h"
#include "tests/desk-releases/releaseposstore.h"
#include "ui/pos/posscreen.h"
#include "ui/releases/buyeremaildialog.h"
#include "ui/releases/raffleresultsdialog.h"
#include "ui/releases/releaseeditdialog.h"
#include "ui/releases/releasesdialog.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QEventLoop>
#include <QLineEdit>
#include <QPainter>
#include <QSpinBox>
#include <QTextStream>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

namespace {

void settle(int ms = 400)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

bool savePixmap(const QPixmap &pixmap, const QString &dir, const QString &name)
{
    const QString path = QDir(dir).filePath(name + u".png"_s);
    const bool ok = pixmap.save(path);
    QTextStream(stderr) << (ok ? "wrote " : "could not write ") << path << '\n';
    return ok;
}

bool save(QWidget *w, const QString &dir, const QString &name)
{
    settle();
    return savePixmap(w->grab(), dir, name);
}

/// A dialog over the window it belongs to, as a person sees them (offscreen windows are grabbed
/// one by one).
bool saveOver(QWidget *window, QWidget *dialog, const QString &dir, const QString &name)
{
    settle();
    QPixmap canvas = window->grab();
    {
        QPainter p(&canvas);
        p.fillRect(canvas.rect(), QColor(0, 0, 0, 60));
        const QPixmap top = dialog->grab();
        p.drawPixmap((canvas.width() - top.width()) / 2, (canvas.height() - top.height()) / 2, top);
    }
    return savePixmap(canvas, dir, name);
}

const QDateTime Now = QDateTime(QDate(2026, 12, 11), QTime(14, 40, 12), Qt::UTC);   // Fri 09:40 in New York

ReleaseSummary release(const QString &id, const QString &sku, const QString &name, const QStringList &sizes, const QDateTime &at)
{
    ReleaseSummary r;
    r.id = id;
    r.sku = sku;
    r.productName = name;
    r.sizes = sizes;
    r.releaseAt = at;
    r.queueOpensAt = defaultQueueOpensAt(at);
    return r;
}

std::shared_ptr<test::ReleaseShelf> shelf()
{
    auto s = std::make_shared<test::ReleaseShelf>();
    s->addProduct(u"DD1391-100"_s, u"Dunk Low Retro Panda"_s, {u"7"_s, u"7.5"_s, u"8"_s, u"8.5"_s, u"9"_s, u"9.5"_s, u"10"_s,
                                                               u"10.5"_s, u"11"_s, u"11.5"_s, u"12"_s, u"13"_s});
    ReleaseSummary a = release(u"a"_s, u"DZ5485-612"_s, u"Air Jordan 1 High OG Chicago Lost & Found"_s, {},
                               QDateTime(QDate(2026, 12, 12), QTime(15, 0), Qt::UTC));
    a.admitPerMinute = 120;
    a.limitPerBuyer = 1;
    a.stockLeft = 200;
    ReleaseSummary b = release(u"b"_s, u"FQ8249-100"_s, u"Travis Scott x Air Jordan 1 Low"_s, {},
                               QDateTime(QDate(2026, 12, 13), QTime(15, 0), Qt::UTC));
    b.allocation = ReleaseAllocation::Raffle;
    b.queueOpensAt = QDateTime(QDate(2026, 12, 9), QTime(15, 0), Qt::UTC);
    b.entriesCloseAt = QDateTime(QDate(2026, 12, 12), QTime(23, 0), Qt::UTC);
    b.claimHours = 48;
    b.entries = 4812;
    b.stockLeft = 60;
    ReleaseSummary c = release(u"c"_s, u"DD1391-100"_s, u"Dunk Low Retro Panda"_s, {u"9"_s, u"9.5"_s, u"10"_s, u"10.5"_s},
                               Now.addSecs(-3 * 3600));
    c.admitPerMinute = 300;
    c.limitPerBuyer = 2;
    c.sold = 138;
    c.held = 9;
    c.stockLeft = 53;
    ReleaseSummary d = release(u"d"_s, u"HQ6998-600"_s, u"Air Max 1 '86 Big Bubble Sport Red"_s, {u"10"_s},
                               Now.addSecs(-26 * 3600));
    d.allocation = ReleaseAllocation::Raffle;
    d.queueOpensAt = Now.addDays(-5);
    d.entriesCloseAt = Now.addSecs(-30 * 3600);
    d.drawnAt = Now.addSecs(-29 * 3600);
    d.claimHours = 24;
    d.entries = 1290;
    d.won = 4;
    d.claimed = 8;
    d.sold = 8;
    d.held = 1;
    d.stockLeft = 3;
    ReleaseSummary e = release(u"e"_s, u"CW2288-111"_s, u"Air Force 1 '07 White"_s, {}, Now.addDays(-2));
    e.canceledAt = Now.addDays(-3);
    e.stockLeft = 41;
    s->releases = {b, a, c, d, e};
    s->seeds[u"d"_s] = u"9c1f4e0b7d2a58e3c6b1f0a9d8e7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9"_s;
    const QStringList hashes = {u"0f9a"_s, u"1c2e"_s, u"27b0"_s, u"3d41"_s, u"48aa"_s, u"5e17"_s, u"63c9"_s, u"7a05"_s,
                                u"8b62"_s, u"9fd3"_s, u"a4e8"_s, u"b1c7"_s, u"c650"_s, u"d2ab"_s, u"e39f"_s};
    const QList<RaffleEntryState> states = {RaffleEntryState::Claimed, RaffleEntryState::Claimed, RaffleEntryState::Won,
                                            RaffleEntryState::Claimed, RaffleEntryState::Lapsed, RaffleEntryState::Claimed,
                                            RaffleEntryState::Won, RaffleEntryState::Claimed, RaffleEntryState::Won,
                                            RaffleEntryState::Claimed, RaffleEntryState::Claimed, RaffleEntryState::Won,
                                            RaffleEntryState::Claimed, RaffleEntryState::Lost, RaffleEntryState::Lost};
    // A winner who didn't pay lapsed 24 hours after the draw; the entry that moved up has until
    // 24 hours after that.
    const auto deadline = [](RaffleEntryState state) {
        return state == RaffleEntryState::Lapsed ? Now.addSecs(-5 * 3600)
               : state == RaffleEntryState::Won  ? Now.addSecs(19 * 3600)
                                                 : QDateTime();
    };
    for (int i = 0; i < hashes.size(); ++i)
        s->results[u"d"_s].append({hashes.at(i).repeated(16), u"10"_s, i + 1, states.at(i), QString(), deadline(states.at(i))});
    return s;
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 2) {
        QTextStream(stderr) << "usage: rdk_releases_screenshot <directory> [--size WIDTHxHEIGHT]\n";
        return 2;
    }
    QSize size(1366, 768);
    if (const qsizetype at = args.indexOf(u"--size"_s); at > 0 && at + 1 < args.size()) {
        const QStringList wh = args.at(at + 1).split(u'x');
        size = QSize(wh.value(0).toInt(), wh.value(1).toInt());
    }
    const QString dir = args.at(1);
    QDir().mkpath(dir);
    bool ok = true;
    const QString zone = u"America/New_York"_s;

    {
        auto s = shelf();
        ReleasesDialog list(test::MemoryReleaseBook::factory(s), StaffRole::Ops, zone);
        list.setClock([] { return Now; });
        list.resize(size);
        list.show();
        settle(800);
        list.selectRelease(u"d"_s);
        ok &= save(&list, dir, u"desk-releases"_s);

        list.newRelease();
        settle();
        ReleaseEditDialog *edit = list.editDialog();
        edit->findChild<QLineEdit *>(u"sku"_s)->setText(u"DD1391-100"_s);
        edit->lookUpSku();
        settle(600);
        edit->findChild<QComboBox *>(u"allocation"_s)->setCurrentIndex(1);
        edit->findChild<QSpinBox *>(u"limitPerBuyer"_s)->setValue(1);
        ok &= saveOver(&list, edit, dir, u"desk-release-edit"_s);
        edit->findChild<QComboBox *>(u"allocation"_s)->setCurrentIndex(0);
        edit->findChild<QSpinBox *>(u"admitPerMinute"_s)->setValue(300);
        ok &= saveOver(&list, edit, dir, u"desk-release-edit-queue"_s);
        edit->reject();
        settle();

        list.showResults();
        settle(600);
        ok &= saveOver(&list, list.resultsDialog(), dir, u"desk-raffle-results"_s);
        list.resultsDialog()->close();
    }
    {
        ReleasesDialog list(test::MemoryReleaseBook::factory(shelf()), StaffRole::Staff, zone);
        list.setClock([] { return Now; });
        list.resize(size);
        list.show();
        settle(800);
        list.selectRelease(u"a"_s);
        ok &= save(&list, dir, u"desk-releases-cashier"_s);
    }
    {
        auto posShelf = std::make_shared<test::Shelf>();
        SellableProduct panda;
        panda.productId = u"p-panda"_s;
        panda.sku = u"DNK-LO-PANDA"_s;
        panda.name = u"Dunk Low Retro"_s;
        panda.brand = u"Nike"_s;
        panda.colorway = u"Panda"_s;
        panda.price = *Money::of(11500, u"USD"_s);
        panda.inventoryStrategy = InventoryStrategy::PerSize;
        panda.sizes = {{u"9"_s, 0}, {u"10"_s, 0}};
        posShelf->addProduct(panda, {{u"9"_s, 4}, {u"10"_s, 4}});
        auto rules = std::make_shared<test::ReleaseRules>();
        PosStoreFactory stores = [posShelf, rules]() -> Result<std::unique_ptr<PosStore>> {
            return std::unique_ptr<PosStore>(new test::ReleaseAwareStore(std::make_unique<test::MemoryPosStore>(posShelf), rules));
        };
        PosScreen pos(stores, nullptr, StaffRole::Staff, PosShop{u"Real Deal Kickz"_s, QString(), u"USD"_s, zone, 15});
        pos.setBuyerEmailSuggestion([] { return u"ada.lovelace@example.com"_s; });
        pos.resize(size);
        pos.show();
        settle();
        pos.submitScan(u"DNK-LO-PANDA"_s);
        settle();
        pos.submitScan(u"10"_s);
        settle();
        pos.charge();
        settle();
        if (!pos.buyerEmailDialog()) {
            QTextStream(stderr) << "the counter did not ask for the buyer's e-mail\n";
            return 1;
        }
        ok &= saveOver(&pos, pos.buyerEmailDialog(), dir, u"pos-release-buyer-email"_s);
    }
    return ok ? 0 : 1;
}
