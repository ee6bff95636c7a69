// Benchmark of the Catalog screen at scale (not a test: it measures, tests/bench/run-desk-bench
// judges). Opens the real CatalogScreen on the database in RDK_BENCH_URL as a staff login,
// then prints one line per figure:
//   launch_to_list_ms  process launch (RDK_BENCH_LAUNCH_NS, from the script) -> first page shown
//   search_query_ms    debounce fired (query sent to the worker) -> results in the list, per search
//   search_key_ms      keystroke -> results in the list (includes the 150 ms debounce), per search
//   peak_rss_kb        VmHWM of this process at the end
#include "data/pgcatalogreader.h"
#include "data/pgrepositories.h"
#include "ui/catalog/catalogscreen.h"
#include "ui/catalog/productlistmodel.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QLineEdit>
#include <QTableView>
#include <QTest>
#include <QTextStream>

#include <chrono>
#include <cstdio>

using namespace Qt::Literals::StringLiterals;

namespace {

qint64 nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

QString peakRssKb()
{
    QFile status(u"/proc/self/status"_s);
    if (!status.open(QIODevice::ReadOnly))
        return u"?"_s;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return QString::fromLatin1(line.mid(6).trimmed().split(' ').first());
    }
    return u"?"_s;
}

// Searches a person might type: names, brands, colorways, SKU fragments, misses.
const QStringList kSearches{
    u"air"_s, u"dunk"_s, u"samba"_s, u"990"_s, u"kayano"_s, u"suede"_s, u"forum"_s, u"jordan"_s, u"zebra"_s,
    u"panda"_s, u"chicago"_s, u"infrared"_s, u"cream"_s, u"grey"_s, u"nike"_s, u"adidas"_s, u"puma"_s, u"asics"_s,
    u"new bal"_s, u"bench-0"_s, u"bench-12"_s, u"bench-345"_s, u"bench-4567"_s, u"bench-49999"_s, u"#1234"_s,
    u"#42"_s, u"air max"_s, u"dunk low"_s, u"gel-k"_s, u"classic"_s, u"high"_s, u"low #7"_s, u"white/black"_s,
    u"og"_s, u"xyzzy"_s, u"qqq"_s, u"sam"_s, u"ju"_s, u"for"_s, u"max 90 #25"_s, u"black"_s, u"bench-2"_s,
    u"bench-33"_s, u"bench-444"_s, u"bench-1000"_s, u"suede classic #9"_s, u"kayano 14"_s, u"990v6 #8"_s,
    u"nike air"_s, u"puma suede"_s};

} // namespace

int main(int argc, char *argv[])
{
    const qint64 launchNs = qEnvironmentVariable("RDK_BENCH_LAUNCH_NS").toLongLong();
    const std::string url = qEnvironmentVariable("RDK_BENCH_URL").toStdString();
    const int searches = qEnvironmentVariableIsSet("RDK_BENCH_SEARCHES") ? qEnvironmentVariableIntValue("RDK_BENCH_SEARCHES")
                                                                         : int(kSearches.size());
    QApplication app(argc, argv);
    QTextStream out(stdout);
    if (url.empty()) {
        QTextStream(stderr) << "RDK_BENCH_URL is not set\n";
        return 2;
    }
    auto session = rdk::data::PgSession::open(url);
    if (!session) {
        QTextStream(stderr) << "cannot connect: " << session.error().message << '\n';
        return 1;
    }
    rdk::CatalogReaderFactory factory = [url]() -> rdk::Result<std::unique_ptr<rdk::CatalogReader>> {
        auto opened = rdk::data::PgCatalogReader::open(url);
        if (!opened)
            return opened.error();
        return std::unique_ptr<rdk::CatalogReader>(std::move(opened).value());
    };

    bool shown = false;
    rdk::ProductRepositoryFactory products = [url]() -> rdk::Result<std::unique_ptr<rdk::ProductRepository>> {
        auto opened = rdk::data::PgSession::open(url);
        if (!opened)
            return opened.error();
        return std::unique_ptr<rdk::ProductRepository>(new rdk::data::PgProductRepository(std::move(opened).value()));
    };
    rdk::CatalogScreen screen(factory, products, u"USD"_s);
    QObject::connect(&screen, &rdk::CatalogScreen::resultsShown, &screen, [&] { shown = true; });
    screen.resize(1280, 800);
    screen.show();
    while (!shown || screen.model()->rowCount() == 0)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
    QCoreApplication::processEvents();  // let the view lay out and paint the page
    const double launchToListMs = double(nowNs() - launchNs) / 1e6;
    out << "launch_to_list_ms " << launchToListMs << " rows " << screen.model()->rowCount() << Qt::endl;

    // RDK_BENCH_SCREENSHOT=prefix: pictures of the list and of the editor, to look at.
    if (const QString shots = qEnvironmentVariable("RDK_BENCH_SCREENSHOT"); !shots.isEmpty()) {
        QElapsedTimer wait;
        wait.start();
        while (wait.elapsed() < 1500)  // thumbnails arrive from their own thread
            QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        screen.grab().save(shots + u"-list.png"_s);
        screen.view()->setCurrentIndex(screen.model()->index(0, rdk::ProductListModel::NameColumn));
        screen.openSelected();
        while (!screen.editor()->isVisible())  // the product is read off the UI thread
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
        QCoreApplication::processEvents();
        screen.editor()->grab().save(shots + u"-editor.png"_s);
        screen.editor()->hide();
    }

    QElapsedTimer clock;
    clock.start();
    qint64 issuedAt = 0;
    QObject::connect(screen.model(), &rdk::ProductListModel::pageRequested, &screen,
                     [&](quint64, const rdk::ProductQuery &q) {
                         if (q.offset == 0)
                             issuedAt = clock.nsecsElapsed();
                     });
    QLineEdit *search = screen.searchField();
    search->setFocus();
    for (int i = 0; i < searches; ++i) {
        const QString term = kSearches[i % kSearches.size()];
        search->setText(term.chopped(1));  // programmatic: no query; the last key is the keystroke
        shown = false;
        issuedAt = 0;
        const qint64 keyAt = clock.nsecsElapsed();
        QTest::keyClicks(search, term.right(1));
        while (!shown)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 20);
        const qint64 doneAt = clock.nsecsElapsed();
        out << "search_query_ms " << double(doneAt - issuedAt) / 1e6 << " search_key_ms " << double(doneAt - keyAt) / 1e6
            << " rows " << screen.model()->rowCount() << " term " << term << Qt::endl;
    }
    out << "peak_rss_kb " << peakRssKb() << Qt::endl;
    return 0;
}
