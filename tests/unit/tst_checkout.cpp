// Checkout validation, without a database (what a payment does to an order is decided by the
// database: tests/integration/tst_checkout_payments).
#include "domain/checkout.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;


class TestCheckout final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void validateCheckout_normalizesAndMergesLines()
    {
        CheckoutRequest r{{{u" aj1-chi "_s, u"10"_s, 1}, {u"AJ1-CHI"_s, u"10"_s, 2}, {u"LACES-1"_s, {}, 1}}, u" a@b.co "_s};
        auto v = validateCheckout(r);
        QVERIFY2(v.ok(), v.ok() ? "" : qPrintable(v.error().message));
        QCOMPARE(v->items.size(), 2);
        QCOMPARE(v->items[0].sku, u"AJ1-CHI"_s);
        QCOMPARE(v->items[0].quantity, 3);
        QCOMPARE(v->email, u"a@b.co"_s);
    }

    void validateCheckout_refusesBadCarts_data()
    {
        QTest::addColumn<QList<CartItem>>("items");
        QTest::addColumn<QString>("email");
        QTest::addColumn<QString>("field");
        const CartItem ok{u"AJ1-CHI"_s, u"10"_s, 1};
        QTest::addRow("empty cart") << QList<CartItem>{} << QString() << u"items"_s;
        QTest::addRow("zero quantity") << QList<CartItem>{{u"AJ1-CHI"_s, u"10"_s, 0}} << QString() << u"quantity"_s;
        QTest::addRow("negative quantity") << QList<CartItem>{{u"AJ1-CHI"_s, u"10"_s, -3}} << QString() << u"quantity"_s;
        QTest::addRow("eleven of one") << QList<CartItem>{{u"AJ1-CHI"_s, u"10"_s, 11}} << QString() << u"quantity"_s;
        QTest::addRow("merged lines over ten") << QList<CartItem>{{u"AJ1-CHI"_s, u"10"_s, 6}, {u"aj1-chi"_s, u"10"_s, 5}} << QString() << u"quantity"_s;
        QTest::addRow("bad sku") << QList<CartItem>{{u"<script>"_s, u"10"_s, 1}} << QString() << u"sku"_s;
        QTest::addRow("bad size") << QList<CartItem>{{u"AJ1-CHI"_s, u"10.25"_s, 1}} << QString() << u"size"_s;
        QTest::addRow("size injection") << QList<CartItem>{{u"AJ1-CHI"_s, u"10' OR '1"_s, 1}} << QString() << u"size"_s;
        QTest::addRow("bad email") << QList<CartItem>{ok} << u"not an email"_s << u"email"_s;
        QTest::addRow("huge email") << QList<CartItem>{ok} << (QString(300, u'a') + u"@x.io"_s) << u"email"_s;
        QList<CartItem> many;
        for (int i = 0; i < 21; ++i)
            many.append({u"SKU-%1"_s.arg(i, 3, 10, QLatin1Char('0')), u"10"_s, 1});
        QTest::addRow("too many lines") << many << QString() << u"items"_s;
        QList<CartItem> heavy;
        for (int i = 0; i < 4; ++i)
            heavy.append({u"SKU-%1"_s.arg(i, 3, 10, QLatin1Char('0')), u"10"_s, 10});
        QTest::addRow("too many units") << heavy << QString() << u"items"_s;
    }

    void validateCheckout_refusesBadCarts()
    {
        QFETCH(QList<CartItem>, items);
        QFETCH(QString, email);
        QFETCH(QString, field);
        auto v = validateCheckout({items, email});
        QVERIFY(!v.ok());
        QCOMPARE(v.error().code, ErrorCode::Invalid);
        QCOMPARE(v.error().field, field);
    }
};

QTEST_APPLESS_MAIN(TestCheckout)
#include "tst_checkout.moc"
