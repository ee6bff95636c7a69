// The admin's staff screen driven like a person would, offscreen, against a real PostgreSQL
// with real login roles: each action must have its effect in the database (a new login
// connects, an old password fails...), and refusals must show up as clear messages.
#include "deskadmintest.h"
#include "dialogdriver.h"
#include "qrdecode.h"

#include "data/pgstaffadmin.h"
#include "domain/totp.h"
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

QString dialogError(QDialog *dialog)
{
    auto *label = dialog->findChild<QLabel *>(u"error"_s);
    return label && !label->isHidden() ? label->text() : QString();
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

} // namespace

class TestStaffScreen final : public QObject {
    Q_OBJECT

    std::unique_ptr<TestDatabase> m_db;
    QString m_tenant;
    Login m_admin;
    std::unique_ptr<data::PgSession> m_session;
    std::unique_ptr<data::PgStaffAdministration> m_service;
    std::unique_ptr<StaffScreen> m_screen;
    QStringList m_questions;

    NewStaffAccount createDirectly(const QString &hint)
    {
        const NewStaffAccount a{m_db->uniqueLogin(hint), u"Riley "_s + hint, StaffRole::Staff, u"correct horse battery"_s};
        auto r = m_service->createStaff(a);
        if (!r.ok())
            qWarning("%s", qPrintable(r.error().message));
        m_screen->reload();
        return a;
    }

private Q_SLOTS:
    void init()
    {
        RDK_CREATE_TEST_DATABASE(m_db);
        m_tenant = m_db->createTenant(u"shop-a"_s);
        m_admin = m_db->createStaff(m_tenant, u"admin"_s);
        m_session = openSession(*m_db, m_admin, true);
        QVERIFY(m_session);
        m_service = std::make_unique<data::PgStaffAdministration>(*m_session);
        m_screen = std::make_unique<StaffScreen>(*m_service);
        m_questions.clear();
        m_screen->setConfirm([this](const QString &, const QString &question) {
            m_questions.append(question);
            return true;
        });
        m_screen->resize(900, 600);
        m_screen->show();
    }

    void cleanup()
    {
        m_screen.reset();
        m_service.reset();
        m_session.reset();
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
    }

    void createAccount_throughTheScreen_loginCanConnect()
    {
        const QString login = m_db->uniqueLogin(u"ui"_s);
        whenDialogOpens<StaffAccountDialog>([&](StaffAccountDialog *d) {
            setField(d, "login", login);
            setField(d, "displayName", u"Jordan Kay"_s);
            chooseRole(d, StaffRole::Ops);
            setField(d, "password", u"a long enough passphrase"_s);
            setField(d, "repeat", u"a long enough passphrase"_s);
            clickOk(d);
        });
        // Ctrl+N, as the button's shortcut says.
        QApplication::setActiveWindow(m_screen.get());
        QVERIFY(QTest::qWaitForWindowActive(m_screen.get()));
        QTest::keyClick(m_screen.get(), Qt::Key_N, Qt::ControlModifier);
        QTRY_COMPARE(cell(*m_screen, login, StaffTableModel::NameColumn), u"Jordan Kay"_s);
        QCOMPARE(cell(*m_screen, login, StaffTableModel::RoleColumn), u"Operations"_s);
        QVERIFY2(m_screen->message().contains(login), qPrintable(m_screen->message()));
        QVERIFY(canConnect(*m_db, login, u"a long enough passphrase"_s));
    }

    void createAccount_errorsStayInTheDialog()
    {
        const NewStaffAccount existing = createDirectly(u"dup"_s);
        QStringList errors;
        whenDialogOpens<StaffAccountDialog>([&](StaffAccountDialog *d) {
            setField(d, "login", existing.login);
            setField(d, "password", u"a long enough passphrase"_s);
            setField(d, "repeat", u"something else entirely"_s);
            clickOk(d);
            errors << dialogError(d);
            setField(d, "repeat", u"a long enough passphrase"_s);
            clickOk(d);
            errors << dialogError(d);
            setField(d, "login", u"Robert'); DROP ROLE rdk_admin;--"_s);
            clickOk(d);
            errors << dialogError(d);
            setField(d, "login", QString(300, u'z'));
            clickOk(d);
            errors << dialogError(d);
            QVERIFY(d->isVisible());
            d->reject();
        });
        m_screen->createAccount();
        QCOMPARE(errors.size(), 4);
        QVERIFY2(errors.at(0).contains(u"not the same"_s), qPrintable(errors.at(0)));
        QVERIFY2(errors.at(1).contains(u"already taken"_s), qPrintable(errors.at(1)));
        QVERIFY2(errors.at(2).contains(u"letters"_s), qPrintable(errors.at(2)));
        QVERIFY2(!errors.at(3).isEmpty(), "very long login gives an error");
        QCOMPARE(m_screen->model()->rowCount(), 2);
        QCOMPARE(ownerScalar(*m_db, "SELECT display_name FROM profiles WHERE db_role = $1", existing.login),
                 existing.displayName);
    }

    void changeRole_throughTheScreen()
    {
        const NewStaffAccount a = createDirectly(u"role"_s);
        QVERIFY(m_screen->selectLogin(a.login));
        whenDialogOpens<RoleDialog>([&](RoleDialog *d) {
            chooseRole(d, StaffRole::Admin);
            clickOk(d);
        });
        m_screen->findChild<QPushButton *>(u"changeRole"_s)->click();
        QCOMPARE(m_questions.size(), 1);  // granting admin asks first
        QCOMPARE(cell(*m_screen, a.login, StaffTableModel::RoleColumn), u"Administrator"_s);
        QCOMPARE(ownerScalar(*m_db, "SELECT pg_has_role($1, 'rdk_admin', 'MEMBER')::text", a.login), u"true"_s);
    }

    void changeOwnRole_showsTheRefusal()
    {
        QVERIFY(m_screen->selectLogin(m_admin.login));
        QString error;
        whenDialogOpens<RoleDialog>([&](RoleDialog *d) {
            chooseRole(d, StaffRole::Staff);
            clickOk(d);
            error = dialogError(d);
            d->reject();
        });
        m_screen->changeRole();
        QVERIFY2(error.contains(u"own role"_s), qPrintable(error));
        QCOMPARE(ownerScalar(*m_db, "SELECT role FROM profiles WHERE db_role = $1", m_admin.login), u"admin"_s);
    }

    void resetPassword_throughTheScreen_oldFailsNewWorks()
    {
        const NewStaffAccount a = createDirectly(u"pw"_s);
        QVERIFY(m_screen->selectLogin(a.login));
        QString mismatch;
        whenDialogOpens<PasswordResetDialog>([&](PasswordResetDialog *d) {
            setField(d, "password", u"the new passphrase"_s);
            setField(d, "repeat", u"the new passphrasf"_s);
            clickOk(d);
            mismatch = dialogError(d);
            setField(d, "repeat", u"the new passphrase"_s);
            clickOk(d);
        });
        m_screen->findChild<QPushButton *>(u"resetPassword"_s)->click();
        QVERIFY(mismatch.contains(u"not the same"_s));
        QVERIFY(!canConnect(*m_db, a.login, a.password));
        QVERIFY(canConnect(*m_db, a.login, u"the new passphrase"_s));
    }

    void disable_asksFirstThenLoginIsRefused()
    {
        const NewStaffAccount a = createDirectly(u"off"_s);
        QVERIFY(m_screen->selectLogin(a.login));
        m_screen->setConfirm([](const QString &, const QString &) { return false; });
        m_screen->findChild<QPushButton *>(u"disable"_s)->click();
        QVERIFY(canConnect(*m_db, a.login, a.password));
        m_screen->setConfirm([](const QString &, const QString &) { return true; });
        m_screen->findChild<QPushButton *>(u"disable"_s)->click();
        QVERIFY(!canConnect(*m_db, a.login, a.password));
        QCOMPARE(cell(*m_screen, a.login, StaffTableModel::StatusColumn), u"Disabled"_s);
        createDirectly(u"alex"_s);
        maybeScreenshot(m_screen.get(), u"staff"_s);
        QVERIFY(m_screen->findChild<QPushButton *>(u"enable"_s)->isEnabled());
        QVERIFY(!m_screen->findChild<QPushButton *>(u"resetPassword"_s)->isEnabled());
    }

    void twoFactor_qrEncodesTheUriAndTheFirstCodeIsChecked()
    {
        const NewStaffAccount a = createDirectly(u"otp"_s);
        QVERIFY(m_screen->selectLogin(a.login));
        QString uri, secretShown, wrongError;
        int modules = 0;
        int expectedModules = -1;
        bool sameMatrix = true;
        QString qrAccessible;
        QByteArray decoded;
        whenDialogOpens<TotpEnrolmentDialog>([&](TotpEnrolmentDialog *d) {
            QrCodeWidget *qr = d->qrCode();
            uri = qr->text();
            modules = qr->moduleCount();
            qrAccessible = qr->accessibleName();
            decoded = test::qr::decode(qr->grab().toImage()).value_or(QByteArray());
            secretShown = d->findChild<QLabel *>(u"secret"_s)->text().remove(u' ');
            // The same text through libqrencode gives the same module matrix.
            const QByteArray bytes = uri.toUtf8();
            QRcode *code = QRcode_encodeData(int(bytes.size()), reinterpret_cast<const unsigned char *>(bytes.constData()),
                                             0, QR_ECLEVEL_M);
            expectedModules = code ? code->width : -1;
            for (int y = 0; code && y < code->width; ++y)
                for (int x = 0; x < code->width; ++x)
                    sameMatrix = sameMatrix && qr->isDark(x, y) == bool(code->data[y * code->width + x] & 1);
            QRcode_free(code);

            const QByteArray secret = base32Decode(secretShown).value_or(QByteArray());
            maybeScreenshot(d, u"staff-2fa-enrolment"_s);
            setField(d, "code", security::wrongCode(secret));
            clickOk(d);
            wrongError = dialogError(d);
            security::waitAwayFromStepEdge();
            setField(d, "code", security::totpNow(secret));
            clickOk(d);
        });
        m_screen->findChild<QPushButton *>(u"twoFactor"_s)->click();

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
        auto session = openSession(*m_db, staff, false);
        QVERIFY(session);
        data::PgStaffAdministration service(*session);
        StaffScreen screen(service);
        QCOMPARE(screen.model()->rowCount(), 1);  // only themselves
        const QString login = m_db->uniqueLogin(u"sneak"_s);
        QString error;
        whenDialogOpens<StaffAccountDialog>([&](StaffAccountDialog *d) {
            setField(d, "login", login);
            chooseRole(d, StaffRole::Admin);
            setField(d, "password", u"a long enough passphrase"_s);
            setField(d, "repeat", u"a long enough passphrase"_s);
            clickOk(d);
            error = dialogError(d);
            d->reject();
        });
        screen.createAccount();
        QVERIFY2(error.contains(u"Only an admin"_s), qPrintable(error));
        QVERIFY(!roleExists(*m_db, login));
    }
};

QTEST_MAIN(TestStaffScreen)
#include "tst_staffscreen.moc"
