// The customer rules the dialogs check as staff type (domain/customer): normalising, the
// sentences, masking, and who sees contact details. The database applies the same rules.
#include "domain/customer.h"
#include "domain/receipt.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

class TestCustomer final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void email_normalised_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");
        QTest::addRow("trimmed and lower case") << u"  Jane.Doe@Example.COM "_s << u"jane.doe@example.com"_s;
        QTest::addRow("empty stays empty") << u"   "_s << QString();
        QTest::addRow("plus address") << u"a+shoes@kicks.co.uk"_s << u"a+shoes@kicks.co.uk"_s;
        QTest::addRow("254 characters") << (QString(242, u'a') + u"@example.com"_s) << (QString(242, u'a') + u"@example.com"_s);
    }
    void email_normalised()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        const auto r = normalizeCustomerEmail(input);
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        QCOMPARE(*r, expected);
    }

    void email_refused_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("words");
        QTest::addRow("300 characters") << (QString(288, u'a') + u"@example.com"_s) << u"254"_s;
        QTest::addRow("no at") << u"jane.example.com"_s << u"name@example.com"_s;
        QTest::addRow("no domain dot") << u"jane@example"_s << u"name@example.com"_s;
        QTest::addRow("two ats") << u"a@b@example.com"_s << u"name@example.com"_s;
        QTest::addRow("space inside") << u"jane doe@example.com"_s << u"name@example.com"_s;
    }
    void email_refused()
    {
        QFETCH(QString, input);
        QFETCH(QString, words);
        const auto r = normalizeCustomerEmail(input);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::Invalid);
        QCOMPARE(r.error().field, u"email"_s);
        QVERIFY2(r.error().message.contains(words), qPrintable(r.error().message));
    }

    void phone_normalised_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");
        QTest::addRow("international") << u"+1 (555) 010-4477"_s << u"+15550104477"_s;
        QTest::addRow("local with dots") << u"06.12.34.56.78"_s << u"0612345678"_s;
        QTest::addRow("empty") << QString() << QString();
    }
    void phone_normalised()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        const auto r = normalizeCustomerPhone(input);
        QVERIFY(r.ok());
        QCOMPARE(*r, expected);
    }

    void phone_refused_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addRow("letters") << u"555-CALL-NOW"_s;
        QTest::addRow("five digits") << u"12345"_s;
        QTest::addRow("sixteen digits") << u"1234567890123456"_s;
        QTest::addRow("plus in the middle") << u"555+0104477"_s;
    }
    void phone_refused()
    {
        QFETCH(QString, input);
        const auto r = normalizeCustomerPhone(input);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().field, u"phone"_s);
    }

    void name_rules()
    {
        QCOMPARE(*normalizeCustomerName(u"  Jane \t  Doe "_s), u"Jane Doe"_s);
        QVERIFY(!normalizeCustomerName(u"   "_s).ok());
        QCOMPARE(normalizeCustomerName(QString()).error().field, u"name"_s);
        QVERIFY(normalizeCustomerName(QString(120, u'n')).ok());
        QVERIFY(!normalizeCustomerName(QString(121, u'n')).ok());
        QVERIFY(!normalizeCustomerName(u"Jane\u0001Doe"_s).ok());
    }

    void draft_keepsUnsetContact()
    {
        CustomerDraft d;
        d.name = u" Kim "_s;
        d.phone = u"+44 7700 900123"_s;
        const auto r = validateCustomerDraft(d);
        QVERIFY(r.ok());
        QCOMPARE(r->name, u"Kim"_s);
        QVERIFY(!r->email.has_value());  // keep (or none for a new customer)
        QCOMPARE(*r->phone, u"+447700900123"_s);
        d.email = u"bad"_s;
        QCOMPARE(validateCustomerDraft(d).error().field, u"email"_s);
    }

    void masking_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("email");
        QTest::addColumn<QString>("phone");
        QTest::addRow("usual") << u"jane@example.com"_s << u"j•••@example.com"_s << u"•••• om"_s;
        QTest::addRow("empty") << QString() << QString() << QString();
    }
    void masking()
    {
        QFETCH(QString, input);
        QFETCH(QString, email);
        QFETCH(QString, phone);
        QCOMPARE(maskEmail(input), email);
        QCOMPARE(maskPhone(input), phone);
        QCOMPARE(maskPhone(u"+15550104477"_s), u"•••• 77"_s);
    }

    void contact_visibleToOpsAndAdminOnly()
    {
        QVERIFY(!maySeeCustomerContact(StaffRole::Staff));
        QVERIFY(maySeeCustomerContact(StaffRole::Ops));
        QVERIFY(maySeeCustomerContact(StaffRole::Admin));
    }

    void receipt_namesTheAttachedCustomer_orNobody()
    {
        const Money price = *Money::of(5000, u"USD"_s);
        PosOrderState o;
        o.orderId = u"6d1c4a52-0000-4000-8000-000000000002"_s;
        o.orderNumber = 1043;
        o.status = OrderStatus::Paid;
        o.lines = {{u"p1"_s, u"POS-FLAT"_s, u"Lace kit"_s, QString(), 1, price, Money()}};
        o.totals = *computeTotals(o.lines, Money(), Money(), Money(), Money());
        o.createdAt = QDateTime(QDate(2026, 12, 5), QTime(18, 30), Qt::UTC);
        o.paymentMethod = PaymentMethod::Cash;
        o.cashTendered = price;
        const ReceiptShop shop{u"Real Deal Kickz"_s, QString(), u"America/New_York"_s};
        auto none = buildReceipt(o, shop);
        QVERIFY(none.ok());
        QVERIFY(none->customer.isEmpty());
        QVERIFY(!none->textLines().join(u'\n').contains(u"Customer"_s));
        o.customerName = u"Jane Doe"_s;
        auto named = buildReceipt(o, shop);
        QVERIFY(named.ok());
        const QStringList lines = named->textLines();
        QCOMPARE(lines.at(lines.indexOf(u"Order RDK-1043"_s) + 1), u"Customer: Jane Doe"_s);
    }

    void summary_joinsWhatIsKnown()
    {
        Customer c;
        c.name = u"Jane Doe"_s;
        QCOMPARE(c.summary(), u"Jane Doe"_s);
        c.email = u"j•••@example.com"_s;
        c.phone = u"•••• 77"_s;
        QCOMPARE(c.summary(), u"Jane Doe · j•••@example.com · •••• 77"_s);
    }
};

QTEST_GUILESS_MAIN(TestCustomer)
#include "tst_customer.moc"
