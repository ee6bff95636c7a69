// Staff roles, login names (which become PostgreSQL role names) and password rules.
#include "domain/staff.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using rdk::StaffRole;

class TstStaff final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void role_roundTripsThroughStrings_data();
    void role_roundTripsThroughStrings();
    void staffRoleFromString_rejectsUnknown();
    void validateLoginName_acceptsAndLowercases_data();
    void validateLoginName_acceptsAndLowercases();
    void validateLoginName_rejectsBadInput_data();
    void validateLoginName_rejectsBadInput();
    void validatePassword_acceptsGoodPasswords_data();
    void validatePassword_acceptsGoodPasswords();
    void validatePassword_rejectsWeakOrUnusable_data();
    void validatePassword_rejectsWeakOrUnusable();
};

void TstStaff::role_roundTripsThroughStrings_data()
{
    QTest::addColumn<StaffRole>("role");
    QTest::addColumn<QString>("stored");
    QTest::addColumn<QString>("group");
    QTest::addRow("staff") << StaffRole::Staff << u"staff"_s << u"rdk_staff"_s;
    QTest::addRow("ops") << StaffRole::Ops << u"ops"_s << u"rdk_ops"_s;
    QTest::addRow("admin") << StaffRole::Admin << u"admin"_s << u"rdk_admin"_s;
}

void TstStaff::role_roundTripsThroughStrings()
{
    QFETCH(StaffRole, role);
    QFETCH(QString, stored);
    QFETCH(QString, group);
    QCOMPARE(rdk::toString(role), stored);
    QCOMPARE(rdk::groupRoleFor(role), group);
    QVERIFY(!rdk::displayName(role).isEmpty());
    const std::optional<StaffRole> parsed = rdk::staffRoleFromString(stored);
    QVERIFY(parsed.has_value());
    QVERIFY(*parsed == role);
}

void TstStaff::staffRoleFromString_rejectsUnknown()
{
    for (const QString &text : {QString(), u"Admin"_s, u"rdk_admin"_s, u"superuser"_s, u"admin "_s})
        QVERIFY2(!rdk::staffRoleFromString(text).has_value(), qPrintable(text));
}

void TstStaff::validateLoginName_acceptsAndLowercases_data()
{
    QTest::addColumn<QString>("raw");
    QTest::addColumn<QString>("expected");
    QTest::addRow("plain") << u"alice"_s << u"alice"_s;
    QTest::addRow("capitalized") << u"Alice"_s << u"alice"_s;
    QTest::addRow("padded with underscore and digit") << u"  bob_2 "_s << u"bob_2"_s;
    QTest::addRow("shortest") << u"abc"_s << u"abc"_s;
    QTest::addRow("longest") << u"a"_s + QString(30, u'b') << u"a"_s + QString(30, u'b');
    QTest::addRow("contains pg later") << u"mpg_fan"_s << u"mpg_fan"_s;
    QTest::addRow("starts with rdk but no underscore") << u"rdkowner"_s << u"rdkowner"_s;
}

void TstStaff::validateLoginName_acceptsAndLowercases()
{
    QFETCH(QString, raw);
    QFETCH(QString, expected);
    const rdk::Result<QString> login = rdk::validateLoginName(raw);
    QVERIFY2(login.ok(), qPrintable(login.ok() ? QString() : login.error().message));
    QCOMPARE(login.value(), expected);
}

void TstStaff::validateLoginName_rejectsBadInput_data()
{
    QTest::addColumn<QString>("raw");
    QTest::addColumn<QString>("messagePart");
    const QString characters = u"may only use letters, digits and underscores"_s;
    QTest::addRow("empty") << QString() << u"Enter a login name"_s;
    QTest::addRow("blank") << u"   "_s << u"Enter a login name"_s;
    QTest::addRow("too short") << u"ab"_s << u"3 to 31 characters"_s;
    QTest::addRow("too long") << u"a"_s + QString(31, u'b') << u"3 to 31 characters"_s;
    QTest::addRow("megabyte long") << QString(1 << 20, u'a') << u"3 to 31 characters"_s;
    QTest::addRow("starts with digit") << u"1alice"_s << u"must start with a letter"_s;
    QTest::addRow("starts with underscore") << u"_alice"_s << u"must start with a letter"_s;
    QTest::addRow("inner space") << u"al ice"_s << characters;
    QTest::addRow("dash") << u"al-ice"_s << characters;
    QTest::addRow("dot") << u"al.ice"_s << characters;
    QTest::addRow("quote injection") << u"alice\"; DROP ROLE rdk_admin; --"_s << characters;
    QTest::addRow("embedded NUL") << QString::fromUtf16(u"ali\0ce", 6) << characters;
    QTest::addRow("accented letter") << u"\u00E5lice"_s << characters;
    QTest::addRow("kelvin sign lowercases to k") << u"\u212Aevin"_s << characters;
    QTest::addRow("cyrillic a") << u"\u0430lice"_s << characters;
    QTest::addRow("fullwidth letters") << u"\uFF41\uFF42\uFF43"_s << characters;
    QTest::addRow("pg prefix") << u"pg_monitor"_s << u"reserved"_s;
    QTest::addRow("pg prefix uppercase") << u"PG_x1"_s << u"reserved"_s;
    QTest::addRow("rdk prefix") << u"rdk_admin"_s << u"reserved"_s;
    QTest::addRow("rdk service role") << u"rdk_sync"_s << u"reserved"_s;
    QTest::addRow("postgres") << u"postgres"_s << u"reserved"_s;
    QTest::addRow("public") << u"Public"_s << u"reserved"_s;
    QTest::addRow("current_user") << u"current_user"_s << u"reserved"_s;
    QTest::addRow("session_user") << u"session_user"_s << u"reserved"_s;
}

void TstStaff::validateLoginName_rejectsBadInput()
{
    QFETCH(QString, raw);
    QFETCH(QString, messagePart);
    const rdk::Result<QString> login = rdk::validateLoginName(raw);
    QVERIFY(!login.ok());
    QCOMPARE(login.error().code, rdk::ErrorCode::Invalid);
    QCOMPARE(login.error().field, u"login"_s);
    QVERIFY2(login.error().message.contains(messagePart), qPrintable(login.error().message));
}

void TstStaff::validatePassword_acceptsGoodPasswords_data()
{
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("login");
    QTest::addRow("passphrase") << u"correct horse battery"_s << u"alice"_s;
    QTest::addRow("exactly 12") << u"abcdefghijk1"_s << u"alice"_s;
    QTest::addRow("exactly 128") << QString(127, u'x') + u'y' << u"alice"_s;
    QTest::addRow("symbols") << u"!@#$%^&*()_+-=[]{}"_s << u"alice"_s;
    QTest::addRow("contains the login") << u"alice-is-great"_s << u"alice"_s;
    QTest::addRow("no login given") << u"twelve chars"_s << QString();
}

void TstStaff::validatePassword_acceptsGoodPasswords()
{
    QFETCH(QString, password);
    QFETCH(QString, login);
    const rdk::Status status = rdk::validatePassword(password, login);
    QVERIFY2(status.ok(), qPrintable(status.ok() ? QString() : status.error().message));
}

void TstStaff::validatePassword_rejectsWeakOrUnusable_data()
{
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("login");
    QTest::addColumn<QString>("messagePart");
    const QString characters = u"no accented letters"_s;
    QTest::addRow("empty") << QString() << u"alice"_s << u"at least 12"_s;
    QTest::addRow("eleven") << u"abcdefghij1"_s << u"alice"_s << u"at least 12"_s;
    QTest::addRow("129") << QString(129, u'x') << u"alice"_s << u"at most 128"_s;
    QTest::addRow("megabyte") << QString(1 << 20, u'x') << u"alice"_s << u"at most 128"_s;
    QTest::addRow("one character repeated") << u"aaaaaaaaaaaa"_s << u"alice"_s << u"one character repeated"_s;
    QTest::addRow("spaces only") << QString(16, u' ') << u"alice"_s << u"one character repeated"_s;
    QTest::addRow("equals login") << u"alice_smith1"_s << u"alice_smith1"_s << u"can't be the login name"_s;
    QTest::addRow("equals login ignoring case") << u"Alice_Smith1"_s << u"alice_smith1"_s
                                                << u"can't be the login name"_s;
    QTest::addRow("embedded NUL") << QString::fromUtf16(u"abcdef\0ghijkl", 13) << u"alice"_s << characters;
    QTest::addRow("tab") << u"abcdef\tghijkl"_s << u"alice"_s << characters;
    QTest::addRow("newline") << u"abcdef\nghijkl"_s << u"alice"_s << characters;
    QTest::addRow("accented") << u"p\u00E4sswordpassword"_s << u"alice"_s << characters;
    QTest::addRow("emoji") << u"password\U0001F511pass"_s << u"alice"_s << characters;
    QTest::addRow("no-break space") << u"correct\u00A0horse!"_s << u"alice"_s << characters;
}

void TstStaff::validatePassword_rejectsWeakOrUnusable()
{
    QFETCH(QString, password);
    QFETCH(QString, login);
    QFETCH(QString, messagePart);
    const rdk::Status status = rdk::validatePassword(password, login);
    QVERIFY(!status.ok());
    QCOMPARE(status.error().field, u"password"_s);
    QVERIFY2(status.error().message.contains(messagePart), qPrintable(status.error().message));
    if (!password.isEmpty())
        QVERIFY(!status.error().message.contains(password.left(12))); // never echo the password
}

QTEST_APPLESS_MAIN(TstStaff)
#include "tst_staff.moc"
