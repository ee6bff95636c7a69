// POST /api/checkout body parsing, as a pure function: good carts, and hostile or malformed
// bodies refused with a clear message and the field named.
#include "sync/checkoutform.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;
using namespace rdk::sync;

class TestCheckoutForm final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void form_itemsByIndex_areReadInIndexOrder()
    {
        const auto cart = parseCheckoutBody("application/x-www-form-urlencoded",
                                            "items[1][sku]=B-2&items[0][quantity]=2&items[0][sku]=A-1&items[0][size]=9.5"
                                            "&items[1][quantity]=1&email=a%40b.co&utf8=%E2%9C%93&x=y+z");
        QVERIFY(cart.ok());
        QCOMPARE(cart->items.size(), 2);
        QCOMPARE(cart->items[0].sku, u"A-1"_s);
        QCOMPARE(cart->items[0].size, u"9.5"_s);
        QCOMPARE(cart->items[0].quantity, 2);
        QCOMPARE(cart->items[1].sku, u"B-2"_s);
        QCOMPARE(cart->email, u"a@b.co"_s);
    }

    void json_cart_isRead()
    {
        const auto cart = parseCheckoutBody("application/json; charset=utf-8",
                                            R"({"items":[{"sku":"A-1","size":"10","quantity":3}],"email":"x@y.io"})");
        QVERIFY(cart.ok());
        QCOMPARE(cart->items.size(), 1);
        QCOMPARE(cart->items[0].quantity, 3);
        QCOMPARE(cart->email, u"x@y.io"_s);
    }

    void badBody_isRefusedWithTheField_data()
    {
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("field");
        QTest::addRow("text/plain") << QByteArray("text/plain") << QByteArray("items[0][sku]=A") << QString();
        QTest::addRow("no content type") << QByteArray() << QByteArray("{}") << QString();
        QTest::addRow("json not an object") << QByteArray("application/json") << QByteArray("[1,2]") << QString();
        QTest::addRow("json truncated") << QByteArray("application/json") << QByteArray(R"({"items":[)") << QString();
        QTest::addRow("json items not a list") << QByteArray("application/json") << QByteArray(R"({"items":{}})") << u"items"_s;
        QTest::addRow("json fractional quantity") << QByteArray("application/json")
                                                  << QByteArray(R"({"items":[{"sku":"A-1","quantity":1.5}]})") << u"quantity"_s;
        QTest::addRow("json quantity as text") << QByteArray("application/json")
                                               << QByteArray(R"({"items":[{"sku":"A-1","quantity":"1"}]})") << u"quantity"_s;
        QTest::addRow("json huge quantity") << QByteArray("application/json")
                                            << QByteArray(R"({"items":[{"sku":"A-1","quantity":1e300}]})") << u"quantity"_s;
        QByteArray many = R"({"items":[)";
        for (int i = 0; i < kMaxCartLines + 1; ++i)
            many += (i ? "," : "") + QByteArray(R"({"sku":"A-1","quantity":1})");
        QTest::addRow("json too many lines") << QByteArray("application/json") << (many + "]}") << u"items"_s;
        QTest::addRow("form quantity not a number") << QByteArray("application/x-www-form-urlencoded")
                                                    << QByteArray("items[0][sku]=A-1&items[0][quantity]=two") << u"quantity"_s;
        QTest::addRow("form quantity overflow") << QByteArray("application/x-www-form-urlencoded")
                                                << QByteArray("items[0][sku]=A-1&items[0][quantity]=99999999999") << u"quantity"_s;
    }

    void badBody_isRefusedWithTheField()
    {
        QFETCH(QByteArray, contentType);
        QFETCH(QByteArray, body);
        QFETCH(QString, field);
        const auto cart = parseCheckoutBody(contentType, body);
        QVERIFY(!cart.ok());
        QVERIFY(cart.error().code == ErrorCode::Invalid);
        QVERIFY(!cart.error().message.isEmpty());
        QCOMPARE(cart.error().field, field);
    }

    void form_hostileKeys_areIgnoredNotTrusted()
    {
        // Three-digit indexes, negative indexes and unknown fields never become cart lines.
        const auto cart = parseCheckoutBody("application/x-www-form-urlencoded",
                                            "items[100][sku]=A-1&items[-1][sku]=B-2&items[0][price]=1&items[0][sku]=C-3");
        QVERIFY(cart.ok());
        QCOMPARE(cart->items.size(), 1);
        QCOMPARE(cart->items[0].sku, u"C-3"_s);
    }
};

QTEST_GUILESS_MAIN(TestCheckoutForm)
#include "tst_checkoutform.moc"
