// The admin's staff screen driven like a person would, offscreen, against a real PostgreSQL
// with real login roles, wired as rdk-desk wires it: the admin signs in with a code
// (DeskConnection) and every call runs on a worker session from the WorkerSessionPool. Each
// action must have its effect in the database (a new login connects, an old password fails...),
// and refusals must show up as clear messages.
#include "deskadmintest.h"
#include "dialogdriver.h"
#include "qrdecode.h"

#include "app/desk/workersessions.h"
#include "data/deskconnection.h"
#include "data/pgstaffadmin.h"
#include "domain/totp.h"
#include "tests/desk/desktestsupport.h"
#include "tests/support/sessionwait.h"
#include "ui/admin/staffdialogs.h"
#include "ui/admin/staffscreen.h"
#include "ui/admin/stafftablemodel.h"
#include "ui/qrcodewidget.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QTest>
#include <QUrl>
#include <QUrlQuery>

#include <qrencode.h>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using namespace rdk::test;
using namespace rdk::test::deskadmin;

namespace {

void setField(QDialog *dialog, const char *name, const QString &text)
{
    auto *edit = dialog->findChild<QLineEdit *>(QString::fromLatin1(name));
    QVERIFY2(edit, name);
    edit->setText(text);
}

void chooseRole(QDialog *dialog, StaffRole role)
{
    auto *combo = dialog->findChild<QComboBox *>(u"role"_s);
    combo->setCurrentIndex(combo->findData(toString(role)));
}

QString cell(const StaffScreen &screen, const QString &login, int column)
{
    const int row = screen.model()->rowOfLogin(login);
    return row < 0 ? QString() : screen.model()->index(row, column).data().toString();
}

/// The dialog of type D the screen has open, if any.
template <typename D>
D *openDialog(const QWidget &screen)
{
    for (D *dialog : screen.findChildren<D *>()) {
        if (dialog->isVisible())
            return dialog;
    }
    return nullptr;
}

/// A service per call on a pooled worker session, as app/desk/screens.cpp builds it.
StaffAdministrationFactory workerStaff(WorkerSessionPool *pool)
{
    return [pool]() -> Result<std::unique_ptr<StaffAdministration>> {
        auto session = pool->take();
        if (!session)
            return session.error();
        return std::unique_ptr<StaffAdministration>(new data::PgStaffAdministration(std::move(session).value()));
    };
}

} // namespace

class TestStaffScreen final : public QObject {
    Q_OBJECT

    std::unique_ptr<TestDatabase> m_db;
    QString m_tenant;
    Login m_admin;
    std::unique_ptr<data::DeskConnection> m_desk;
    std::unique_ptr<WorkerSessionPool> m_workers;
    std::unique_ptr<data::PgStaffAdministration> m_service;  // fixtures, on the main session
    std::unique_ptr<StaffScreen> m_screen;
    QStringList m_questions;

    std::unique_ptr<data::DeskConnection> signIn(const Login &login)
    {
        auto desk = std::make_unique<data::DeskConnection>();
        const QString code = m_db->totpSecretOf(login.login).isEmpty() ? QString() : codeFor(*m_db, login);
        if (const SignInResult result = desk->signIn(requestFor(*m_db, login, code)); !result)
            qWarning("sign-in failed: %s", qPrintable(result.error().message));
        return desk;
    }

    NewStaffAccount createDirectly(const QString &hint)
    {
        const NewStaffAccount a{m_db->uniqueLogin(hint), u"Riley "_s + hint, StaffRole::Staff, u"correct horse battery"_s};
        auto r = m_service->createStaff(a);
        if (!r.ok())
            qWarning("%s", qPrintable(r.error().message));
        m_screen->reload();
        if (!QTest::qWaitFor([this] { return !m_screen->isBusy(); }, 10000))
            qWarning("the staff list did not reload");
        return a;
    }

    static void waitIdle(const StaffScreen &screen)
    {
        QTRY_VERIFY_WITH_TIMEOUT(!screen.isBusy(), 10000);
    }

private Q_SLOTS:
    void init()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        m_tenant = m_db->createTenant(u"shop-a"_s);
        m_admin = m_db->createStaff(m_tenant, u"admin"_s);
        security::waitAwayFromStepEdge();
        m_desk = signIn(m_admin);
        QVERIFY(m_desk->isSignedIn());
        m_workers = std::make_unique<WorkerSessionPool>(*m_desk, 1);
        m_service = std::make_unique<data::PgStaffAdministration>(m_desk->mainSession());
        m_screen = std::make_unique<StaffScreen>(workerStaff(m_workers.get()));
        m_questions.clear();
        m_screen->setConfirm([this](const QString &, const QString &question) {
            m_questions.append(question);
            return true;
        });
        m_screen->resize(900, 600);
        m_screen->show();
        waitIdle(*m_screen);
    }

    void cleanup()
    {
        m_screen.reset();
        m_service.reset();
        m_workers.reset();
        m_desk.reset();
        if (m_db)
            waitForOtherSessionsToEnd(*m_db);
        m_db.reset();
    }

    void screen_listsTheShopsStaffWithAccessibleControls()
    {
        QCOMPARE(m_screen->model()->rowCount(), 1);
        QCOMPARE(cell(*m_screen, m_admin.login, StaffTableModel::RoleColumn), u"Administrator"_s);
        QCOMPARE(cell(*m_screen, m_admin.login, StaffTableModel::TwoFactorColumn), u"On"_s);
        const auto buttons = m_screen->findChildren<QPushButton *>();
        QVERIFY(buttons.size() >= 6);
        for (const QPushButton *b : buttons)
            QVERIFY2(!b->accessibleName().isEmpty(), qPrintable(b->objectName()));
        QVERIFY(!m_screen->table()->accessibleName().isEmpty());
        // Nothing selected: the per-person actions are off.
        QVERIFY(!m_screen->findChild<QPushButton *>(u"disable"_s)->isEnabled());
        QVERIFY(m_screen->findChild<QPushButton *>(u"create"_s)->isEnabled());
        QVERIFY(m_screen->status().isEmpty());
    }

    void createAccount_throughTheScreen_onAWorkerSession_loginCanConnect()
    {
        const QString login = m_db->uniqueLogin(u"ui"_s);
        // Ctrl+N, as the button's shortcut says.
        QApplication::setActiveWindow(m_screen.get());
        QVERIFY(QTest::qWaitForWindowActive(m_screen.get()));
        QTest::keyClick(m_screen.get(), Qt::Key_N, Qt::ControlModifier);
        StaffAccountDialog *d = nullptr;  // a shortcut "animates" the click: it comes a moment later
        QTRY_VERIFY((d = openDialog<StaffAccountDialog>(*m_screen)) != nullptr);
        setField(d, "login", login);
        setField(d, "displayName", u"Jordan Kay"_s);
        chooseRole(d, StaffRole::Ops);
        setField(d, "password", u"a long enough passphrase"_s);
        setField(d, "repeat", u"a long enough passphrase"_s);
        clickOk(d);
        // Creating a login needs an admin whose session passed two-factor: the worker session
        // the pool handed out was vouched for by the verified main session.
        QTRY_COMPARE_WITH_TIMEOUT(cell(*m_screen, login, StaffTableModel::NameColumn), u"Jordan Kay"_s, 10000);
        QCOMPARE(cell(*m_screen, login, StaffTableModel::RoleColumn), u"Operations"_s);
        QTRY_VERIFY(!openDialog<StaffAccountDialog>(*m_screen));
        QVERIFY2(m_screen->message().contains(login), qPrintable(m_screen->message()));
        QVERIFY(canConnect(*m_db, login, u"a long enough passphrase"_s));
    }

    void createAccount_errorsStayInTheDialog()
    {
        const NewStaffAccount existing = createDirectly(u"dup"_s);
        QStringList errors;
        m_screen->createAccount();
        auto *d = openDialog<StaffAccountDialog>(*m_screen);
        QVERIFY(d);
        setField(d, "login", existing.login);
        setField(d, "password", u"a long enough passphrase"_s);
        setField(d, "repeat", u"something else entirely"_s);
        clickOk(d);
        QVERIFY(!d->isSubmitting());  // checked here, nothing sent
        errors << d->errorText();
        setField(d, "repeat", u"a long enough passphrase"_s);
        clickOk(d);
        QTRY_VERIFY_WITH_TIMEOUT(!d->isSubmitting(), 10000);
        errors << d->errorText();
        setField(d, "login", u"Robert'); DROP ROLE rdk_admin;--"_s);
        clickOk(d);
        errors << d->errorText();
        setField(d, "login", QString(300, u'z'));
        clickOk(d);
        errors << d->errorText();
        QVERIFY(d->isVisible());
        d->reject();
        QCOMPARE(errors.size(), 4);
        QVERIFY2(errors.at(0).contains(u"not the same"_s), qPrintable(errors.at(0)));
        QVERIFY2(errors.at(1).contains(u"already taken"_s), qPrintable(errors.at(1)));
        QVERIFY2(errors.at(2).contains(u"letters"_s), qPrintable(errors.at(2)));
        QVERIFY2(!errors.at(3).isEmpty(), "very long login gives an error");
        waitIdle(*m_screen);
        QCOMPARE(m_screen->model()->rowCount(), 2);
        QCOMPARE(ownerScalar(*m_db, "SELECT display_name FROM profiles WHERE db_role = $1", existing.login),
                 existing.displayName);
    }

    void changeRole_throughTheScreen()
    {
        const NewStaffAccount a = createDirectly(u"role"_s);
        QVERIFY(m_screen->selectLogin(a.login));
        m_screen->findChild<QPushButton *>(u"changeRole"_s)->click();
        auto *d = openDialog<RoleDialog>(*m_screen);
        QVERIFY(d);
        chooseRole(d, StaffRole::Admin);
        clickOk(d);
        QCOMPARE(m_questions.size(), 1);  // granting admin asks first
        QTRY_COMPARE_WITH_TIMEOUT(cell(*m_screen, a.login, StaffTableModel::RoleColumn), u"Administrator"_s, 10000);
        QCOMPARE(ownerScalar(*m_db, "SELECT pg_has_role($1, 'rdk_admin', 'MEMBER')::text", a.login), u"true"_s);
    }

    void changeOwnRole_showsTheRefusal()
    {
        QVERIFY(m_screen->selectLogin(m_admin.login));
        m_screen->changeRole();
        auto *d = openDialog<RoleDialog>(*m_screen);
        QVERIFY(d);
        chooseRole(d, StaffRole::Staff);
        clickOk(d);
        QTRY_VERIFY_WITH_TIMEOUT(!d->isSubmitting(), 10000);
        const QString error = d->errorText();
        QVERIFY(d->isVisible());
        d->reject();
        QVERIFY2(error.contains(u"own role"_s), qPrintable(error));
        QCOMPARE(ownerScalar(*m_db, "SELECT role FROM profiles WHERE db_role = $1", m_admin.login), u"admin"_s);
    }

    void resetPassword_throughTheScreen_oldFailsNewWorks()
    {
        const NewStaffAccount a = createDirectly(u"pw"_s);
        QVERIFY(m_screen->selectLogin(a.login));
        m_screen->findChild<QPushButton *>(u"resetPassword"_s)->click();
        auto *d = openDialog<PasswordResetDialog>(*m_screen);
        QVERIFY(d);
        setField(d, "password", u"the new passphrase"_s);
        setField(d, "repeat", u"the new passphrasf"_s);
        clickOk(d);
        const QString mismatch = d->errorText();
        setField(d, "repeat", u"the new passphrase"_s);
        clickOk(d);
        waitIdle(*m_screen);
        QVERIFY2(mismatch.contains(u"not the same"_s), qPrintable(mismatch));
        QVERIFY2(m_screen->message().contains(u"was reset"_s), qPrintable(m_screen->message()));
        QVERIFY(!canConnect(*m_db, a.login, a.password));
        QVERIFY(canConnect(*m_db, a.login, u"the new passphrase"_s));
    }

    void disable_asksFirstThenLoginIsRefused()
    {
        const NewStaffAccount a = createDirectly(u"off"_s);
        QVERIFY(m_screen->selectLogin(a.login));
        m_screen->setConfirm([](const QString &, const QString &) { return false; });
        m_screen->findChild<QPushButton *>(u"disable"_s)->click();
        QVERIFY(!m_screen->isBusy());  // declined: nothing was sent
        QVERIFY(canConnect(*m_db, a.login, a.password));
        m_screen->setConfirm([](const QString &, const QString &) { return true; });
        m_screen->findChild<QPushButton *>(u"disable"_s)->click();
        waitIdle(*m_screen);
        QVERIFY(!canConnect(*m_db, a.login, a.password));
        QCOMPARE(cell(*m_screen, a.login, StaffTableModel::StatusColumn), u"Disabled"_s);
        createDirectly(u"alex"_s);
        QVERIFY(m_screen->selectLogin(a.login));
        maybeScreenshot(m_screen.get(), u"staff"_s);
        QVERIFY(m_screen->findChild<QPushButton *>(u"enable"_s)->isEnabled());
        QVERIFY(!m_screen->findChild<QPushButton *>(u"resetPassword"_s)->isEnabled());
    }

    void change_whileAFreshCodeIsPending_isRefusedThenPassesOnceTheCodeIsIn()
    {
        const NewStaffAccount a = createDirectly(u"later"_s);
        // A reconnect is a new database session: until the admin types a fresh code the
        // database refuses staff changes, on worker sessions too.
        m_desk->dropMainConnection();
        QCOMPARE(m_desk->reconnect(), ReconnectOutcome::RestoredNeedsCode);
        QVERIFY(m_screen->selectLogin(a.login));
        m_screen->disableAccount();
        waitIdle(*m_screen);
        QVERIFY2(m_screen->message().contains(u"two-factor code"_s), qPrintable(m_screen->message()));
        QVERIFY(canConnect(*m_db, a.login, a.password));

        QVERIFY(m_desk->verifySecondFactor(codeFor(*m_db, m_admin, 1)).ok());
        QVERIFY(m_screen->selectLogin(a.login));
        m_screen->disableAccount();
        waitIdle(*m_screen);
        QVERIFY2(m_screen->message().contains(u"is disabled"_s), qPrintable(m_screen->message()));
        QVERIFY(!canConnect(*m_db, a.login, a.password));
    }

    void twoFactor_qrEncodesTheUriAndTheFirstCodeIsChecked()
    {
        const NewStaffAccount a = createDirectly(u"otp"_s);
        QVERIFY(m_screen->selectLogin(a.login));
        m_screen->findChild<QPushButton *>(u"twoFactor"_s)->click();
        // The enrolment is started in the database first; the dialog opens with its answer.
        TotpEnrolmentDialog *d = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((d = openDialog<TotpEnrolmentDialog>(*m_screen)) != nullptr, 10000);

        QrCodeWidget *qr = d->qrCode();
        const QString uri = qr->text();
        const int modules = qr->moduleCount();
        const QString qrAccessible = qr->accessibleName();
        const QByteArray decoded = test::qr::decode(qr->grab().toImage()).value_or(QByteArray());
        const QString secretShown = d->findChild<QLabel *>(u"secret"_s)->text().remove(u' ');
        // The same text through libqrencode gives the same module matrix.
        const QByteArray bytes = uri.toUtf8();
        QRcode *code = QRcode_encodeData(int(bytes.size()), reinterpret_cast<const unsigned char *>(bytes.constData()), 0,
                                         QR_ECLEVEL_M);
        const int expectedModules = code ? code->width : -1;
        bool sameMatrix = true;
        for (int y = 0; code && y < code->width; ++y)
            for (int x = 0; x < code->width; ++x)
                sameMatrix = sameMatrix && qr->isDark(x, y) == bool(code->data[y * code->width + x] & 1);
        QRcode_free(code);

        const QByteArray secret = base32Decode(secretShown).value_or(QByteArray());
        maybeScreenshot(d, u"staff-2fa-enrolment"_s);
        setField(d, "code", security::wrongCode(secret));
        clickOk(d);
        QTRY_VERIFY_WITH_TIMEOUT(!d->isSubmitting(), 10000);
        const QString wrongError = d->errorText();
        QVERIFY(d->isVisible());
        security::waitAwayFromStepEdge();
        setField(d, "code", security::totpNow(secret));
        clickOk(d);
        waitIdle(*m_screen);
        QVERIFY(!openDialog<TotpEnrolmentDialog>(*m_screen));

        QVERIFY2(uri.startsWith(u"otpauth://totp/Real%20Deal%20Kickz:"_s + a.login + u"?secret="_s), qPrintable(uri));
        QCOMPARE(QUrlQuery(QUrl(uri)).queryItemValue(u"secret"_s), secretShown);
        QCOMPARE(QUrlQuery(QUrl(uri)).queryItemValue(u"issuer"_s, QUrl::FullyDecoded), u"Real Deal Kickz"_s);
        QCOMPARE(QString::fromUtf8(decoded), uri);  // what a phone camera would read
        QCOMPARE(modules, expectedModules);
        QVERIFY(modules >= 21 && (modules - 17) % 4 == 0);
        QVERIFY(sameMatrix);
        QVERIFY(!qrAccessible.isEmpty());
        QVERIFY2(wrongError.contains(u"not right"_s), qPrintable(wrongError));
        QCOMPARE(cell(*m_screen, a.login, StaffTableModel::TwoFactorColumn), u"On"_s);
        QCOMPARE(ownerScalar(*m_db, "SELECT twofa_enabled::text FROM profiles WHERE db_role = $1", a.login), u"true"_s);
    }

    void staffLogin_screenShowsTheDatabaseRefusal()
    {
        const Login staff = m_db->createStaff(m_tenant, u"staff"_s);
        auto desk = signIn(staff);
        QVERIFY(desk->isSignedIn());
        WorkerSessionPool workers(*desk, 1);
        StaffScreen screen(workerStaff(&workers));
        waitIdle(screen);
        QCOMPARE(screen.model()->rowCount(), 1);  // only themselves
        const QString login = m_db->uniqueLogin(u"sneak"_s);
        screen.createAccount();
        auto *d = openDialog<StaffAccountDialog>(screen);
        QVERIFY(d);
        setField(d, "login", login);
        chooseRole(d, StaffRole::Admin);
        setField(d, "password", u"a long enough passphrase"_s);
        setField(d, "repeat", u"a long enough passphrase"_s);
        clickOk(d);
        QTRY_VERIFY_WITH_TIMEOUT(!d->isSubmitting(), 10000);
        const QString error = d->errorText();
        d->reject();
        QVERIFY2(error.contains(u"Only an admin"_s), qPrintable(error));
        QVERIFY(!roleExists(*m_db, login));
    }
};

QTEST_MAIN(TestStaffScreen)
#include "tst_staffscreen.moc"
