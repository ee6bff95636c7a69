// The admin's audit log screen, offscreen, on a real PostgreSQL whose triggers wrote the
// entries: filters give the right rows, rows load page by page (off the UI thread, on a
// session of the screen's own), the detail pane marks what changed, and the CSV export holds
// exactly the filtered rows with formulas neutralised.
#include "deskadmintest.h"
#include "dialogdriver.h"

#include "data/pgstaffadmin.h"
#include "tests/support/sessionwait.h"
#include "ui/admin/auditlogscreen.h"
#include "ui/admin/audittablemodel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QFile>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTimeZone>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using namespace rdk::test;
using namespace rdk::test::deskadmin;

namespace {

const QString kFormulaReason = u"=HYPERLINK(\"http://evil.example\",\"click\")"_s;

/// Waits until the pages asked for have arrived; false on timeout.
bool waitLoaded(const AuditLogScreen &screen)
{
    return QTest::qWaitFor([&screen] { return !screen.isLoading(); }, 10000);
}

/// Scrolls to the end, a page at a time; the number of rows then.
int fetchAll(const AuditLogScreen &screen)
{
    int guard = 0;
    waitLoaded(screen);
    while (screen.model()->canFetchMore({}) && ++guard < 1000) {
        screen.model()->fetchMore({});
        if (!waitLoaded(screen))
            return -1;
    }
    return screen.model()->rowCount();
}

/// Each call opens the log on a session of its own as `login`, as the desk's worker factory does.
AuditLogFactory logsAs(const TestDatabase &db, const Login &login)
{
    return [url = db.urlFor(login.login, login.password)]() -> Result<std::unique_ptr<AuditLog>> {
        auto session = data::PgSession::open(url);
        if (!session)
            return session.error();
        return std::unique_ptr<AuditLog>(new data::PgAuditLog(std::move(session).value()));
    };
}

} // namespace

class TestAuditLogScreen final : public QObject {
    Q_OBJECT

    std::unique_ptr<TestDatabase> m_db;
    QString m_tenant;
    Login m_admin;
    QString m_staffLogin;
    std::unique_ptr<data::PgSession> m_session;
    std::unique_ptr<data::PgStaffAdministration> m_staff;
    AuditLogFactory m_logs;

    int ownerCount(const std::string &where, const QString &arg = {})
    {
        return ownerScalar(*m_db, "SELECT count(*) FROM audit_log WHERE tenant_id = '" + str(m_tenant) + "'::uuid AND "
                                      + where,
                           arg)
            .toInt();
    }

private Q_SLOTS:
    void init()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        m_tenant = m_db->createTenant(u"shop-a"_s);
        m_admin = m_db->createStaff(m_tenant, u"admin"_s);
        m_session = openSession(*m_db, m_admin, true);
        QVERIFY(m_session);
        m_staff = std::make_unique<data::PgStaffAdministration>(*m_session);
        m_logs = logsAs(*m_db, m_admin);

        // Entries by the admin (through the service) ...
        m_staffLogin = m_db->uniqueLogin(u"clerk"_s);
        QVERIFY(m_staff->createStaff({m_staffLogin, u"Clerk"_s, StaffRole::Staff, u"correct horse battery"_s}).ok());
        QVERIFY(m_staff->changeRole(m_staffLogin, StaffRole::Ops).ok());
        QVERIFY(m_staff->resetPassword(m_staffLogin, u"another long passphrase"_s).ok());
        // ... and product changes by someone else, one with a reason that looks like a formula.
        pqxx::connection conn(m_db->ownerUrl());
        pqxx::work tx(conn);
        tx.exec_params("SELECT set_config('rdk.reason', $1, true)", str(kFormulaReason));
        for (int i = 0; i < 5; ++i)
            tx.exec_params("INSERT INTO products (tenant_id, sku, name, brand, condition, price_minor, currency, "
                           "inventory_strategy) VALUES ($1::uuid, $2, 'Runner', 'Nike', 'new', 1000, 'USD', 'flat')",
                           str(m_tenant), "AUD-" + std::to_string(100 + i));
        tx.exec("UPDATE products SET price_minor = 1500 WHERE sku = 'AUD-100'");
        tx.commit();
    }

    void cleanup()
    {
        m_logs = {};
        m_staff.reset();
        m_session.reset();
        if (m_db)
            waitForOtherSessionsToEnd(*m_db);
        m_db.reset();
    }

    void filters_returnTheRightRows()
    {
        AuditLogScreen screen(m_logs);
        auto *person = screen.findChild<QLineEdit *>(u"person"_s);
        auto *entity = screen.findChild<QComboBox *>(u"entity"_s);
        auto *action = screen.findChild<QComboBox *>(u"action"_s);

        QCOMPARE(fetchAll(screen), ownerCount("true"));

        person->setText(m_admin.login);
        QTest::keyClick(person, Qt::Key_Return);
        QCOMPARE(fetchAll(screen), 3);
        for (int row = 0; row < screen.model()->rowCount(); ++row)
            QCOMPARE(screen.model()->entryAt(row)->actor, m_admin.login);

        person->clear();
        entity->setEditText(u"product"_s);
        action->setEditText(u"update"_s);
        screen.findChild<QPushButton *>(u"apply"_s)->click();
        QCOMPARE(fetchAll(screen), 1);
        QCOMPARE(screen.model()->entryAt(0)->after.value(u"price_minor"_s).toInt(), 1500);
        QCOMPARE(screen.model()->entryAt(0)->reason, kFormulaReason);

        action->setEditText(u"insert"_s);
        screen.applyFilter();
        QCOMPARE(fetchAll(screen), 5);

        // Whole days, "to" included: today matches everything, tomorrow onwards nothing.
        screen.clearFilter();
        screen.findChild<QCheckBox *>(u"useFrom"_s)->setChecked(true);
        screen.findChild<QCheckBox *>(u"useTo"_s)->setChecked(true);
        screen.applyFilter();
        QCOMPARE(fetchAll(screen), ownerCount("true"));
        screen.findChild<QDateEdit *>(u"from"_s)->setDate(QDate::currentDate().addDays(1));
        screen.findChild<QDateEdit *>(u"to"_s)->setDate(QDate::currentDate().addDays(2));
        screen.applyFilter();
        QVERIFY(waitLoaded(screen));
        QCOMPARE(screen.model()->rowCount(), 0);
        QVERIFY2(screen.message().contains(u"No audit entries"_s), qPrintable(screen.message()));
    }

    void hostileFilters_giveClearAnswers()
    {
        AuditLogScreen screen(m_logs);
        auto *person = screen.findChild<QLineEdit *>(u"person"_s);
        person->setText(u"' OR 1=1; DELETE FROM audit_log; --"_s);
        screen.applyFilter();
        QVERIFY(waitLoaded(screen));
        QCOMPARE(screen.model()->rowCount(), 0);
        QVERIFY2(screen.message().contains(u"No audit entries"_s), qPrintable(screen.message()));
        QVERIFY(ownerCount("true") > 0);

        person->clear();
        screen.findChild<QCheckBox *>(u"useFrom"_s)->setChecked(true);
        screen.findChild<QCheckBox *>(u"useTo"_s)->setChecked(true);
        screen.findChild<QDateEdit *>(u"from"_s)->setDate(QDate::currentDate());
        screen.findChild<QDateEdit *>(u"to"_s)->setDate(QDate::currentDate().addYears(-5));
        screen.applyFilter();
        QVERIFY2(screen.message().contains(u"start date"_s), qPrintable(screen.message()));

        // The widest range the date pickers allow is a valid "everything".
        auto *from = screen.findChild<QDateEdit *>(u"from"_s);
        auto *to = screen.findChild<QDateEdit *>(u"to"_s);
        from->setDate(QDate(1, 1, 1));
        to->setDate(QDate(99999, 1, 1));
        QCOMPARE(from->date(), QDate(1970, 1, 1));
        screen.applyFilter();
        QCOMPARE(fetchAll(screen), ownerCount("true"));
    }

    void rows_loadIncrementally()
    {
        AuditLogScreen screen(m_logs, nullptr, 3);
        const int total = ownerCount("true");
        QVERIFY(total > 6);
        QVERIFY(waitLoaded(screen));
        QCOMPARE(screen.model()->rowCount(), 3);
        QVERIFY(screen.model()->canFetchMore({}));
        screen.model()->fetchMore({});
        QVERIFY(!screen.model()->canFetchMore({}));  // one page at a time
        QVERIFY(waitLoaded(screen));
        QCOMPARE(screen.model()->rowCount(), 6);
        QCOMPARE(fetchAll(screen), total);
        QVERIFY(!screen.model()->canFetchMore({}));
        // Newest first, no duplicates.
        QSet<qint64> ids;
        for (int row = 0; row < total; ++row) {
            ids.insert(screen.model()->entryAt(row)->id);
            if (row > 0)
                QVERIFY(screen.model()->entryAt(row)->atMicros <= screen.model()->entryAt(row - 1)->atMicros);
        }
        QCOMPARE(int(ids.size()), total);
    }

    void detailPane_showsBeforeAfterWithChangesMarked()
    {
        AuditLogScreen screen(m_logs);
        screen.resize(1000, 700);
        screen.show();
        screen.findChild<QLineEdit *>(u"person"_s)->setText(m_admin.login);
        screen.findChild<QComboBox *>(u"action"_s)->setEditText(u"update"_s);
        screen.applyFilter();
        QVERIFY(waitLoaded(screen));
        QCOMPARE(screen.model()->rowCount(), 1);
        screen.table()->setCurrentIndex(screen.model()->index(0, 0));
        QTableWidget *detail = screen.detail();
        QCOMPARE(detail->rowCount(), 2);  // db_role (context) and role (changed)
        QCOMPARE(detail->item(0, 0)->text(), u"login"_s);
        QCOMPARE(detail->item(0, 1)->text(), m_staffLogin);
        QCOMPARE(detail->item(0, 2)->text(), m_staffLogin);
        QVERIFY(!detail->item(0, 1)->font().bold());
        QCOMPARE(detail->item(1, 0)->text(), u"role"_s);
        QCOMPARE(detail->item(1, 1)->text(), u"staff"_s);
        QCOMPARE(detail->item(1, 2)->text(), u"ops"_s);
        QVERIFY(detail->item(1, 2)->font().bold());
        QCOMPARE(detail->item(1, 2)->data(Qt::AccessibleDescriptionRole).toString(), u"changed"_s);
        QVERIFY(!detail->accessibleName().isEmpty());
        // The list speaks in people's words: who the record is, and old → new.
        const QModelIndex record = screen.model()->index(0, AuditTableModel::RecordColumn);
        QVERIFY2(record.data().toString().contains(u"("_s + m_staffLogin + u")"_s), qPrintable(record.data().toString()));
        QCOMPARE(screen.model()->index(0, AuditTableModel::ChangesColumn).data().toString(), u"role staff \u2192 ops"_s);

        // The change mark comes from the palette: light on a light theme, dark on a dark one.
        QCOMPARE(detail->item(1, 2)->background().color().lightness() > 128, true);
        QPalette dark = screen.palette();
        dark.setColor(QPalette::Base, QColor(30, 30, 30));
        dark.setColor(QPalette::Text, QColor(230, 230, 230));
        dark.setColor(QPalette::Highlight, QColor(40, 90, 160));
        screen.setPalette(dark);
        screen.table()->setCurrentIndex({});
        screen.table()->setCurrentIndex(screen.model()->index(0, 0));
        QVERIFY(detail->item(1, 2)->background().color().lightness() < 100);
        screen.clearFilter();
        QVERIFY(waitLoaded(screen));
        screen.table()->setCurrentIndex(screen.model()->index(0, 0));
        maybeScreenshot(&screen, u"audit-log"_s);
    }

    // One time zone everywhere: the shop's, not the PC's (Kiritimati, UTC+14, is no test
    // machine's own), for the times shown and for the days of the date filter.
    void timesAndDays_areTheShops()
    {
        const QTimeZone shop("Pacific/Kiritimati");
        AuditLogScreen screen(m_logs);
        screen.setShopTimeZone(u"Pacific/Kiritimati"_s);
        QVERIFY(waitLoaded(screen));
        QVERIFY(screen.model()->rowCount() > 0);
        const AuditEntry *first = screen.model()->entryAt(0);
        QCOMPARE(screen.model()->data(screen.model()->index(0, AuditTableModel::TimeColumn)).toString(),
                 QLocale().toString(first->at.toTimeZone(shop), QLocale::ShortFormat));
        screen.findChild<QCheckBox *>(u"useFrom"_s)->setChecked(true);
        const AuditFilter filter = screen.filterFromControls();
        QCOMPARE(filter.from, QDateTime::currentDateTimeUtc().toTimeZone(shop).date().startOfDay(shop));
    }

    void exportCsv_holdsTheFilteredRowsWithFormulasNeutralised()
    {
        AuditLogScreen screen(m_logs, nullptr, 2);  // export must not stop at the loaded rows
        screen.setExportPageSize(2);
        screen.findChild<QComboBox *>(u"entity"_s)->setEditText(u"product"_s);
        screen.applyFilter();
        QVERIFY(waitLoaded(screen));
        QCOMPARE(screen.model()->rowCount(), 2);
        QTemporaryDir dir;
        const QString path = dir.filePath(u"audit.csv"_s);
        QSignalSpy finished(&screen, &AuditLogScreen::exportFinished);
        QSignalSpy progressed(&screen, &AuditLogScreen::exportProgressed);
        QVERIFY(screen.exportTo(path));
        QVERIFY(screen.isExporting());
        QVERIFY(!screen.findChild<QPushButton *>(u"export"_s)->isEnabled());  // one export at a time
        QVERIFY(finished.wait(20000));
        QVERIFY2(finished.first().at(0).toBool(), qPrintable(screen.message()));
        QVERIFY2(screen.message().contains(u"Exported 6 entries"_s), qPrintable(screen.message()));
        QVERIFY(screen.findChild<QPushButton *>(u"export"_s)->isEnabled());
        QVERIFY(!progressed.isEmpty());
        QCOMPARE(progressed.first().at(0).toInt(), 2);  // after the first page of two

        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        QVERIFY(bytes.startsWith("\xEF\xBB\xBF"));
        const QString csv = QString::fromUtf8(bytes.mid(3));
        const QStringList lines = csv.split(u"\r\n"_s, Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 1 + 6);
        QCOMPARE(lines.first(), u"id,time_utc,person,action,entity,record_id,reason,changed_fields,before,after"_s);
        for (int i = 1; i < lines.size(); ++i) {
            QVERIFY2(lines.at(i).contains(u",product,"_s), qPrintable(lines.at(i)));
            // The reason cell starts with an apostrophe, so a spreadsheet shows it as text.
            QVERIFY2(lines.at(i).contains(u",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\","_s),
                     qPrintable(lines.at(i)));
            QVERIFY(!lines.at(i).contains(u",=HYPERLINK"_s));
        }
        QVERIFY(csv.contains(u"\"\"price_minor\"\":1500"_s));
        QVERIFY(!csv.contains(u"password_reset"_s));  // other entities are not in the file

        finished.clear();
        QVERIFY(screen.exportTo(dir.filePath(u"no/such/folder/audit.csv"_s)));
        QVERIFY(finished.wait(20000));
        QVERIFY(!finished.first().at(0).toBool());
        QVERIFY2(screen.message().startsWith(u"Export failed: Can't write"_s), qPrintable(screen.message()));
    }

    void exportAuditLogCsv_reportsEachPageAndCancelLeavesNoFile()
    {
        auto log = m_logs();
        QVERIFY(log.ok());
        AuditFilter products;
        products.entity = u"product"_s;
        QTemporaryDir dir;
        // Progress comes after each page (2 entries here) and can cancel: no file then.
        QList<int> steps;
        const QString cancelled = dir.filePath(u"cancelled.csv"_s);
        auto stopped = exportAuditLogCsv(**log, products, cancelled, 2, [&](int count) {
            steps.append(count);
            return count < 4;
        });
        QVERIFY(!stopped.ok());
        QVERIFY2(stopped.error().message.contains(u"cancelled"_s), qPrintable(stopped.error().message));
        QCOMPARE(steps, (QList<int>{2, 4}));
        QVERIFY(!QFile::exists(cancelled));

        auto bad = exportAuditLogCsv(**log, products, dir.filePath(u"no/such/folder/audit.csv"_s), 2);
        QVERIFY(!bad.ok());
        QVERIFY(!bad.error().message.isEmpty());
    }

    void staffLogin_seesTheRefusalNotTheLog()
    {
        const Login clerk = m_db->createStaff(m_tenant, u"staff"_s);
        AuditLogScreen screen(logsAs(*m_db, clerk));
        QVERIFY(waitLoaded(screen));
        QCOMPARE(screen.model()->rowCount(), 0);
        QVERIFY(!screen.model()->canFetchMore({}));
        QVERIFY2(screen.message().contains(u"Couldn't load the audit log"_s), qPrintable(screen.message()));
        QTemporaryDir dir;
        QSignalSpy finished(&screen, &AuditLogScreen::exportFinished);
        QVERIFY(screen.exportTo(dir.filePath(u"audit.csv"_s)));
        QVERIFY(finished.wait(20000));
        QVERIFY(!finished.first().at(0).toBool());
        QVERIFY(!QFile::exists(dir.filePath(u"audit.csv"_s)));
    }
};

QTEST_MAIN(TestAuditLogScreen)
#include "tst_auditlogscreen.moc"
