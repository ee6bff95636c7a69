// Rules behind the staff and audit screens that need no database: new-account checks,
// enrolment URIs, first-code input, audit filters, changed fields and the CSV export.
#include "domain/auditcsv.h"
#include "domain/auditlog.h"
#include "domain/staffadmin.h"
#include "domain/totp.h"

#include <QJsonArray>
#include <QTest>
#include <QUrl>
#include <QUrlQuery>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

class TestStaffAuditDomain final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void csvCell_neutralisesFormulasAndQuotes_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("cell");
        QTest::addRow("plain") << u"Air Max"_s << u"Air Max"_s;
        QTest::addRow("empty") << QString() << QString();
        QTest::addRow("equals") << u"=1+1"_s << u"'=1+1"_s;
        QTest::addRow("plus") << u"+SUM(A1)"_s << u"'+SUM(A1)"_s;
        QTest::addRow("minus") << u"-2+3"_s << u"'-2+3"_s;
        QTest::addRow("at") << u"@cmd"_s << u"'@cmd"_s;
        QTest::addRow("tab") << u"\t=1"_s << u"'\t=1"_s;
        QTest::addRow("carriage return") << u"\r=1"_s << u"\"'\r=1\""_s;
        QTest::addRow("dde with comma") << u"=cmd|' /C calc'!A0,x"_s << u"\"'=cmd|' /C calc'!A0,x\""_s;
        QTest::addRow("quotes") << u"say \"hi\""_s << u"\"say \"\"hi\"\"\""_s;
        QTest::addRow("newline") << u"a\nb"_s << u"\"a\nb\""_s;
        QTest::addRow("leading space") << u" x"_s << u"\" x\""_s;
        QTest::addRow("formula later is fine") << u"a=b"_s << u"a=b"_s;
    }

    void csvCell_neutralisesFormulasAndQuotes()
    {
        QFETCH(QString, value);
        QFETCH(QString, cell);
        QCOMPARE(csvCell(value), cell);
    }

    void auditCsvLine_hasEveryColumn()
    {
        AuditEntry e;
        e.id = 42;
        e.at = QDateTime(QDate(2026, 3, 1), QTime(12, 30, 5, 123), Qt::UTC);
        e.actor = u"alice"_s;
        e.action = u"update"_s;
        e.entity = u"product"_s;
        e.entityId = u"abc"_s;
        e.reason = u"=evil()"_s;
        e.before = QJsonObject{{u"price_minor"_s, 1000}};
        e.after = QJsonObject{{u"price_minor"_s, 1500}};
        QCOMPARE(auditCsvLine(e), u"42,2026-03-01T12:30:05.123Z,alice,update,product,abc,'=evil(),price_minor,"
                                  "\"{\"\"price_minor\"\":1000}\",\"{\"\"price_minor\"\":1500}\"\r\n"_s);
        QCOMPARE(auditCsvHeader().count(u','), auditCsvLine(AuditEntry{}).count(u','));
    }

    void changedFields_areTheDifferingKeys()
    {
        AuditEntry e;
        e.before = QJsonObject{{u"role"_s, u"staff"_s}, {u"db_role"_s, u"bob"_s}};
        e.after = QJsonObject{{u"role"_s, u"ops"_s}, {u"db_role"_s, u"bob"_s}, {u"active"_s, true}};
        QCOMPARE(changedAuditFields(e), (QStringList{u"active"_s, u"role"_s}));
        QCOMPARE(auditValueText(e.before, u"active"_s), u"\u2014"_s);
        QCOMPARE(auditValueText(e.after, u"active"_s), u"true"_s);
        QCOMPARE(auditValueText(QJsonObject{{u"n"_s, 1500}}, u"n"_s), u"1500"_s);
        QCOMPARE(auditValueText(QJsonObject{{u"n"_s, QJsonValue::Null}}, u"n"_s), u"(empty)"_s);
        QCOMPARE(auditValueText(QJsonObject{{u"a"_s, QJsonArray{u"8"_s, u"9"_s}}}, u"a"_s), u"[\"8\",\"9\"]"_s);
        QVERIFY(changedAuditFields(AuditEntry{}).isEmpty());
    }

    void changeSummary_speaksInPeoplesWords()
    {
        AuditEntry price;
        price.before = QJsonObject{{u"price_minor"_s, 11500}};
        price.after = QJsonObject{{u"price_minor"_s, 12000}};
        QCOMPARE(auditChangeSummary(price, u"USD"_s), u"price $115.00 \u2192 $120.00"_s);

        AuditEntry refund;   // context fields (currency, order number) name the record, not the change
        refund.before = QJsonObject{{u"status"_s, u"paid"_s}, {u"refunded_minor"_s, 0}};
        refund.after = QJsonObject{{u"status"_s, u"refunded"_s}, {u"refunded_minor"_s, 4500}, {u"currency"_s, u"EUR"_s},
                                   {u"order_number"_s, 1042}};
        const QString refunded = auditChangeSummary(refund, u"USD"_s);
        QVERIFY2(refunded.contains(u"status paid \u2192 refunded"_s), qPrintable(refunded));
        QVERIFY2(refunded.contains(u"refunded "_s) && refunded.contains(u"45.00"_s) && refunded.contains(u"\u20ac"_s),
                 qPrintable(refunded));
        QVERIFY(!refunded.contains(u"order number"_s));

        AuditEntry created;
        created.after = QJsonObject{{u"sku"_s, u"DNK-LO"_s}, {u"price_minor"_s, 9000}, {u"discount_reason"_s, QJsonValue()}};
        QCOMPARE(auditChangeSummary(created, u"USD"_s), u"created: price $90.00, sku DNK-LO"_s);
        AuditEntry deleted;
        deleted.before = QJsonObject{{u"sku"_s, u"DNK-LO"_s}};
        QCOMPARE(auditChangeSummary(deleted, u"USD"_s), u"deleted"_s);

        QCOMPARE(auditFieldName(u"tracking_number"_s), u"tracking number"_s);
        QCOMPARE(auditFieldName(u"db_role"_s), u"login"_s);
        // An amount in a currency that isn't one: shown as the stored number, not invented money.
        AuditEntry odd;
        odd.before = QJsonObject{{u"price_minor"_s, 1}};
        odd.after = QJsonObject{{u"price_minor"_s, 2}, {u"currency"_s, u"??"_s}};
        QCOMPARE(auditChangeSummary(odd, u"USD"_s), u"price 1 \u2192 2"_s);
    }

    void auditFilter_isNormalised()
    {
        auto f = validateAuditFilter({u"  alice "_s, u" Product"_s, u" 12 "_s, u"UPDATE"_s,
                                      QDateTime(QDate(2026, 1, 1), QTime(0, 0), Qt::OffsetFromUTC, 3600), {}});
        QVERIFY(f.ok());
        QCOMPARE(f->actor, u"alice"_s);
        QCOMPARE(f->entity, u"product"_s);
        QCOMPARE(f->entityId, u"12"_s);
        QCOMPARE(f->action, u"update"_s);
        QCOMPARE(f->from, QDateTime(QDate(2025, 12, 31), QTime(23, 0), Qt::UTC));
        QCOMPARE(f->from.timeSpec(), Qt::UTC);
        QVERIFY(validateAuditFilter({}).ok());
    }

    void auditFilter_badInput_isInvalid_data()
    {
        QTest::addColumn<QString>("actor");
        QTest::addColumn<QString>("entityId");
        QTest::addColumn<QDateTime>("from");
        QTest::addColumn<QDateTime>("to");
        QTest::addColumn<QString>("field");
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QTest::addRow("long actor") << QString(64, u'a') << QString() << QDateTime() << QDateTime() << u"actor"_s;
        QTest::addRow("nul in actor") << u"a\u0000b"_s << QString() << QDateTime() << QDateTime() << u"actor"_s;
        QTest::addRow("long record") << QString() << QString(201, u'1') << QDateTime() << QDateTime() << u"entityId"_s;
        QTest::addRow("before 1970") << QString() << QString() << QDateTime(QDate(1969, 12, 31), QTime(0, 0), Qt::UTC)
                                     << QDateTime() << u"from"_s;
        QTest::addRow("after 9999") << QString() << QString() << QDateTime()
                                    << QDateTime(QDate(10000, 1, 1), QTime(0, 0), Qt::UTC) << u"to"_s;
        QTest::addRow("invalid date") << QString() << QString() << QDateTime(QDate(2026, 2, 30), QTime(0, 0), Qt::UTC)
                                      << QDateTime() << u"from"_s;
        QTest::addRow("reversed") << QString() << QString() << now << now.addSecs(-1) << u"from"_s;
    }

    void auditFilter_badInput_isInvalid()
    {
        QFETCH(QString, actor);
        QFETCH(QString, entityId);
        QFETCH(QDateTime, from);
        QFETCH(QDateTime, to);
        QFETCH(QString, field);
        auto f = validateAuditFilter({actor, {}, entityId, {}, from, to});
        QVERIFY(!f.ok());
        QCOMPARE(int(f.error().code), int(ErrorCode::Invalid));
        QCOMPARE(f.error().field, field);
    }

    void enrolment_uriFollowsTheKeyUriFormat()
    {
        const QByteArray secret = QByteArray::fromHex("3132333435363738393031323334353637383930");
        auto e = makeTotpEnrolment(u"jordan_k"_s, base32Encode(secret).toLower());
        QVERIFY(e.ok());
        QCOMPARE(e->secretBase32, u"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"_s);
        QCOMPARE(e->uri, u"otpauth://totp/Real%20Deal%20Kickz:jordan_k?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
                         "&issuer=Real%20Deal%20Kickz&algorithm=SHA1&digits=6&period=30"_s);
        QVERIFY(!makeTotpEnrolment(u"x"_s, u"not base32!"_s).ok());
        QVERIFY(!makeTotpEnrolment(u"x"_s, u"GEZDGNBV"_s).ok());  // 40 bits: too short
    }

    void firstCode_isSixDigits_data()
    {
        QTest::addColumn<QString>("typed");
        QTest::addColumn<QString>("code");
        QTest::addRow("plain") << u"123456"_s << u"123456"_s;
        QTest::addRow("spaced") << u"123 456"_s << u"123456"_s;
        QTest::addRow("five") << u"12345"_s << QString();
        QTest::addRow("letters") << u"12a456"_s << QString();
        QTest::addRow("arabic-indic digits") << u"\u0661\u0662\u0663\u0664\u0665\u0666"_s << QString();
        QTest::addRow("sql") << u"1' OR '1"_s << QString();
    }

    void firstCode_isSixDigits()
    {
        QFETCH(QString, typed);
        QFETCH(QString, code);
        auto r = normaliseTotpCode(typed);
        QCOMPARE(r.ok(), !code.isEmpty());
        if (r.ok())
            QCOMPARE(*r, code);
        else
            QCOMPARE(r.error().field, u"code"_s);
    }

    void newAccount_isCheckedAndNormalised()
    {
        auto ok = validateNewStaffAccount({u"  Jordan_K "_s, u"  Jordan K  "_s, StaffRole::Ops, u"correct horse battery"_s});
        QVERIFY(ok.ok());
        QCOMPARE(ok->login, u"jordan_k"_s);
        QCOMPARE(ok->displayName, u"Jordan K"_s);
        auto noName = validateNewStaffAccount({u"jordan_k"_s, QString(), StaffRole::Staff, u"correct horse battery"_s});
        QCOMPARE(noName->displayName, u"jordan_k"_s);
        QCOMPARE(validateNewStaffAccount({u"jo rdan"_s, {}, StaffRole::Staff, u"correct horse battery"_s}).error().field,
                 u"login"_s);
        QCOMPARE(validateNewStaffAccount({u"jordan"_s, QString(121, u'x'), StaffRole::Staff, u"correct horse battery"_s})
                     .error().field,
                 u"displayName"_s);
        QCOMPARE(validateNewStaffAccount({u"jordan"_s, u"Tab\there"_s, StaffRole::Staff, u"correct horse battery"_s})
                     .error().field,
                 u"displayName"_s);
        QCOMPARE(validateNewStaffAccount({u"jordan"_s, {}, StaffRole::Staff, u"short"_s}).error().field, u"password"_s);
        QCOMPARE(validateNewStaffAccount({u"jordanjordan"_s, {}, StaffRole::Staff, u"JordanJordan"_s}).error().field,
                 u"password"_s);
    }
};

QTEST_GUILESS_MAIN(TestStaffAuditDomain)
#include "tst_staffaudit_domain.moc"
