// Shop ▸ Releases… offscreen, driven through its widgets and keys against an in-memory book
// (tests/desk-releases/memoryreleasebook.h): the list with times in the shop's zone and a
// countdown that moves with the clock, a new release made by keyboard, a refused save that keeps
// what was typed and shows the sentence, cancel with a reason, a raffle drawn and its results,
// and a cashier's read-only view with the reasons in the tooltips. Every book call runs off the
// UI thread (the shelf counts any that doesn't).
#include "tests/desk-releases/memoryreleasebook.h"
#include "ui/releases/raffleresultsdialog.h"
#include "ui/releases/releaseeditdialog.h"
#include "ui/releases/releasesdialog.h"
#include "ui/releases/releasetablemodel.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTableWidget>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

namespace {

const QDateTime T0 = QDateTime(QDate(2026, 12, 12), QTime(15, 0), Qt::UTC);   // Sat 10:00 in New York
const QString Zone = u"America/New_York"_s;

template <typename T>
T *child(QObject &parent, const QString &name)
{
    auto *w = parent.findChild<T *>(name);
    if (!w)
        qFatal("no child %s", qPrintable(name));
    return w;
}

QString cell(const ReleasesDialog &d, int row, int column)
{
    return d.model()->index(row, column).data().toString();
}

} // namespace

class TestReleasesDialog final : public QObject {
    Q_OBJECT

    std::shared_ptr<test::ReleaseShelf> m_shelf;
    QDateTime m_now;

    std::unique_ptr<ReleasesDialog> open(StaffRole role)
    {
        auto d = std::make_unique<ReleasesDialog>(test::MemoryReleaseBook::factory(m_shelf), role, Zone);
        d->setClock([this] { return m_now; });
        QSignalSpy refreshed(d.get(), &ReleasesDialog::refreshed);
        d->show();
        QApplication::setActiveWindow(d.get());
        if (!QTest::qWaitForWindowActive(d.get()))
            qFatal("the window never became active");
        if (refreshed.isEmpty() && !refreshed.wait(5000))
            qFatal("the list was never read");
        return d;
    }

    ReleaseSummary addQueueRelease()
    {
        ReleaseSummary r;
        r.id = u"11111111-1111-1111-1111-111111111111"_s;
        r.sku = u"DD1391-100"_s;
        r.productName = u"Dunk Low Retro Panda"_s;
        r.sizes = {u"9"_s, u"9.5"_s, u"10"_s};
        r.releaseAt = T0;
        r.queueOpensAt = defaultQueueOpensAt(T0);
        r.admitPerMinute = 120;
        r.limitPerBuyer = 1;
        r.sold = 0;
        r.stockLeft = 24;
        m_shelf->releases.append(r);
        return r;
    }

    ReleaseSummary addRaffle()
    {
        ReleaseSummary r;
        r.id = u"22222222-2222-2222-2222-222222222222"_s;
        r.sku = u"AJ1-CHI"_s;
        r.productName = u"Air Jordan 1 Chicago"_s;
        r.releaseAt = T0.addDays(1);
        r.allocation = ReleaseAllocation::Raffle;
        r.queueOpensAt = T0.addDays(-3);
        r.entriesCloseAt = T0.addSecs(-600);
        r.claimHours = 24;
        r.entries = 5;
        r.stockLeft = 3;
        m_shelf->releases.append(r);
        m_shelf->results[r.id] = {
            {u"3fa1"_s, u"9"_s, 1, RaffleEntryState::Won, u"00a1"_s, T0.addDays(1)},
            {u"77c0"_s, u"9"_s, 2, RaffleEntryState::Lost, u"01b2"_s, {}},
            {u"a0b2"_s, u"10"_s, 3, RaffleEntryState::Won, u"02c3"_s, T0.addDays(1)},
            {u"c9d4"_s, u"10"_s, 4, RaffleEntryState::Won, u"03d4"_s, T0.addDays(1)},
            {u"e511"_s, u"10"_s, 5, RaffleEntryState::Lost, u"04e5"_s, {}},
        };
        return r;
    }

private Q_SLOTS:
    void init()
    {
        m_shelf = std::make_shared<test::ReleaseShelf>();
        m_shelf->uiThread = QThread::currentThread();
        m_shelf->addProduct(u"DD1391-100"_s, u"Dunk Low Retro Panda"_s, {u"8"_s, u"8.5"_s, u"9"_s, u"9.5"_s, u"10"_s});
        m_shelf->addProduct(u"AJ1-CHI"_s, u"Air Jordan 1 Chicago"_s, {u"9"_s, u"10"_s});
        m_now = T0.addSecs(-3600);
    }

    void cleanup()
    {
        QCOMPARE(m_shelf->callsOnUiThread, 0);
    }

    void list_showsShopTimeStateAndCounts()
    {
        addQueueRelease();
        auto d = open(StaffRole::Ops);
        QCOMPARE(d->model()->rowCount(), 1);
        QCOMPARE(cell(*d, 0, ReleaseTableModel::Product), u"Dunk Low Retro Panda · DD1391-100"_s);
        QCOMPARE(cell(*d, 0, ReleaseTableModel::Sizes), u"9, 9.5, 10"_s);
        QCOMPARE(cell(*d, 0, ReleaseTableModel::ReleaseTime), u"Sat 12 Dec 2026, 10:00"_s);
        QCOMPARE(cell(*d, 0, ReleaseTableModel::State), u"Upcoming"_s);
        QCOMPARE(cell(*d, 0, ReleaseTableModel::When), u"queue opens in 00:30:00"_s);
        QCOMPARE(cell(*d, 0, ReleaseTableModel::Allocation), u"Queue, 120/min"_s);
        QCOMPARE(cell(*d, 0, ReleaseTableModel::Left), u"24"_s);
        QVERIFY(d->updatedText().startsWith(u"1 release(s) · updated "_s));
    }

    void clock_movesCountdownAndState()
    {
        addQueueRelease();
        auto d = open(StaffRole::Ops);
        m_now = T0.addSecs(-299);
        QTRY_COMPARE_WITH_TIMEOUT(cell(*d, 0, ReleaseTableModel::When), u"on sale in 00:04:59"_s, 3000);
        QCOMPARE(cell(*d, 0, ReleaseTableModel::State), u"Queue open"_s);
        m_now = T0.addSecs(1);
        QTRY_COMPARE_WITH_TIMEOUT(cell(*d, 0, ReleaseTableModel::State), u"On sale"_s, 3000);
        // The list is read again on its own: stock sold meanwhile shows up.
        {
            QMutexLocker lock(&m_shelf->mutex);
            m_shelf->releases[0].stockLeft = 0;
            m_shelf->releases[0].sold = 24;
        }
        QTRY_COMPARE_WITH_TIMEOUT(cell(*d, 0, ReleaseTableModel::State), u"Sold out"_s, ReleasesDialog::RefreshMs + 3000);
        QCOMPARE(cell(*d, 0, ReleaseTableModel::Sold), u"24"_s);
    }

    void newRelease_byKeyboard_isSavedAndSelected()
    {
        auto d = open(StaffRole::Ops);
        QTest::keyClick(d.get(), Qt::Key_N, Qt::ControlModifier);
        QTRY_VERIFY(d->editDialog());
        ReleaseEditDialog *edit = d->editDialog();
        QTRY_VERIFY(edit->isVisible());
        QSignalSpy answered(edit, &ReleaseEditDialog::answered);
        auto *sku = child<QLineEdit>(*edit, u"sku"_s);
        sku->setFocus();
        QTest::keyClicks(sku, u"dd1391-100"_s);
        QTest::keyClick(sku, Qt::Key_Return);
        QVERIFY(answered.wait(5000));
        QCOMPARE(edit->productName(), u"Dunk Low Retro Panda"_s);
        QCOMPARE(edit->sizeBoxes().size(), 5);
        // Only two sizes in the release.
        QTest::keyClick(child<QCheckBox>(*edit, u"allSizes"_s), Qt::Key_Space);
        QVERIFY(edit->sizeBoxes().at(2)->isEnabled());
        QTest::keyClick(edit->sizeBoxes().at(2), Qt::Key_Space);
        QTest::keyClick(edit->sizeBoxes().at(4), Qt::Key_Space);
        child<QSpinBox>(*edit, u"limitPerBuyer"_s)->setValue(2);
        auto *bits = child<QSpinBox>(*edit, u"powBits"_s);
        bits->setValue(20);
        QCOMPARE(child<QLabel>(*edit, u"powHint"_s)->text(), proofOfWorkHint(20));
        QSignalSpy saved(edit, &ReleaseEditDialog::saved);
        QSignalSpy refreshed(d.get(), &ReleasesDialog::refreshed);
        QTest::keyClick(edit, Qt::Key_S, Qt::ControlModifier);
        QVERIFY2(saved.wait(5000), qPrintable(edit->messageText()));
        QCOMPARE(m_shelf->saved.size(), 1);
        QVERIFY(m_shelf->saved.first().first.isEmpty());   // a new release
        const ReleaseSettings sent = m_shelf->saved.first().second;
        QCOMPARE(sent.sku, u"DD1391-100"_s);   // typed in lower case
        QCOMPARE(sent.sizes, QStringList({u"9"_s, u"10"_s}));
        // Tomorrow 10:00 in the shop's zone (it is 09:00 there now), whatever the desk's own zone is.
        QCOMPARE(sent.releaseAt.toUTC(), QDateTime(QDate(2026, 12, 13), QTime(15, 0), Qt::UTC));
        QCOMPARE(sent.queueOpensAt.toUTC(), QDateTime(QDate(2026, 12, 13), QTime(14, 30), Qt::UTC));
        QCOMPARE(sent.limitPerBuyer, 2);
        QCOMPARE(sent.powBits, 20);
        QVERIFY(sent.allocation == ReleaseAllocation::Queue);
        QVERIFY(refreshed.wait(5000));
        QVERIFY(d->selected());
        QCOMPARE(d->selected()->sku, u"DD1391-100"_s);
        QCOMPARE(d->statusText(), u"Release saved."_s);
    }

    void save_refusedByDatabase_keepsWhatWasTyped()
    {
        const ReleaseSummary r = addQueueRelease();
        auto d = open(StaffRole::Admin);
        QVERIFY(d->selectRelease(r.id));
        QTest::keyClick(d->table(), Qt::Key_E, Qt::ControlModifier);
        QTRY_VERIFY(d->editDialog());
        ReleaseEditDialog *edit = d->editDialog();
        QVERIFY(child<QLineEdit>(*edit, u"sku"_s)->isReadOnly());
        child<QSpinBox>(*edit, u"admitPerMinute"_s)->setValue(900);
        m_shelf->refuseNext = u"The release time of a release on sale can't be moved."_s;
        QSignalSpy answered(edit, &ReleaseEditDialog::answered);
        QTest::mouseClick(child<QPushButton>(*edit, u"save"_s), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(edit->messageText(),
                                  u"Not saved: The release time of a release on sale can't be moved."_s, 5000);
        QVERIFY(edit->isVisible());
        QCOMPARE(child<QSpinBox>(*edit, u"admitPerMinute"_s)->value(), 900);
        QCOMPARE(edit->draft().sizes, QStringList({u"9"_s, u"9.5"_s, u"10"_s}));
        QVERIFY(m_shelf->saved.isEmpty());
    }

    void edit_startedRelease_isOffWithTheReason()
    {
        const ReleaseSummary r = addQueueRelease();
        m_now = T0.addSecs(5);
        auto d = open(StaffRole::Admin);
        QVERIFY(d->selectRelease(r.id));
        auto *edit = child<QPushButton>(*d, u"editRelease"_s);
        QVERIFY(!edit->isEnabled());
        QCOMPARE(edit->toolTip(), u"This release has started; it can only be canceled."_s);
        QVERIFY(child<QPushButton>(*d, u"cancelRelease"_s)->isEnabled());
    }

    void save_ownCheck_refusesRaffleClosingAfterRelease_withoutSending()
    {
        auto d = open(StaffRole::Ops);
        d->newRelease();
        ReleaseEditDialog *edit = d->editDialog();
        QVERIFY(edit);
        QSignalSpy answered(edit, &ReleaseEditDialog::answered);
        child<QLineEdit>(*edit, u"sku"_s)->setText(u"AJ1-CHI"_s);
        edit->lookUpSku();
        QVERIFY(answered.wait(5000));
        auto *allocation = child<QComboBox>(*edit, u"allocation"_s);
        allocation->setCurrentIndex(1);
        QVERIFY(child<QGroupBox>(*edit, u"raffleGroup"_s)->isVisible());
        QVERIFY(!child<QGroupBox>(*edit, u"queueGroup"_s)->isVisible());
        auto *close = child<QDateTimeEdit>(*edit, u"entriesCloseAt"_s);
        close->setDateTime(child<QDateTimeEdit>(*edit, u"releaseAt"_s)->dateTime().addSecs(3600));
        edit->save();
        QCOMPARE(edit->messageText(), u"Raffle entries must close by the release time, so the draw comes before the sale."_s);
        QCOMPARE(QApplication::focusWidget(), close);
        QVERIFY(m_shelf->saved.isEmpty());
        // Fixed: it goes through, with the raffle's fields.
        close->setDateTime(child<QDateTimeEdit>(*edit, u"releaseAt"_s)->dateTime().addSecs(-2 * 3600));
        child<QSpinBox>(*edit, u"claimHours"_s)->setValue(12);
        QSignalSpy saved(edit, &ReleaseEditDialog::saved);
        edit->save();
        QVERIFY2(saved.wait(5000), qPrintable(edit->messageText()));
        const ReleaseSettings sent = m_shelf->saved.first().second;
        QVERIFY(sent.allocation == ReleaseAllocation::Raffle);
        QCOMPARE(sent.claimHours, 12);
        QCOMPARE(sent.entriesCloseAt.toUTC(), sent.releaseAt.toUTC().addSecs(-7200));
    }

    void unknownSku_saysSo()
    {
        auto d = open(StaffRole::Ops);
        d->newRelease();
        ReleaseEditDialog *edit = d->editDialog();
        QSignalSpy answered(edit, &ReleaseEditDialog::answered);
        child<QLineEdit>(*edit, u"sku"_s)->setText(u"NOPE-1"_s);
        edit->lookUpSku();
        QVERIFY(answered.wait(5000));
        QCOMPARE(child<QLabel>(*edit, u"productName"_s)->text(), u"No product with SKU NOPE-1."_s);
        QVERIFY(edit->sizeBoxes().isEmpty());
    }

    void cancel_asksForAReason_thenCancels()
    {
        const ReleaseSummary r = addQueueRelease();
        auto d = open(StaffRole::Ops);
        QVERIFY(d->selectRelease(r.id));
        d->table()->setFocus();
        QTest::keyClick(d->table(), Qt::Key_Delete);
        QTRY_VERIFY(d->cancelDialog());
        QDialog *ask = d->cancelDialog();
        auto *yes = child<QPushButton>(*ask, u"confirmCancel"_s);
        QVERIFY(!yes->isEnabled());
        QCOMPARE(yes->toolTip(), u"Give a reason first"_s);
        QTest::keyClicks(child<QLineEdit>(*ask, u"reason"_s), u"Supplier delayed the pairs"_s);
        QVERIFY(yes->isEnabled());
        QSignalSpy canceled(d.get(), &ReleasesDialog::canceled);
        QTest::mouseClick(yes, Qt::LeftButton);
        QVERIFY(canceled.wait(5000));
        QCOMPARE(m_shelf->canceledReasons, QStringList{u"Supplier delayed the pairs"_s});
        QTRY_COMPARE_WITH_TIMEOUT(cell(*d, 0, ReleaseTableModel::State), u"Canceled"_s, 5000);
        QVERIFY(!child<QPushButton>(*d, u"cancelRelease"_s)->isEnabled());
        QCOMPARE(child<QPushButton>(*d, u"editRelease"_s)->toolTip(), u"This release was canceled."_s);
    }

    void draw_onlyAfterEntriesClose_thenShowsSeedAndResults()
    {
        const ReleaseSummary r = addRaffle();
        m_now = T0.addSecs(-3600);   // entries still open
        auto d = open(StaffRole::Ops);
        QVERIFY(d->selectRelease(r.id));
        auto *draw = child<QPushButton>(*d, u"drawRaffle"_s);
        QVERIFY(!draw->isEnabled());
        QVERIFY(draw->toolTip().startsWith(u"Entries are still open: the draw comes after they close (Sat 12 Dec 2026, 09:50)"_s));
        QVERIFY(!child<QPushButton>(*d, u"raffleResults"_s)->isEnabled());
        m_now = T0;   // entries closed ten minutes ago
        QTRY_VERIFY_WITH_TIMEOUT(draw->isEnabled(), 3000);
        QCOMPARE(cell(*d, d->model()->rowOf(r.id), ReleaseTableModel::State), u"Waiting for the draw"_s);

        QTest::keyClick(d->table(), Qt::Key_D, Qt::ControlModifier);
        QMessageBox *ask = nullptr;
        QTRY_VERIFY((ask = d->findChild<QMessageBox *>(u"drawQuestion"_s)));
        QVERIFY(ask->text().contains(u"5 entries"_s));
        QVERIFY(ask->text().contains(u"within 24 hours"_s));
        QCOMPARE(m_shelf->draws, 0);
        QSignalSpy drawn(d.get(), &ReleasesDialog::drawAnswered);
        QTest::mouseClick(child<QPushButton>(*ask, u"confirmDraw"_s), Qt::LeftButton);
        QVERIFY(drawn.wait(5000));
        QCOMPARE(drawn.first().first().toString(), u"5eed"_s.repeated(16));
        QCOMPARE(d->statusText(), u"Air Jordan 1 Chicago (AJ1-CHI) drawn: 3 won, 2 lost. Seed %1 (recorded)."_s.arg(u"5eed"_s.repeated(16)));

        // The results open by themselves once the list has the draw.
        QTRY_VERIFY_WITH_TIMEOUT(d->resultsDialog(), 5000);
        RaffleResultsDialog *results = d->resultsDialog();
        QTRY_VERIFY_WITH_TIMEOUT(!results->isBusy() && !results->summaryText().isEmpty(), 5000);
        QCOMPARE(results->seedText(), u"5eed"_s.repeated(16));
        QCOMPARE(results->table()->rowCount(), 3);    // winners only
        QCOMPARE(results->table()->item(0, 1)->text(), u"9"_s);
        QCOMPARE(results->table()->item(0, 3)->text(), u"Won, not paid yet"_s);
        QCOMPARE(results->table()->item(0, 4)->text(), u"Sun 13 Dec 2026, 10:00"_s);   // claim_hours later, shop's zone
        QVERIFY(results->summaryText().contains(u"Size 10: 0 paid, 2 to pay, 0 lapsed, 1 not drawn"_s));
        m_now = T0.addDays(2);   // the winners didn't pay: the column says the time has passed
        QTest::keyClick(child<QCheckBox>(*results, u"everyEntry"_s), Qt::Key_Space);
        QCOMPARE(results->table()->rowCount(), 5);
        QCOMPARE(results->table()->item(0, 4)->text(), u"Sun 13 Dec 2026, 10:00 (passed)"_s);
        QCOMPARE(results->table()->item(1, 3)->text(), u"Not drawn"_s);
        QCOMPARE(results->table()->item(1, 4)->text(), QString());
        QApplication::setActiveWindow(results);
        QVERIFY(QTest::qWaitForWindowActive(results));
        QTest::keyClick(results, Qt::Key_C, Qt::ControlModifier | Qt::ShiftModifier);
        // A button's shortcut animates a click: clicked() comes a moment later.
        QTRY_COMPARE_WITH_TIMEOUT(child<QLabel>(*results, u"message"_s)->text(), u"Seed copied."_s, 3000);
        QCOMPARE(QApplication::clipboard()->text(), u"5eed"_s.repeated(16));
        QVERIFY(!draw->isEnabled());
        QVERIFY(draw->toolTip().startsWith(u"Already drawn ("_s));
    }

    void draw_refused_showsTheSentence()
    {
        const ReleaseSummary r = addRaffle();
        m_now = T0;
        auto d = open(StaffRole::Admin);
        QVERIFY(d->selectRelease(r.id));
        m_shelf->refuseNext = u"This raffle has already been drawn."_s;
        d->drawRaffle();
        auto *ask = d->findChild<QMessageBox *>(u"drawQuestion"_s);
        QVERIFY(ask);
        QSignalSpy drawn(d.get(), &ReleasesDialog::drawAnswered);
        QTest::mouseClick(child<QPushButton>(*ask, u"confirmDraw"_s), Qt::LeftButton);
        QVERIFY(drawn.wait(5000));
        QCOMPARE(drawn.first().first().toString(), QString());
        QCOMPARE(d->statusText(), u"Not drawn: This raffle has already been drawn."_s);
    }

    void cashier_seesTheListReadOnly_withReasons()
    {
        const ReleaseSummary r = addRaffle();
        m_now = T0;
        auto d = open(StaffRole::Staff);
        QVERIFY(d->selectRelease(r.id));
        QVERIFY(child<QLabel>(*d, u"readOnlyNote"_s)->isVisible());
        for (const QString &name : {u"newRelease"_s, u"editRelease"_s, u"cancelRelease"_s, u"drawRaffle"_s}) {
            auto *b = child<QPushButton>(*d, name);
            QVERIFY2(!b->isEnabled(), qPrintable(name));
            QVERIFY2(b->toolTip().startsWith(u"Releases are scheduled, changed, canceled and drawn by operations staff"_s),
                     qPrintable(name));
        }
        QTest::keyClick(d.get(), Qt::Key_N, Qt::ControlModifier);
        QTest::keyClick(d->table(), Qt::Key_Delete);
        QTest::qWait(300);   // proves nothing opens: a button's shortcut clicks ~100 ms after the key
        QVERIFY(!d->editDialog());
        QVERIFY(!d->cancelDialog());
        QVERIFY(m_shelf->saved.isEmpty());
        QCOMPARE(cell(*d, 0, ReleaseTableModel::State), u"Waiting for the draw"_s);
    }
};

QTEST_MAIN(TestReleasesDialog)
#include "tst_releasesdialog.moc"
