// Webhook bodies -> typed events: real event shapes (fixtures), lenient about new fields,
// strict about the fields we act on, and bounded against hostile input.
#include "sync/stripe/stripeevent.h"
#include "sync/webhookprocessor.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using rdk::ErrorCode;
using rdk::sync::StripeEvent;
using rdk::sync::StripeEventKind;
using rdk::sync::parseStripeEvent;
using rdk::PaymentEvent;
using rdk::sync::toPaymentEvent;

Q_DECLARE_METATYPE(StripeEventKind)

namespace {

const QString OrderId = u"0b6f3c2e-6a0e-4d8c-9d7e-3f5c2a1b9e10"_s;

QByteArray fixture(const QString &name)
{
    QFile file(QStringLiteral(RDK_STRIPE_FIXTURES) + u'/' + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", qPrintable(name));
    return file.readAll();
}

StripeEvent parsedFixture(const QString &name)
{
    const rdk::Result<StripeEvent> event = parseStripeEvent(fixture(name));
    if (!event)
        qFatal("fixture %s did not parse: %s", qPrintable(name), qPrintable(event.error().message));
    return event.value();
}

/// A minimal valid event around `object`, for the malformed rows.
QByteArray eventWith(const QByteArray &type, const QByteArray &object)
{
    return R"({"id":"evt_1Test","object":"event","created":1719400100,"type":")" + type + R"(","data":{"object":)"
        + object + "}}";
}

QByteArray sessionWith(const QByteArray &fields)
{
    return eventWith("checkout.session.completed",
                     R"({"id":"cs_test_1","object":"checkout.session","currency":"usd",)" + fields + "}");
}

QByteArray chargeWith(const QByteArray &fields)
{
    return eventWith("charge.refunded", R"({"id":"ch_1","object":"charge","currency":"usd",)" + fields + "}");
}

} // namespace

class TstStripeEvent final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void fixtures_mapToKinds_data();
    void fixtures_mapToKinds();
    void chargeSucceeded_carriesTheCardFingerprint();
    void checkoutCompleted_paid();
    void checkoutCompleted_unpaid_usesFallbacks();
    void checkoutCompleted_paymentLink();
    void shipping_fromCollectedInformation();
    void shipping_fromLegacyShippingDetails();
    void unknownFields_areIgnored();
    void chargeRefunded_fullAndPartial();
    void otherKinds_carryIdAndTypeOnly();
    void checkoutExpired_hasNoAmountRequirement();
    void eventIdLength_boundary();
    void malformed_data();
    void malformed();
};

void TstStripeEvent::fixtures_mapToKinds_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<StripeEventKind>("kind");
    QTest::addColumn<QString>("type");
    QTest::newRow("completed paid") << u"checkout_session_completed_paid.json"_s << StripeEventKind::CheckoutCompleted << u"checkout.session.completed"_s;
    QTest::newRow("completed unpaid") << u"checkout_session_completed_unpaid.json"_s << StripeEventKind::CheckoutCompleted << u"checkout.session.completed"_s;
    QTest::newRow("async succeeded") << u"checkout_session_async_payment_succeeded.json"_s << StripeEventKind::CheckoutAsyncSucceeded << u"checkout.session.async_payment_succeeded"_s;
    QTest::newRow("async failed") << u"checkout_session_async_payment_failed.json"_s << StripeEventKind::CheckoutAsyncFailed << u"checkout.session.async_payment_failed"_s;
    QTest::newRow("expired") << u"checkout_session_expired.json"_s << StripeEventKind::CheckoutExpired << u"checkout.session.expired"_s;
    QTest::newRow("refund full") << u"charge_refunded_full.json"_s << StripeEventKind::ChargeRefunded << u"charge.refunded"_s;
    QTest::newRow("refund partial") << u"charge_refunded_partial.json"_s << StripeEventKind::ChargeRefunded << u"charge.refunded"_s;
    QTest::newRow("charge succeeded") << u"charge_succeeded.json"_s << StripeEventKind::ChargeSucceeded << u"charge.succeeded"_s;
    QTest::newRow("unknown type") << u"payment_intent_succeeded_unknown.json"_s << StripeEventKind::Other << u"payment_intent.succeeded"_s;
    QTest::newRow("collected_information") << u"checkout_session_completed_collected_information.json"_s << StripeEventKind::CheckoutCompleted << u"checkout.session.completed"_s;
    QTest::newRow("legacy shipping") << u"checkout_session_completed_legacy_shipping.json"_s << StripeEventKind::CheckoutCompleted << u"checkout.session.completed"_s;
    QTest::newRow("extra fields") << u"checkout_session_completed_extra_fields.json"_s << StripeEventKind::CheckoutCompleted << u"checkout.session.completed"_s;
    QTest::newRow("payment link") << u"checkout_session_completed_payment_link.json"_s << StripeEventKind::CheckoutCompleted << u"checkout.session.completed"_s;
}

void TstStripeEvent::fixtures_mapToKinds()
{
    QFETCH(QString, file);
    QFETCH(StripeEventKind, kind);
    QFETCH(QString, type);
    const StripeEvent event = parsedFixture(file);
    QCOMPARE(event.kind, kind);
    QCOMPARE(event.type, type);
    QVERIFY(event.id.startsWith(u"evt_"_s));
    QVERIFY(event.created > 1700000000);
    const bool isCharge = kind == StripeEventKind::ChargeRefunded || kind == StripeEventKind::ChargeSucceeded;
    const bool isCheckout = !isCharge && kind != StripeEventKind::Other;
    QCOMPARE(event.session.has_value(), isCheckout);
    QCOMPARE(event.charge.has_value(), isCharge);
}

// Issue 15: the card's fingerprint reaches the database with the charge's payment intent, for
// a release's per-buyer limits; it is not a payment signal (the session's events are).
void TstStripeEvent::chargeSucceeded_carriesTheCardFingerprint()
{
    const StripeEvent event = parsedFixture(u"charge_succeeded.json"_s);
    QCOMPARE(event.charge->cardFingerprint, u"Xt5EWLLDS7FJjR1c"_s);
    const PaymentEvent mapped = toPaymentEvent(event);
    QCOMPARE(mapped.cardFingerprint, u"Xt5EWLLDS7FJjR1c"_s);
    QCOMPARE(mapped.paymentIntentId, event.charge->paymentIntent);
    QVERIFY(!mapped.paymentIntentId.isEmpty());
    QVERIFY(!mapped.report.has_value());
    // A fingerprint that is not a plain token is dropped, not passed on.
    QJsonObject root = QJsonDocument::fromJson(fixture(u"charge_succeeded.json"_s)).object();
    QJsonObject data = root.value(u"data"_s).toObject();
    QJsonObject charge = data.value(u"object"_s).toObject();
    charge.insert(u"payment_method_details"_s,
                  QJsonObject{{u"card"_s, QJsonObject{{u"fingerprint"_s, u"x'); DROP TABLE orders; --"_s}}}});
    data.insert(u"object"_s, charge);
    root.insert(u"data"_s, data);
    const auto hostile = parseStripeEvent(QJsonDocument(root).toJson());
    QVERIFY(hostile);
    QVERIFY(hostile->charge->cardFingerprint.isEmpty());
}

void TstStripeEvent::checkoutCompleted_paid()
{
    const StripeEvent event = parsedFixture(u"checkout_session_completed_paid.json"_s);
    QCOMPARE(event.id, u"evt_1PVmYzLkdIwHu7ixQ2mN3abc"_s);
    QCOMPARE(event.created, qint64(1719400100));
    const auto &s = *event.session;
    QCOMPARE(s.id, u"cs_test_a1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuVwXyZ0123456789abcdefGHIJ"_s);
    QCOMPARE(s.paymentStatus, u"paid"_s);
    QCOMPARE(s.status, u"complete"_s);
    QCOMPARE(s.amountTotal, qint64(25998));
    QCOMPARE(s.currency, u"USD"_s);
    QCOMPARE(s.orderId, OrderId);
    QCOMPARE(s.paymentIntent, u"pi_3PVmXyLkdIwHu7ix0abcdEFG"_s);
    QVERIFY(s.paymentLink.isEmpty());
    QCOMPARE(s.customerEmail, u"jordan@example.com"_s);
    QCOMPARE(s.shippingName, u"Jordan Miles"_s);
    QCOMPARE(s.shippingAddress.value(u"line1"_s).toString(), u"123 Flatbush Ave"_s);
    QCOMPARE(s.shippingAddress.value(u"postal_code"_s).toString(), u"11217"_s);
}

void TstStripeEvent::checkoutCompleted_unpaid_usesFallbacks()
{
    const StripeEvent event = parsedFixture(u"checkout_session_completed_unpaid.json"_s);
    const auto &s = *event.session;
    QCOMPARE(s.paymentStatus, u"unpaid"_s);
    QCOMPARE(s.status, u"complete"_s);
    // client_reference_id is null here: metadata.order_id carries the order.
    QCOMPARE(s.orderId, OrderId);
    // customer_details.email is null: customer_email is used.
    QCOMPARE(s.customerEmail, u"jordan@example.com"_s);
    QVERIFY(s.shippingAddress.isEmpty());
    QVERIFY(s.shippingName.isEmpty());

    // Only client_reference_id: it is the fallback for a missing metadata.order_id.
    const auto onlyReference = parseStripeEvent(sessionWith(R"("metadata":{},"client_reference_id":"ord-42")"));
    QVERIFY(onlyReference.ok());
    QCOMPARE(onlyReference->session->orderId, u"ord-42"_s);
    QCOMPARE(onlyReference->session->amountTotal, qint64(-1));
}

void TstStripeEvent::checkoutCompleted_paymentLink()
{
    const StripeEvent event = parsedFixture(u"checkout_session_completed_payment_link.json"_s);
    const auto &s = *event.session;
    QCOMPARE(s.paymentLink, u"plink_1PVmPosLkdIwHu7ix0Link"_s);
    QCOMPARE(s.orderId, u"7d1e0f8a-1111-4c2b-8e55-0a9b8c7d6e5f"_s);
    QCOMPARE(s.amountTotal, qint64(12999));
}

void TstStripeEvent::shipping_fromCollectedInformation()
{
    const StripeEvent event = parsedFixture(u"checkout_session_completed_collected_information.json"_s);
    const auto &s = *event.session;
    QCOMPARE(s.shippingName, u"Riley Chen"_s);
    QCOMPARE(s.shippingAddress.value(u"line1"_s).toString(), u"77 Mass Ave"_s);
    QCOMPARE(s.shippingAddress.value(u"city"_s).toString(), u"Cambridge"_s);

    // Both present: the newer place wins.
    const auto both = parseStripeEvent(sessionWith(
        R"("collected_information":{"shipping_details":{"name":"New","address":{"line1":"1 New St"}}},)"
        R"("shipping_details":{"name":"Old","address":{"line1":"1 Old St"}})"));
    QVERIFY(both.ok());
    QCOMPARE(both->session->shippingName, u"New"_s);
    QCOMPARE(both->session->shippingAddress.value(u"line1"_s).toString(), u"1 New St"_s);

    // collected_information present but without shipping: the older field still counts.
    const auto fallback = parseStripeEvent(sessionWith(
        R"("collected_information":{"shipping_details":null},"shipping_details":{"name":"Old","address":{"line1":"1 Old St"}})"));
    QVERIFY(fallback.ok());
    QCOMPARE(fallback->session->shippingName, u"Old"_s);
}

void TstStripeEvent::shipping_fromLegacyShippingDetails()
{
    const StripeEvent event = parsedFixture(u"checkout_session_completed_legacy_shipping.json"_s);
    const auto &s = *event.session;
    QCOMPARE(s.shippingName, u"Sam Legacy"_s);
    QCOMPARE(s.shippingAddress.value(u"line1"_s).toString(), u"9 Legacy Rd"_s);
    // metadata is empty here: the order id comes from client_reference_id.
    QCOMPARE(s.orderId, OrderId);
}

void TstStripeEvent::unknownFields_areIgnored()
{
    const StripeEvent event = parsedFixture(u"checkout_session_completed_extra_fields.json"_s);
    const auto &s = *event.session;
    QCOMPARE(s.amountTotal, qint64(4500));
    QCOMPARE(s.currency, u"EUR"_s);
    // payment_intent expanded into an object: its id is taken.
    QCOMPARE(s.paymentIntent, u"pi_3PExpandedLkdIwHu7ix0exp"_s);
}

void TstStripeEvent::chargeRefunded_fullAndPartial()
{
    const auto full = *parsedFixture(u"charge_refunded_full.json"_s).charge;
    QCOMPARE(full.id, u"ch_3PVmXyLkdIwHu7ix0abcdEFG"_s);
    QCOMPARE(full.paymentIntent, u"pi_3PVmXyLkdIwHu7ix0abcdEFG"_s);
    QCOMPARE(full.amount, qint64(25998));
    QCOMPARE(full.amountRefunded, qint64(25998));
    QVERIFY(full.refunded);
    QCOMPARE(full.currency, u"USD"_s);
    QVERIFY(full.orderId.isEmpty());

    const auto partial = *parsedFixture(u"charge_refunded_partial.json"_s).charge;
    QCOMPARE(partial.amount, qint64(25998));
    QCOMPARE(partial.amountRefunded, qint64(12999));
    QVERIFY(!partial.refunded);
    QCOMPARE(partial.orderId, OrderId);
}

void TstStripeEvent::otherKinds_carryIdAndTypeOnly()
{
    const StripeEvent event = parsedFixture(u"payment_intent_succeeded_unknown.json"_s);
    QCOMPARE(event.kind, StripeEventKind::Other);
    QCOMPARE(event.id, u"evt_3PVmPiLkdIwHu7ixPiOk0001"_s);
    QCOMPARE(event.type, u"payment_intent.succeeded"_s);
    QVERIFY(!event.session && !event.charge);
    // Other kinds are not inspected: odd amounts in them don't matter.
    QVERIFY(parseStripeEvent(eventWith("invoice.paid", R"({"id":"in_1","object":"invoice","amount_due":"12"})")).ok());
}

void TstStripeEvent::checkoutExpired_hasNoAmountRequirement()
{
    const StripeEvent event = parsedFixture(u"checkout_session_expired.json"_s);
    const auto &s = *event.session;
    QCOMPARE(s.status, u"expired"_s);
    QVERIFY(s.paymentIntent.isEmpty());
    QCOMPARE(s.orderId, OrderId);
    const auto noAmount = parseStripeEvent(eventWith("checkout.session.expired",
                                                     R"({"id":"cs_1","object":"checkout.session","amount_total":null})"));
    QVERIFY(noAmount.ok());
    QCOMPARE(noAmount->session->amountTotal, qint64(-1));
    QVERIFY(noAmount->session->currency.isEmpty());
}

void TstStripeEvent::eventIdLength_boundary()
{
    const auto withId = [](const QByteArray &id) {
        return R"({"id":")" + id + R"(","type":"x.y","data":{"object":{}}})";
    };
    QVERIFY(parseStripeEvent(withId("evt_" + QByteArray(250, 'a'))).ok());
    QVERIFY(!parseStripeEvent(withId("evt_" + QByteArray(251, 'a'))).ok());
    QVERIFY(parseStripeEvent(withId("evt_A")).ok());
    // A whole-number amount written as 12.0 is the same amount (JSON can't tell them apart).
    const auto twelve = parseStripeEvent(sessionWith(R"("amount_total":12.0)"));
    QVERIFY(twelve.ok());
    QCOMPARE(twelve->session->amountTotal, qint64(12));
}

void TstStripeEvent::malformed_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("field");     // the field named in the error ("" = none)
    QTest::addColumn<QString>("says");      // part of the message

    QTest::newRow("not JSON") << QByteArray("{not json") << QString() << u"not valid JSON"_s;
    QTest::newRow("truncated") << fixture(u"checkout_session_completed_paid.json"_s).first(500) << QString() << u"not valid JSON"_s;
    QTest::newRow("empty") << QByteArray() << QString() << u"empty"_s;
    QTest::newRow("array") << QByteArray(R"([{"id":"evt_1"}])") << QString() << u"not a JSON object"_s;
    QTest::newRow("string") << QByteArray(R"("evt_1")") << QString() << u"not valid JSON"_s;  // Qt 6.4 refuses top-level scalars
    QTest::newRow("missing id") << QByteArray(R"({"type":"x","data":{"object":{}}})") << u"id"_s << u"evt_"_s;
    QTest::newRow("id not evt_") << QByteArray(R"({"id":"ch_123","type":"x","data":{"object":{}}})") << u"id"_s << u"evt_"_s;
    QTest::newRow("id evt_ alone") << QByteArray(R"({"id":"evt_","type":"x","data":{"object":{}}})") << u"id"_s << u"evt_"_s;
    QTest::newRow("id with dash") << QByteArray(R"({"id":"evt_ab-c","type":"x","data":{"object":{}}})") << u"id"_s << u"evt_"_s;
    QTest::newRow("id with slash") << QByteArray(R"({"id":"evt_../x","type":"x","data":{"object":{}}})") << u"id"_s << u"evt_"_s;
    QTest::newRow("id number") << QByteArray(R"({"id":12,"type":"x","data":{"object":{}}})") << u"id"_s << u"evt_"_s;
    QTest::newRow("missing type") << QByteArray(R"({"id":"evt_1","data":{"object":{}}})") << u"type"_s << u"type"_s;
    QTest::newRow("type number") << QByteArray(R"({"id":"evt_1","type":3,"data":{"object":{}}})") << u"type"_s << u"type"_s;
    QTest::newRow("missing data") << QByteArray(R"({"id":"evt_1","type":"x"})") << u"data.object"_s << u"data.object"_s;
    QTest::newRow("data.object array") << eventWith("x", "[]") << u"data.object"_s << u"data.object"_s;
    QTest::newRow("data.object null") << eventWith("x", "null") << u"data.object"_s << u"data.object"_s;
    QTest::newRow("created text") << QByteArray(R"({"id":"evt_1","type":"x","created":"now","data":{"object":{}}})") << u"created"_s << u"created"_s;
    QTest::newRow("created negative") << QByteArray(R"({"id":"evt_1","type":"x","created":-5,"data":{"object":{}}})") << u"created"_s << u"created"_s;
    QTest::newRow("checkout with a charge") << eventWith("checkout.session.completed", R"({"id":"ch_1","object":"charge"})") << u"data.object.object"_s << u"checkout.session"_s;
    QTest::newRow("refund with a session") << eventWith("charge.refunded", R"({"id":"cs_1","object":"checkout.session"})") << u"data.object.object"_s << u"charge"_s;
    QTest::newRow("session without id") << eventWith("checkout.session.completed", R"({"object":"checkout.session"})") << u"data.object.id"_s << u"id"_s;
    QTest::newRow("session id with space") << eventWith("checkout.session.completed", R"({"id":"cs 1","object":"checkout.session"})") << u"data.object.id"_s << u"id"_s;
    QTest::newRow("amount as string") << sessionWith(R"("amount_total":"25998")") << u"data.object.amount_total"_s << u"must be a number"_s;
    QTest::newRow("amount float") << sessionWith(R"("amount_total":259.98)") << u"data.object.amount_total"_s << u"whole number"_s;
    QTest::newRow("amount negative") << sessionWith(R"("amount_total":-1)") << u"data.object.amount_total"_s << u"negative"_s;
    QTest::newRow("amount huge") << sessionWith(R"("amount_total":99999999999999999999)") << u"data.object.amount_total"_s << u"too large"_s;
    QTest::newRow("amount 1e30") << sessionWith(R"("amount_total":1e30)") << u"data.object.amount_total"_s << u"too large"_s;
    QTest::newRow("amount bool") << sessionWith(R"("amount_total":true)") << u"data.object.amount_total"_s << u"must be a number"_s;
    QTest::newRow("currency not ISO") << sessionWith(R"("currency":"dollars")") << u"data.object.currency"_s << u"ISO"_s;
    QTest::newRow("payment_status number") << sessionWith(R"("payment_status":1)") << u"data.object.payment_status"_s << u"text"_s;
    QTest::newRow("charge amount missing") << chargeWith(R"("amount_refunded":0,"refunded":false)") << u"data.object.amount"_s << u"missing"_s;
    QTest::newRow("charge amount string") << chargeWith(R"("amount":"100","amount_refunded":0)") << u"data.object.amount"_s << u"must be a number"_s;
    QTest::newRow("charge refunded float") << chargeWith(R"("amount":100,"amount_refunded":0.5)") << u"data.object.amount_refunded"_s << u"whole number"_s;
    QTest::newRow("charge refunded > amount") << chargeWith(R"("amount":100,"amount_refunded":101)") << u"data.object.amount_refunded"_s << u"larger"_s;
    QTest::newRow("charge refunded flag text") << chargeWith(R"("amount":100,"amount_refunded":100,"refunded":"yes")") << u"data.object.refunded"_s << u"true or false"_s;
    QTest::newRow("charge without currency") << eventWith("charge.refunded", R"({"id":"ch_1","object":"charge","amount":1,"amount_refunded":1})") << u"data.object.currency"_s << u"missing"_s;

    QByteArray deep = R"({"id":"evt_1","type":"checkout.session.completed","data":{"object":{"id":"cs_1","object":"checkout.session","x":)";
    deep += QByteArray(5000, '[') + QByteArray(5000, ']') + "}}}";
    QTest::newRow("deeply nested") << deep << QString() << u"not valid JSON"_s;
    QByteArray deepObjects = R"({"id":"evt_1","type":"x","data":{"object":{"a":)";
    for (int i = 0; i < 3000; ++i)
        deepObjects += R"({"a":)";
    deepObjects += "1" + QByteArray(3000, '}') + "}}}";
    QTest::newRow("deeply nested objects") << deepObjects << QString() << u"not valid JSON"_s;

    QByteArray big = eventWith("x", R"({"pad":")" + QByteArray(2 * 1024 * 1024, 'a') + R"("})");
    QTest::newRow("2 MiB") << big << QString() << u"larger than 1 MiB"_s;
    QByteArray justOver = eventWith("x", R"({"pad":")" + QByteArray(1024 * 1024, 'a') + R"("})");
    QTest::newRow("just over 1 MiB") << justOver << QString() << u"larger than 1 MiB"_s;
}

void TstStripeEvent::malformed()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, field);
    QFETCH(QString, says);
    const rdk::Result<StripeEvent> event = parseStripeEvent(body);
    QVERIFY(!event.ok());
    QCOMPARE(event.error().code, ErrorCode::Invalid);
    QCOMPARE(event.error().field, field);
    QVERIFY2(event.error().message.contains(says), qPrintable(event.error().message));
    // The message is for a log or an operator: short, never the body.
    QVERIFY2(event.error().message.size() < 300, qPrintable(event.error().message));
}

QTEST_GUILESS_MAIN(TstStripeEvent)
#include "tst_stripe_event.moc"
