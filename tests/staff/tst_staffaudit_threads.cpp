// The staff and audit screens never wait for the database on the UI thread: slow services
// behind the domain interfaces record the thread of every call and hold it on a latch while
// the test checks that the window still handles events and shows that it is busy. Also: a
// stale answer is dropped, errors read as sentences, and closing a dialog or the screen while
// a call is under way loses nothing. No database, offscreen widgets.
#include "ui/admin/auditlogscreen.h"
#include "ui/admin/audittablemodel.h"
#include "ui/admin/staffdialogs.h"
#include "ui/admin/staffscreen.h"
#include "ui/admin/stafftablemodel.h"

#include <QApplication>
#include <QCompleter>
#include <QDialogButtonBox>
#include <QFile>
#include <QLineEdit>
#include <QMutex>
#include <QMutexLocker>
#include <QProgressDialog>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimer>
#include <QWaitCondition>

#include <atomic>
#include <memory>
#include <optional>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

namespace {

/// Holds the calls of a fake service while closed. Open again in its destructor, so no test
/// leaves a worker thread waiting.
class Latch final {
public:
    ~Latch() { open(); }
    void close()
    {
        QMutexLocker lock(&m_mutex);
        m_closed = true;
    }
    void open()
    {
        QMutexLocker lock(&m_mutex);
        m_closed = false;
        m_changed.wakeAll();
    }
    /// From a call: counts it, then waits while the latch is closed.
    void pass()
    {
        QMutexLocker lock(&m_mutex);
        ++m_arrived;
        while (m_closed)
            m_changed.wait(&m_mutex);
    }
    /// Calls that reached the latch so far (held or not).
    int arrived() const
    {
        QMutexLocker lock(&m_mutex);
        return m_arrived;
    }

private:
    mutable QMutex m_mutex;
    QWaitCondition m_changed;
    bool m_closed = false;
    int m_arrived = 0;
};

/// What every call of a fake records: its name and the thread it ran on.
class CallLog final {
public:
    void add(const QString &call)
    {
        QMutexLocker lock(&m_mutex);
        m_calls.append(call);
        m_threads.append(QThread::currentThread());
    }
    QStringList calls() const
    {
        QMutexLocker lock(&m_mutex);
        return m_calls;
    }
    QList<QThread *> threads() const
    {
        QMutexLocker lock(&m_mutex);
        return m_threads;
    }

private:
    mutable QMutex m_mutex;
    QStringList m_calls;
    QList<QThread *> m_threads;
};

StaffMember member(const QString &login, bool active = true)
{
    StaffMember m;
    m.login = login;
    m.displayName = login.toUpper();
    m.active = active;
    return m;
}

/// The shop's staff as a slow database would keep them; shared by every service the factory makes.
struct StaffBackend final {
    Latch latch;
    CallLog log;
    QMutex mutex;
    QList<StaffMember> members{member(u"ada"_s)};
    std::optional<Error> listError;
    std::optional<Error> changeError;
};

class FakeStaffAdministration final : public StaffAdministration {
public:
    explicit FakeStaffAdministration(std::shared_ptr<StaffBackend> backend) : m_backend(std::move(backend)) {}

    Result<QList<StaffMember>> listStaff() override
    {
        enter(u"list"_s);
        QMutexLocker lock(&m_backend->mutex);
        if (m_backend->listError)
            return *m_backend->listError;
        return m_backend->members;
    }
    Result<StaffMember> createStaff(const NewStaffAccount &account) override
    {
        enter(u"create "_s + account.login);
        QMutexLocker lock(&m_backend->mutex);
        if (m_backend->changeError)
            return *m_backend->changeError;
        m_backend->members.append(member(account.login));
        return m_backend->members.last();
    }
    Status changeRole(const QString &login, StaffRole) override { return change(u"role "_s + login); }
    Status resetPassword(const QString &login, const QString &) override { return change(u"password "_s + login); }
    Status disable(const QString &login) override
    {
        if (Status done = change(u"disable "_s + login); !done)
            return done;
        setActive(login, false);
        return {};
    }
    Status enable(const QString &login) override
    {
        if (Status done = change(u"enable "_s + login); !done)
            return done;
        setActive(login, true);
        return {};
    }
    Result<TotpEnrolment> beginTotpEnrolment(const QString &login) override
    {
        enter(u"enrol "_s + login);
        return makeTotpEnrolment(login, u"JBSWY3DPEHPK3PXPJBSWY3DP"_s);
    }
    Status confirmTotpEnrolment(const QString &login, const QString &) override { return change(u"confirm "_s + login); }

private:
    void enter(const QString &call)
    {
        m_backend->log.add(call);
        m_backend->latch.pass();
    }
    Status change(const QString &call)
    {
        enter(call);
        QMutexLocker lock(&m_backend->mutex);
        if (m_backend->changeError)
            return *m_backend->changeError;
        return {};
    }
    void setActive(const QString &login, bool active)
    {
        QMutexLocker lock(&m_backend->mutex);
        for (StaffMember &m : m_backend->members) {
            if (m.login == login)
                m.active = active;
        }
    }

    std::shared_ptr<StaffBackend> m_backend;
};

StaffAdministrationFactory staffOf(const std::shared_ptr<StaffBackend> &backend)
{
    return [backend]() -> Result<std::unique_ptr<StaffAdministration>> {
        return std::unique_ptr<StaffAdministration>(new FakeStaffAdministration(backend));
    };
}

AuditEntry entry(qint64 id, const QString &actor)
{
    AuditEntry e;
    e.id = id;
    e.atMicros = 1'700'000'000'000'000 - id;
    e.at = QDateTime::fromMSecsSinceEpoch(e.atMicros / 1000, Qt::UTC);
    e.actor = actor;
    e.action = u"update"_s;
    e.entity = u"product"_s;
    e.entityId = QString::number(id);
    return e;
}

/// An audit log of `entries` entries, newest first, answered a page at a time.
struct AuditBackend final {
    Latch latch;
    CallLog log;
    QMutex mutex;
    QList<AuditEntry> entries;
    std::optional<Error> error;
    /// When set, only this page (0-based) waits at the latch; the others pass.
    std::optional<int> holdOnlyPage;
};

class FakeAuditLog final : public AuditLog {
public:
    explicit FakeAuditLog(std::shared_ptr<AuditBackend> backend) : m_backend(std::move(backend)) {}

    Result<AuditPage> page(const AuditFilter &filter, const std::optional<AuditCursor> &after, int limit) override
    {
        QList<AuditEntry> matching;
        std::optional<int> holdOnly;
        {
            QMutexLocker lock(&m_backend->mutex);
            for (const AuditEntry &e : std::as_const(m_backend->entries)) {
                if ((filter.actor.isEmpty() || e.actor == filter.actor) && (!after || e.id > after->id))
                    matching.append(e);
            }
            holdOnly = m_backend->holdOnlyPage;
        }
        const int pageIndex = after ? int(after->id / limit) : 0;
        m_backend->log.add(u"page %1 of %2"_s.arg(pageIndex).arg(filter.actor.isEmpty() ? u"everyone"_s : filter.actor));
        if (!holdOnly || *holdOnly == pageIndex)
            m_backend->latch.pass();
        QMutexLocker lock(&m_backend->mutex);
        if (m_backend->error)
            return *m_backend->error;
        AuditPage page;
        page.entries = matching.mid(0, limit);
        if (matching.size() > limit)
            page.next = AuditCursor{page.entries.last().atMicros, page.entries.last().id};
        return page;
    }

private:
    std::shared_ptr<AuditBackend> m_backend;
};

AuditLogFactory logOf(const std::shared_ptr<AuditBackend> &backend)
{
    return [backend]() -> Result<std::unique_ptr<AuditLog>> { return std::unique_ptr<AuditLog>(new FakeAuditLog(backend)); };
}

/// True while the UI thread keeps handling events: a zero-time timer fires.
bool uiThreadResponds()
{
    bool fired = false;
    QObject context;
    QTimer::singleShot(0, &context, [&fired] { fired = true; });
    return QTest::qWaitFor([&fired] { return fired; }, 2000);
}

template <typename D>
D *openDialog(const QWidget &screen)
{
    for (D *dialog : screen.findChildren<D *>()) {
        if (dialog->isVisible())
            return dialog;
    }
    return nullptr;
}

void clickOk(QDialog *dialog)
{
    dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->click();
}

QStringList logins(const StaffScreen &screen)
{
    QStringList shown;
    for (int row = 0; row < screen.model()->rowCount(); ++row)
        shown.append(screen.model()->memberAt(row)->login);
    return shown;
}

} // namespace

class TestStaffAuditThreads final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // ---- staff ----------------------------------------------------------------------------

    void staffList_loadsOffTheUiThread_busyUntilItArrives()
    {
        auto backend = std::make_shared<StaffBackend>();
        backend->latch.close();
        StaffScreen screen(staffOf(backend));
        screen.show();
        QTRY_COMPARE(backend->latch.arrived(), 1);
        QVERIFY(backend->log.threads().constFirst() != QThread::currentThread());
        // The call is held in the "database": the window still reacts and says it is busy.
        QVERIFY(uiThreadResponds());
        QVERIFY(screen.isBusy());
        QCOMPARE(screen.status(), u"Loading the staff list…"_s);
        QVERIFY(!screen.findChild<QPushButton *>(u"create"_s)->isEnabled());
        QVERIFY(!screen.findChild<QPushButton *>(u"reload"_s)->isEnabled());
        QCOMPARE(screen.model()->rowCount(), 0);

        backend->latch.open();
        QTRY_COMPARE(logins(screen), QStringList{u"ada"_s});
        QTRY_VERIFY(!screen.isBusy());
        QVERIFY(screen.status().isEmpty());
        QVERIFY(screen.findChild<QPushButton *>(u"create"_s)->isEnabled());
    }

    void staffList_overtakenByANewerOne_olderAnswerNeverShown()
    {
        auto backend = std::make_shared<StaffBackend>();
        backend->latch.close();
        StaffScreen screen(staffOf(backend));
        QStringList shownEver;
        connect(screen.model(), &QAbstractItemModel::modelReset, this, [&] { shownEver += logins(screen); });
        QTRY_COMPARE(backend->latch.arrived(), 1);  // the first list is being read...
        {
            QMutexLocker lock(&backend->mutex);
            backend->members.append(member(u"bea"_s));  // ...when someone adds Bea
        }
        screen.reload();  // asked again: the answer under way is now stale
        backend->latch.open();
        QTRY_VERIFY(!screen.isBusy());
        QCOMPARE(backend->log.calls(), (QStringList{u"list"_s, u"list"_s}));
        QCOMPARE(logins(screen), (QStringList{u"ada"_s, u"bea"_s}));
        // Only the newer answer reached the table, never the stale list without Bea.
        QCOMPARE(shownEver, (QStringList{u"ada"_s, u"bea"_s}));
    }

    void staffList_error_showsASentence()
    {
        auto backend = std::make_shared<StaffBackend>();
        backend->listError = Error::unavailable(u"The database is not reachable; check the network and try again."_s);
        StaffScreen screen(staffOf(backend));
        QTRY_VERIFY(!screen.isBusy());
        QCOMPARE(screen.message(),
                 u"Couldn't load the staff list: The database is not reachable; check the network and try again."_s);
        QCOMPARE(screen.model()->rowCount(), 0);
    }

    void staffFactory_error_showsASentence()
    {
        StaffScreen screen([]() -> Result<std::unique_ptr<StaffAdministration>> {
            return Error::unavailable(u"The database connection is busy; try again in a moment."_s);
        });
        QTRY_VERIFY(!screen.isBusy());
        QVERIFY2(screen.message().endsWith(u"The database connection is busy; try again in a moment."_s),
                 qPrintable(screen.message()));
    }

    void createAccount_dialogWaitsForTheAnswer_offTheUiThread_thenCloses()
    {
        auto backend = std::make_shared<StaffBackend>();
        StaffScreen screen(staffOf(backend));
        screen.show();
        QTRY_VERIFY(!screen.isBusy());
        backend->latch.close();
        screen.createAccount();
        auto *dialog = openDialog<StaffAccountDialog>(screen);
        QVERIFY(dialog);
        dialog->findChild<QLineEdit *>(u"login"_s)->setText(u"cleo"_s);
        dialog->findChild<QLineEdit *>(u"password"_s)->setText(u"a long enough passphrase"_s);
        dialog->findChild<QLineEdit *>(u"repeat"_s)->setText(u"a long enough passphrase"_s);
        clickOk(dialog);
        QTRY_COMPARE(backend->latch.arrived(), 2);
        QCOMPARE(backend->log.calls().last(), u"create cleo"_s);
        QVERIFY(backend->log.threads().last() != QThread::currentThread());
        QVERIFY(uiThreadResponds());
        QVERIFY(dialog->isSubmitting());
        auto *ok = dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        QVERIFY(!ok->isEnabled());
        QCOMPARE(ok->text(), u"Saving…"_s);
        QCOMPARE(screen.status(), u"Creating the account cleo…"_s);
        clickOk(dialog);  // a second OK while it waits sends nothing more

        backend->latch.open();
        QTRY_VERIFY(!screen.isBusy());
        QVERIFY(!openDialog<StaffAccountDialog>(screen));
        QCOMPARE(logins(screen), (QStringList{u"ada"_s, u"cleo"_s}));
        QVERIFY2(screen.message().startsWith(u"Account cleo created."_s), qPrintable(screen.message()));
        QCOMPARE(backend->log.calls().count(u"create cleo"_s), 1);
    }

    void createAccount_refused_sentenceStaysInTheDialog()
    {
        auto backend = std::make_shared<StaffBackend>();
        backend->changeError = Error::conflict(u"The login cleo is already taken."_s);
        StaffScreen screen(staffOf(backend));
        QTRY_VERIFY(!screen.isBusy());
        screen.createAccount();
        auto *dialog = openDialog<StaffAccountDialog>(screen);
        QVERIFY(dialog);
        dialog->findChild<QLineEdit *>(u"login"_s)->setText(u"cleo"_s);
        dialog->findChild<QLineEdit *>(u"password"_s)->setText(u"a long enough passphrase"_s);
        dialog->findChild<QLineEdit *>(u"repeat"_s)->setText(u"a long enough passphrase"_s);
        clickOk(dialog);
        QTRY_VERIFY(!screen.isBusy());
        QVERIFY(dialog->isVisible());
        QVERIFY(!dialog->isSubmitting());
        QCOMPARE(dialog->errorText(), u"The login cleo is already taken."_s);
        QVERIFY(dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->isEnabled());
        QVERIFY(screen.message().isEmpty());  // said where the admin is looking
        dialog->reject();
    }

    void dialogClosedWhileSaving_changeStillMade_outcomeShownOnTheScreen()
    {
        auto backend = std::make_shared<StaffBackend>();
        StaffScreen screen(staffOf(backend));
        QTRY_VERIFY(!screen.isBusy());
        QVERIFY(screen.selectLogin(u"ada"_s));
        backend->latch.close();
        screen.resetPassword();
        auto *dialog = openDialog<PasswordResetDialog>(screen);
        QVERIFY(dialog);
        dialog->findChild<QLineEdit *>(u"password"_s)->setText(u"another long passphrase"_s);
        dialog->findChild<QLineEdit *>(u"repeat"_s)->setText(u"another long passphrase"_s);
        clickOk(dialog);
        QTRY_COMPARE(backend->latch.arrived(), 2);
        dialog->reject();  // Esc while it saves
        QTRY_VERIFY(!openDialog<PasswordResetDialog>(screen));

        backend->latch.open();
        QTRY_VERIFY(!screen.isBusy());
        QVERIFY(backend->log.calls().contains(u"password ada"_s));
        QCOMPARE(screen.message(), u"The password of ada was reset."_s);
    }

    void dialogClosedWhileSaving_refusalShownOnTheScreen()
    {
        auto backend = std::make_shared<StaffBackend>();
        backend->changeError = Error::forbidden(u"Enter your two-factor code before managing staff accounts."_s);
        StaffScreen screen(staffOf(backend));
        QTRY_VERIFY(!screen.isBusy());
        QVERIFY(screen.selectLogin(u"ada"_s));
        backend->latch.close();
        screen.changeRole();
        auto *dialog = openDialog<RoleDialog>(screen);
        QVERIFY(dialog);
        clickOk(dialog);
        QTRY_COMPARE(backend->latch.arrived(), 2);
        dialog->reject();
        backend->latch.open();
        QTRY_VERIFY(!screen.isBusy());
        QCOMPARE(screen.message(),
                 u"Couldn't change the role of ada: Enter your two-factor code before managing staff accounts."_s);
    }

    void screenClosedWhileAChangeRuns_changeCompletes_noAnswerReachesIt()
    {
        auto backend = std::make_shared<StaffBackend>();
        auto *screen = new StaffScreen(staffOf(backend));
        screen->setConfirm([](const QString &, const QString &) { return true; });
        QTRY_VERIFY(!screen->isBusy());
        QVERIFY(screen->selectLogin(u"ada"_s));
        backend->latch.close();
        screen->disableAccount();
        QTRY_COMPARE(backend->latch.arrived(), 2);
        // The window closes while the database works. Its runner (a child, deleted after the
        // widget's destroyed() signal) waits boundedly for the change: the database finishes
        // it as the screen goes.
        connect(screen, &QObject::destroyed, this, [backend] { backend->latch.open(); });
        delete screen;
        QVERIFY(backend->log.calls().contains(u"disable ada"_s));
        QMutexLocker lock(&backend->mutex);
        QVERIFY(!backend->members.constFirst().active);  // done, not half done
    }

    // ---- audit log ------------------------------------------------------------------------

    void auditPage_loadsOffTheUiThread_busyUntilItArrives()
    {
        auto backend = std::make_shared<AuditBackend>();
        backend->entries = {entry(1, u"ada"_s), entry(2, u"bea"_s)};
        backend->latch.close();
        AuditLogScreen screen(logOf(backend));
        screen.show();
        QTRY_COMPARE(backend->latch.arrived(), 1);
        QVERIFY(backend->log.threads().constFirst() != QThread::currentThread());
        QVERIFY(uiThreadResponds());
        QVERIFY(screen.isLoading());
        QCOMPARE(screen.status(), u"Searching the audit log…"_s);
        QCOMPARE(screen.model()->rowCount(), 0);

        backend->latch.open();
        QTRY_COMPARE(screen.model()->rowCount(), 2);
        QTRY_VERIFY(!screen.isLoading());
        QVERIFY(screen.status().isEmpty());
    }

    void auditFilterChangedWhileLoading_olderPageDropped()
    {
        auto backend = std::make_shared<AuditBackend>();
        backend->entries = {entry(1, u"ada"_s), entry(2, u"bea"_s), entry(3, u"ada"_s)};
        backend->latch.close();
        AuditLogScreen screen(logOf(backend));
        int rowsAdded = 0;
        connect(screen.model(), &QAbstractItemModel::rowsInserted, this,
                [&](const QModelIndex &, int first, int last) { rowsAdded += last - first + 1; });
        QTRY_COMPARE(backend->latch.arrived(), 1);  // everyone's first page is being read...
        screen.findChild<QLineEdit *>(u"person"_s)->setText(u"bea"_s);
        screen.applyFilter();  // ...when the admin asks for Bea's
        backend->latch.open();
        QTRY_VERIFY(!screen.isLoading());
        QCOMPARE(screen.model()->rowCount(), 1);
        QCOMPARE(screen.model()->entryAt(0)->actor, u"bea"_s);
        QCOMPARE(rowsAdded, 1);  // the three rows of the replaced filter never reached the table
    }

    void auditPage_error_showsASentence()
    {
        auto backend = std::make_shared<AuditBackend>();
        backend->error = Error::forbidden(u"Only an admin can read the audit log."_s);
        AuditLogScreen screen(logOf(backend));
        QTRY_VERIFY(!screen.isLoading());
        QCOMPARE(screen.message(), u"Couldn't load the audit log: Only an admin can read the audit log."_s);
        QVERIFY(!screen.model()->canFetchMore({}));
    }

    void auditScreenClosedWhileLoading_noAnswerReachesIt()
    {
        auto backend = std::make_shared<AuditBackend>();
        backend->entries = {entry(1, u"ada"_s)};
        backend->latch.close();
        auto *screen = new AuditLogScreen(logOf(backend));
        QTRY_COMPARE(backend->latch.arrived(), 1);
        connect(screen, &QObject::destroyed, this, [backend] { backend->latch.open(); });
        delete screen;  // nothing is left to receive the page: no crash, no hang
        QCOMPARE(backend->log.calls(), QStringList{u"page 0 of everyone"_s});
    }

    void knownPeople_loadedOffTheUiThread()
    {
        auto backend = std::make_shared<AuditBackend>();
        AuditLogScreen screen(logOf(backend));
        std::atomic<QThread *> askedOn{nullptr};
        screen.loadKnownPeople([&askedOn]() -> Result<QStringList> {
            askedOn = QThread::currentThread();
            return QStringList{u"ada"_s, u"bea"_s};
        });
        QTRY_VERIFY(!screen.isLoading());
        QVERIFY(askedOn.load() && askedOn.load() != QThread::currentThread());
        auto *completer = screen.findChild<QLineEdit *>(u"person"_s)->completer();
        QVERIFY(completer);
        QCOMPARE(completer->model()->rowCount(), 2);
    }

    void auditExport_progressShown_cancelLeavesNoFile()
    {
        auto backend = std::make_shared<AuditBackend>();
        for (int id = 1; id <= 6; ++id)
            backend->entries.append(entry(id, u"ada"_s));
        AuditLogScreen screen(logOf(backend));
        screen.show();
        QTRY_VERIFY(!screen.isLoading());
        screen.setExportPageSize(2);
        // The export's second page waits in the "database" until Cancel was clicked.
        {
            QMutexLocker lock(&backend->mutex);
            backend->holdOnlyPage = 1;
        }
        backend->latch.close();
        QTemporaryDir dir;
        const QString path = dir.filePath(u"audit.csv"_s);
        QSignalSpy progressed(&screen, &AuditLogScreen::exportProgressed);
        QSignalSpy finished(&screen, &AuditLogScreen::exportFinished);
        QVERIFY(screen.exportTo(path));
        QVERIFY(!screen.exportTo(path));  // one export at a time
        QTRY_COMPARE(progressed.size(), 1);
        QCOMPARE(progressed.first().at(0).toInt(), 2);
        QVERIFY(backend->log.threads().last() != QThread::currentThread());
        QVERIFY(uiThreadResponds());
        auto *progress = screen.findChild<QProgressDialog *>(u"exportProgress"_s);
        QVERIFY(progress);
        QCOMPARE(progress->labelText(), u"Exported 2 entries…"_s);
        QVERIFY(!screen.findChild<QPushButton *>(u"export"_s)->isEnabled());
        auto *cancel = progress->findChild<QPushButton *>();
        QVERIFY(cancel);
        cancel->click();
        backend->latch.open();
        QVERIFY(finished.wait(5000));
        QVERIFY(!finished.first().at(0).toBool());
        QCOMPARE(screen.message(), u"Export failed: Export cancelled; no file was written."_s);
        QVERIFY(!QFile::exists(path));
        QVERIFY(screen.findChild<QPushButton *>(u"export"_s)->isEnabled());
        QVERIFY(!backend->log.calls().contains(u"page 2 of everyone"_s));  // stopped after the page under way
    }
};

QTEST_MAIN(TestStaffAuditThreads)
#include "tst_staffaudit_threads.moc"
