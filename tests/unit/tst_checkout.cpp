// Checkout validation and the payment decision table, without a database.
#include "domain/checkout.h"
#include "domain/payment.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk;

Q_DECLARE_METATYPE(rdk::OrderStatus)
Q_DECLARE_METATYPE(rdk::PaymentSignal)
Q_DECLARE_METATYPE(rdk::PaymentAction)

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

    void decidePaymentEffect_followsTheTable_data()
    {
        QTest::addColumn<OrderStatus>("current");
        QTest::addColumn<PaymentSignal>("signal");
        QTest::addColumn<qint64>("amount");
        QTest::addColumn<QString>("currency");
        QTest::addColumn<PaymentAction>("expected");
        const QString usd = u"USD"_s;
        using S = OrderStatus;
        using P = PaymentSignal;
        using A = PaymentAction;
        QTest::addRow("pending paid in full") << S::Pending << P::Paid << 10000LL << usd << A::MarkPaid;
        QTest::addRow("awaiting then paid") << S::AwaitingPayment << P::Paid << 10000LL << usd << A::MarkPaid;
        QTest::addRow("paid twice") << S::Paid << P::Paid << 10000LL << usd << A::Ignore;
        QTest::addRow("paid after cancel") << S::Canceled << P::Paid << 10000LL << usd << A::FlagForReview;
        QTest::addRow("paid short") << S::Pending << P::Paid << 9999LL << usd << A::FlagForReview;
        QTest::addRow("paid other currency") << S::Pending << P::Paid << 10000LL << u"EUR"_s << A::FlagForReview;
        QTest::addRow("pending awaiting") << S::Pending << P::AwaitingPayment << 0LL << usd << A::MarkAwaitingPayment;
        QTest::addRow("paid then awaiting") << S::Paid << P::AwaitingPayment << 0LL << usd << A::Ignore;
        QTest::addRow("pending expired") << S::Pending << P::Expired << 0LL << usd << A::Cancel;
        QTest::addRow("awaiting failed") << S::AwaitingPayment << P::Failed << 0LL << usd << A::Cancel;
        QTest::addRow("paid then expired") << S::Paid << P::Expired << 0LL << usd << A::Ignore;
        QTest::addRow("shipped then failed") << S::Shipped << P::Failed << 0LL << usd << A::Ignore;
        QTest::addRow("canceled expired again") << S::Canceled << P::Expired << 0LL << usd << A::Ignore;
        QTest::addRow("paid partial refund") << S::Paid << P::Refunded << 2500LL << usd << A::PartialRefund;
        QTest::addRow("partial then full") << S::PartiallyRefunded << P::Refunded << 10000LL << usd << A::Refund;
        QTest::addRow("shipped full refund") << S::Shipped << P::Refunded << 10000LL << usd << A::Refund;
        QTest::addRow("refund repeated") << S::Refunded << P::Refunded << 10000LL << usd << A::Ignore;
        QTest::addRow("refund for unpaid") << S::Pending << P::Refunded << 10000LL << usd << A::FlagForReview;
        QTest::addRow("refund over total") << S::Paid << P::Refunded << 10001LL << usd << A::FlagForReview;
    }

    void decidePaymentEffect_followsTheTable()
    {
        QFETCH(OrderStatus, current);
        QFETCH(PaymentSignal, signal);
        QFETCH(qint64, amount);
        QFETCH(QString, currency);
        QFETCH(PaymentAction, expected);
        const Money total = Money::of(10000, u"USD"_s).value();
        const PaymentReport report{signal, Money::of(amount, currency).value(), signal == PaymentSignal::Paid || signal == PaymentSignal::Refunded};
        const PaymentDecision decision = decidePaymentEffect(current, total, report);
        QCOMPARE(toString(decision.action), toString(expected));
        QVERIFY(!decision.reason.isEmpty());
    }

    void decidePaymentEffect_neverMovesAnOrderBackwards()
    {
        const Money total = Money::of(500, u"USD"_s).value();
        const QList<OrderStatus> all = {OrderStatus::Pending, OrderStatus::AwaitingPayment, OrderStatus::Paid, OrderStatus::Shipped,
                                        OrderStatus::Fulfilled, OrderStatus::Canceled, OrderStatus::Refunded, OrderStatus::PartiallyRefunded};
        for (OrderStatus s : all) {
            for (PaymentSignal p : {PaymentSignal::Paid, PaymentSignal::AwaitingPayment, PaymentSignal::Failed, PaymentSignal::Expired}) {
                const PaymentDecision d = decidePaymentEffect(s, total, {p, total, true});
                const std::optional<OrderStatus> target =
                    d.action == PaymentAction::MarkPaid ? std::optional(OrderStatus::Paid)
                    : d.action == PaymentAction::MarkAwaitingPayment ? std::optional(OrderStatus::AwaitingPayment)
                    : d.action == PaymentAction::Cancel ? std::optional(OrderStatus::Canceled) : std::nullopt;
                if (target)
                    QVERIFY2(canTransition(s, *target), qPrintable(toString(s) + u" -> "_s + toString(*target)));
            }
        }
    }
};

QTEST_APPLESS_MAIN(TestCheckout)
#include "tst_checkout.moc"
