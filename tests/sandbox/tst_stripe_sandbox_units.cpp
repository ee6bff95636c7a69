// The Stripe sandbox's parts, in-process: the form parser (Stripe's bracket syntax and hostile
// input), parameter schemas, webhook signing and retry timing, idempotency, the store's rules
// on a fake clock, and the pay page's escaping.
#include "sync/sandbox/formparser.h"
#include "sync/sandbox/idempotencystore.h"
#include "sync/sandbox/idgenerator.h"
#include "sync/sandbox/paramschema.h"
#include "sync/sandbox/paypage.h"
#include "sync/sandbox/sandboxstore.h"
#include "sync/sandbox/webhookdispatcher.h"
#include "sync/sandbox/webhooksigner.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk::sandbox;

namespace {

FormNode parsed(const QByteArray &body)
{
    auto result = FormParser::parse(body);
    if (!result)
        qWarning().noquote() << "parse failed:" << result.error().message;
    return result ? *result : FormNode();
}

QString textAt(const FormNode &root, const QStringList &path)
{
    const FormNode *node = root.at(path);
    return node && node->isValue() ? node->text() : u"<missing>"_s;
}

const QByteArray kValidSession =
    "mode=payment&success_url=https%3A%2F%2Fshop.example%2Fok%3Fs%3D%7BCHECKOUT_SESSION_ID%7D"
    "&line_items[0][price_data][currency]=usd&line_items[0][price_data][unit_amount]=1234"
    "&line_items[0][price_data][product_data][name]=Air+Max+90&line_items[0][quantity]=2";

struct RecordedEvent {
    QString type;
    QJsonObject object;
    QJsonObject previous;
};

/// A store on a clock the test moves, recording what it would publish.
struct StoreFixture {
    qint64 clock = 1'700'000'000;
    QList<RecordedEvent> events;
    SandboxStore store{u"http://127.0.0.1:1"_s, [this] { return clock; }};
    StoreFixture()
    {
        store.setEventSink([this](const QString &type, const QJsonObject &object, const QJsonObject &previous,
                                  const EventRequest &) { events.append({type, object, previous}); });
    }
};

} // namespace

class TestStripeSandboxUnits final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // --- FormParser -------------------------------------------------------------------------

    void parse_nestedBrackets_buildsTree()
    {
        const FormNode root = parsed("mode=payment&line_items[0][price_data][product_data][name]=Air+Max"
                                     "&line_items[0][quantity]=2&metadata[order_id]=42");
        QCOMPARE(textAt(root, {u"mode"_s}), u"payment"_s);
        QCOMPARE(textAt(root, {u"line_items"_s, u"0"_s, u"price_data"_s, u"product_data"_s, u"name"_s}), u"Air Max"_s);
        QCOMPARE(textAt(root, {u"line_items"_s, u"0"_s, u"quantity"_s}), u"2"_s);
        QCOMPARE(textAt(root, {u"metadata"_s, u"order_id"_s}), u"42"_s);
        QVERIFY(root.child(u"line_items"_s)->isHash());
        QCOMPARE(root.children().size(), size_t(3));
    }

    void parse_decodesComponents_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QStringList>("path");
        QTest::addColumn<QString>("expected");
        QTest::addRow("plus is a space") << QByteArray("a=Air+Max") << QStringList{u"a"_s} << u"Air Max"_s;
        QTest::addRow("percent space") << QByteArray("a=Air%20Max") << QStringList{u"a"_s} << u"Air Max"_s;
        QTest::addRow("encoded plus stays plus") << QByteArray("a=1%2B1") << QStringList{u"a"_s} << u"1+1"_s;
        QTest::addRow("utf-8") << QByteArray("a=%C3%A9t%C3%A9") << QStringList{u"a"_s} << u"été"_s;
        QTest::addRow("lowercase hex") << QByteArray("a=%c3%a9") << QStringList{u"a"_s} << u"é"_s;
        QTest::addRow("encoded brackets in name") << QByteArray("metadata%5Border_id%5D=7")
                                                  << QStringList{u"metadata"_s, u"order_id"_s} << u"7"_s;
        QTest::addRow("encoded ampersand and equals") << QByteArray("a=x%26y%3Dz") << QStringList{u"a"_s} << u"x&y=z"_s;
        QTest::addRow("equals inside value") << QByteArray("a=b=c") << QStringList{u"a"_s} << u"b=c"_s;
        QTest::addRow("empty value") << QByteArray("a=") << QStringList{u"a"_s} << QString();
        QTest::addRow("name without equals") << QByteArray("a") << QStringList{u"a"_s} << QString();
        QTest::addRow("template braces") << QByteArray("u=%7BCHECKOUT_SESSION_ID%7D") << QStringList{u"u"_s}
                                         << u"{CHECKOUT_SESSION_ID}"_s;
    }

    void parse_decodesComponents()
    {
        QFETCH(QByteArray, body);
        QFETCH(QStringList, path);
        QFETCH(QString, expected);
        const auto result = FormParser::parse(body);
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
        QCOMPARE(textAt(*result, path), expected);
    }

    void parse_indexedKeys_listInNumericOrder()
    {
        const FormNode root = parsed("l[10]=c&l[2]=b&l[0]=a");
        const auto list = root.child(u"l"_s)->list();
        QVERIFY(list.has_value());
        QCOMPARE(list->size(), size_t(3));
        QCOMPARE(list->at(0)->text(), u"a"_s);
        QCOMPARE(list->at(1)->text(), u"b"_s);
        QCOMPARE(list->at(2)->text(), u"c"_s);
        QVERIFY(!parsed("l[x]=1&l[0]=2").child(u"l"_s)->list().has_value());
    }

    void parse_emptyBracketsAtEnd_append()
    {
        const FormNode root = parsed("expand[]=line_items&expand[]=payment_intent");
        QCOMPARE(textAt(root, {u"expand"_s, u"0"_s}), u"line_items"_s);
        QCOMPARE(textAt(root, {u"expand"_s, u"1"_s}), u"payment_intent"_s);
    }

    void parse_emptyPairs_areSkipped()
    {
        const auto result = FormParser::parse("&a=1&&b=2&");
        QVERIFY(result.ok());
        QCOMPARE(result->children().size(), size_t(2));
    }

    void parse_fiveLevels_isAccepted()
    {
        const auto result = FormParser::parse("line_items[0][price_data][product_data][images][0]=https%3A%2F%2Fx.test%2Fa.jpg");
        QVERIFY(result.ok());
        QCOMPARE(textAt(*result, {u"line_items"_s, u"0"_s, u"price_data"_s, u"product_data"_s, u"images"_s, u"0"_s}),
                 u"https://x.test/a.jpg"_s);
    }

    void parse_thousandParams_isAccepted()
    {
        QByteArray body;
        for (int i = 0; i < FormParser::kMaxParams; ++i)
            body += "p" + QByteArray::number(i) + "=1&";
        const auto result = FormParser::parse(body);
        QVERIFY(result.ok());
        QCOMPARE(result->children().size(), size_t(FormParser::kMaxParams));
    }

    void parse_hostileInput_isRefused_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("message");
        QByteArray many;
        for (int i = 0; i < 10'000; ++i)
            many += "a" + QByteArray::number(i) + "=1&";
        QByteArray oneTooMany;
        for (int i = 0; i <= FormParser::kMaxParams; ++i)
            oneTooMany += "a" + QByteArray::number(i) + "=1&";
        QTest::addRow("10k params") << many << u"Too many parameters"_s;
        QTest::addRow("1001 params") << oneTooMany << u"Too many parameters"_s;
        QTest::addRow("10k empty pairs") << QByteArray(10'000 * 2 + 10, '&') << u"Too many parameters"_s;
        QTest::addRow("six levels deep") << QByteArray("a[1][2][3][4][5][6]=x") << u"nested too deeply"_s;
        QTest::addRow("hundred levels deep") << QByteArray("a").append(QByteArray("[x]").repeated(100)).append("=1")
                                             << u"nested too deeply"_s;
        QTest::addRow("empty name") << QByteArray("=x") << u"Empty parameter name"_s;
        QTest::addRow("empty name before brackets") << QByteArray("[a]=x") << u"Empty parameter name"_s;
        QTest::addRow("empty brackets in the middle") << QByteArray("a[][b]=x") << u"Empty brackets"_s;
        QTest::addRow("unclosed bracket") << QByteArray("a[b=x") << u"Unbalanced brackets"_s;
        QTest::addRow("stray closing bracket") << QByteArray("a]=x") << u"Unbalanced brackets"_s;
        QTest::addRow("text after a bracket") << QByteArray("a[b]c=x") << u"Unbalanced brackets"_s;
        QTest::addRow("bracket inside a bracket") << QByteArray("a[b[c]]=x") << u"Unbalanced brackets"_s;
        QTest::addRow("truncated percent escape") << QByteArray("a=%4") << u"Malformed percent-encoding"_s;
        QTest::addRow("percent escape at the end") << QByteArray("a=%") << u"Malformed percent-encoding"_s;
        QTest::addRow("non-hex escape") << QByteArray("a=%zz") << u"Malformed percent-encoding"_s;
        QTest::addRow("invalid utf-8") << QByteArray("a=%ff%fe") << u"Invalid UTF-8"_s;
        QTest::addRow("NUL byte") << QByteArray("a=%00") << u"NUL byte"_s;
        QTest::addRow("raw NUL byte in name") << QByteArray("a\0b=1", 5) << u"NUL byte"_s;
        QTest::addRow("sent twice") << QByteArray("a=1&a=2") << u"more than once"_s;
        QTest::addRow("value then hash") << QByteArray("a=1&a[b]=2") << u"both as a value and as a hash"_s;
        QTest::addRow("hash then value") << QByteArray("a[b]=2&a=1") << u"both as a value and as a hash"_s;
        QTest::addRow("very long name") << QByteArray(600, 'n').append("=1") << u"longer than"_s;
    }

    void parse_hostileInput_isRefused()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, message);
        const auto result = FormParser::parse(body);
        QVERIFY(!result.ok());
        QVERIFY2(result.error().message.contains(message), qPrintable(result.error().message));
    }

    void canonical_sameParamsInAnyOrder_areEqual()
    {
        QCOMPARE(parsed("a=1&b[c]=2&b[d]=3").canonical(), parsed("b[d]=3&a=1&b[c]=2").canonical());
        QVERIFY(parsed("a=1&b=2").canonical() != parsed("a=12").canonical());
        QVERIFY(parsed("a=%251").canonical() != parsed("a=1").canonical());
        QVERIFY(parsed("a=1:2=3").canonical() != parsed("a=1&2=3").canonical());
    }

    // --- ParamSchema ------------------------------------------------------------------------

    void check_unknownParam_namesItLikeStripe_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("param");
        QTest::addColumn<QString>("message");
        QTest::addRow("top level") << QByteArray("mode=payment&foo=1") << u"foo"_s << u"Received unknown parameter: foo"_s;
        QTest::addRow("typo in a line item") << QByteArray("line_items[0][prise]=x") << u"line_items[0][prise]"_s
                                             << u"Received unknown parameter: line_items[0][prise]"_s;
        QTest::addRow("below a plain value") << QByteArray("success_url[x]=y") << u"success_url[x]"_s
                                             << u"Received unknown parameter: success_url[x]"_s;
        QTest::addRow("name instead of index") << QByteArray("line_items[first][price]=x") << u"line_items[first]"_s
                                               << u"Received unknown parameter: line_items[first]"_s;
        QTest::addRow("deep typo") << QByteArray("line_items[0][price_data][foo][bar]=1")
                                   << u"line_items[0][price_data][foo]"_s
                                   << u"Received unknown parameter: line_items[0][price_data][foo]"_s;
        QTest::addRow("value for a hash") << QByteArray("metadata=x") << u"metadata"_s << u"Invalid hash"_s;
        QTest::addRow("value for an array") << QByteArray("line_items=x") << u"line_items"_s << u"Invalid array"_s;
    }

    void check_unknownParam_namesItLikeStripe()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, param);
        QFETCH(QString, message);
        const ParamSchema schema({u"mode"_s, u"success_url"_s, u"metadata[*]"_s, u"line_items[#][price]"_s,
                                  u"line_items[#][price_data][currency]"_s});
        const auto violation = schema.check(parsed(body));
        QVERIFY(violation.has_value());
        QCOMPARE(violation->param, param);
        QCOMPARE(violation->message, message);
        QCOMPARE(violation->status, 400);
        QVERIFY(!violation->replayable);
    }

    void check_knownParams_pass()
    {
        const ParamSchema schema({u"mode"_s, u"metadata[*]"_s, u"line_items[#][price]"_s});
        QVERIFY(!schema.check(parsed("mode=payment&metadata[a]=1&line_items[0][price]=p&line_items[1][price]=q")).has_value());
        QVERIFY2(!schema.check(parsed("metadata=")).has_value(), "an empty value unsets a hash, as at Stripe");
    }

    // --- Webhook signing and retries --------------------------------------------------------

    void signature_matchesReferenceHmac()
    {
        // Reference value from Python's hmac module, keyed with the whole "whsec_..." string.
        const QByteArray body = R"({"id":"evt_1","object":"event"})";
        QCOMPARE(WebhookSigner::signature(u"whsec_test_secret"_s, 1'700'000'000, body),
                 QByteArray("0c8670ed117751cc551a20e35839447075c42800ea3cf3e8a2fbda99cd1e6edd"));
        QCOMPARE(WebhookSigner::header(u"whsec_test_secret"_s, 1'700'000'000, body),
                 QByteArray("t=1700000000,v1=0c8670ed117751cc551a20e35839447075c42800ea3cf3e8a2fbda99cd1e6edd"));
    }

    void retryDelay_doublesAndCaps_data()
    {
        QTest::addColumn<int>("attempt");
        QTest::addColumn<int>("baseMs");
        QTest::addColumn<int>("expected");
        QTest::addRow("second try waits the base") << 2 << 1000 << 1000;
        QTest::addRow("third doubles") << 3 << 1000 << 2000;
        QTest::addRow("fourth") << 4 << 1000 << 4000;
        QTest::addRow("seventh") << 7 << 1000 << 32'000;
        QTest::addRow("eighth is capped at 60 s") << 8 << 1000 << 60'000;
        QTest::addRow("far out stays capped") << 40 << 60'000 << 60'000;
        QTest::addRow("test base") << 3 << 20 << 40;
        QTest::addRow("zero base waits 1 ms") << 2 << 0 << 1;
    }

    void retryDelay_doublesAndCaps()
    {
        QFETCH(int, attempt);
        QFETCH(int, baseMs);
        QFETCH(int, expected);
        QCOMPARE(WebhookDispatcher::retryDelayMs(attempt, baseMs), expected);
    }

    void eventBody_hasStripeEventShape()
    {
        const QByteArray body = WebhookDispatcher::eventBody(u"evt_1"_s, u"charge.refunded"_s, 1'700'000'000,
                                                             QJsonObject{{u"id"_s, u"ch_1"_s}},
                                                             QJsonObject{{u"amount_refunded"_s, 0}},
                                                             EventRequest{u"req_1"_s, QString()}, 1);
        const QJsonObject event = QJsonDocument::fromJson(body).object();
        QCOMPARE(event.value(u"id"_s).toString(), u"evt_1"_s);
        QCOMPARE(event.value(u"object"_s).toString(), u"event"_s);
        QCOMPARE(event.value(u"api_version"_s).toString(), u"2024-06-20"_s);
        QCOMPARE(event.value(u"type"_s).toString(), u"charge.refunded"_s);
        QCOMPARE(event.value(u"created"_s).toInteger(), 1'700'000'000);
        QCOMPARE(event.value(u"livemode"_s).toBool(true), false);
        QCOMPARE(event.value(u"pending_webhooks"_s).toInt(), 1);
        QCOMPARE(event.value(u"request"_s).toObject().value(u"id"_s).toString(), u"req_1"_s);
        QVERIFY(event.value(u"request"_s).toObject().value(u"idempotency_key"_s).isNull());
        QCOMPARE(event.value(u"data"_s).toObject().value(u"object"_s).toObject().value(u"id"_s).toString(), u"ch_1"_s);
        QVERIFY(event.value(u"data"_s).toObject().contains(u"previous_attributes"_s));
    }

    // --- Idempotency ------------------------------------------------------------------------

    void idempotency_replaysMismatchesAndExpires()
    {
        qint64 now = 1'700'000'000;
        IdempotencyStore store([&now] { return now; });
        HttpResponse stored;
        stored.body = "first";
        store.store(u"sk_test_a"_s, u"key-1"_s, "fp-1", stored);
        const auto replay = store.find(u"sk_test_a"_s, u"key-1"_s, "fp-1");
        QCOMPARE(replay.outcome, IdempotencyStore::Outcome::Replay);
        QCOMPARE(replay.response.body, QByteArray("first"));
        QCOMPARE(store.find(u"sk_test_a"_s, u"key-1"_s, "fp-2").outcome, IdempotencyStore::Outcome::Mismatch);
        QCOMPARE(store.find(u"sk_test_b"_s, u"key-1"_s, "fp-2").outcome, IdempotencyStore::Outcome::Miss);
        now += IdempotencyStore::kTtlSeconds - 1;
        QCOMPARE(store.find(u"sk_test_a"_s, u"key-1"_s, "fp-1").outcome, IdempotencyStore::Outcome::Replay);
        now += 1;
        QCOMPARE(store.find(u"sk_test_a"_s, u"key-1"_s, "fp-1").outcome, IdempotencyStore::Outcome::Miss);
        QCOMPARE(store.size(), 0);
    }

    void idempotency_manyKeys_stayBounded()
    {
        qint64 now = 1'700'000'000;
        IdempotencyStore store([&now] { return now; });
        for (int i = 0; i < IdempotencyStore::kMaxEntries + 500; ++i) {
            ++now;
            store.store(u"sk_test_a"_s, QString::number(i), "fp", HttpResponse());
        }
        QVERIFY(store.size() <= IdempotencyStore::kMaxEntries);
        QCOMPARE(store.find(u"sk_test_a"_s, QString::number(IdempotencyStore::kMaxEntries + 499), "fp").outcome,
                 IdempotencyStore::Outcome::Replay);
    }

    // --- Ids --------------------------------------------------------------------------------

    void ids_haveStripePrefixAndRandomSuffix()
    {
        QSet<QString> seen;
        for (int i = 0; i < 1000; ++i) {
            const QString id = IdGenerator::make(u"cs_test_", IdGenerator::kSessionLength);
            QVERIFY(id.startsWith(u"cs_test_"_s));
            QCOMPARE(id.size(), 8 + IdGenerator::kSessionLength);
            seen.insert(id);
        }
        QCOMPARE(seen.size(), 1000);
        QCOMPARE(IdGenerator::make(u"pi_").size(), 3 + IdGenerator::kDefaultLength);
    }

    // --- Store rules on a fake clock --------------------------------------------------------

    void createSession_expiresAtWindow_data()
    {
        QTest::addColumn<qint64>("offset");
        QTest::addColumn<bool>("accepted");
        QTest::addRow("29 min refused") << qint64(29 * 60) << false;
        QTest::addRow("30 min accepted") << qint64(30 * 60) << true;
        QTest::addRow("24 h accepted") << qint64(24 * 3600) << true;
        QTest::addRow("24 h + 1 s refused") << qint64(24 * 3600 + 1) << false;
        QTest::addRow("in the past refused") << qint64(-60) << false;
    }

    void createSession_expiresAtWindow()
    {
        QFETCH(qint64, offset);
        QFETCH(bool, accepted);
        StoreFixture f;
        const auto result = f.store.createCheckoutSession(parsed(kValidSession + "&expires_at=" + QByteArray::number(f.clock + offset)));
        QCOMPARE(result.ok(), accepted);
        if (accepted)
            QCOMPARE(result->value(u"expires_at"_s).toInteger(), f.clock + offset);
        else
            QCOMPARE(result.error().param, u"expires_at"_s);
    }

    void expireDueSessions_afterExpiry_sendsExpiredEvent()
    {
        StoreFixture f;
        const auto session = f.store.createCheckoutSession(parsed(kValidSession));
        QVERIFY(session.ok());
        QCOMPARE(f.store.expireDueSessions(), 0);
        f.clock += SandboxStore::kMaxExpirySeconds;
        QCOMPARE(f.store.expireDueSessions(), 1);
        QCOMPARE(f.events.size(), 1);
        QCOMPARE(f.events.first().type, u"checkout.session.expired"_s);
        QCOMPARE(f.events.first().object.value(u"status"_s).toString(), u"expired"_s);
        QCOMPARE(f.store.expireDueSessions(), 0);
    }

    void createSession_metadataBeyondStripeLimits_isRefused_data()
    {
        QTest::addColumn<QByteArray>("metadata");
        QTest::addColumn<QString>("param");
        QByteArray fiftyOne;
        for (int i = 0; i < 51; ++i)
            fiftyOne += "&metadata[k" + QByteArray::number(i) + "]=v";
        QTest::addRow("51 keys") << fiftyOne << u"metadata"_s;
        QTest::addRow("41-character key") << "&metadata[" + QByteArray(41, 'k') + "]=v"
                                          << u"metadata[%1]"_s.arg(QString(41, u'k'));
        QTest::addRow("501-character value") << "&metadata[k]=" + QByteArray(501, 'v') << u"metadata[k]"_s;
    }

    void createSession_metadataBeyondStripeLimits_isRefused()
    {
        QFETCH(QByteArray, metadata);
        QFETCH(QString, param);
        StoreFixture f;
        const auto result = f.store.createCheckoutSession(parsed(kValidSession + metadata));
        QVERIFY(!result.ok());
        QCOMPARE(result.error().param, param);
    }

    void completeSession_chargeMetadata_comesFromPaymentIntentData()
    {
        // As at Stripe: session metadata stays on the session; only payment_intent_data[metadata]
        // reaches the PaymentIntent and its Charge (what charge.refunded carries).
        StoreFixture f;
        const auto session = f.store.createCheckoutSession(
            parsed(kValidSession + "&metadata[order_id]=42&payment_intent_data[metadata][order_id]=42"));
        QVERIFY(session.ok());
        const QString id = session->value(u"id"_s).toString();
        QVERIFY(f.store.completeCheckoutSession(id, true, u"a@b.test"_s).ok());
        const QString intent = f.store.checkoutSession(id)->paymentIntentId;
        const auto refund = f.store.createRefund(parsed("payment_intent=" + intent.toLatin1()), {});
        QVERIFY(refund.ok());
        QCOMPARE(f.events.last().type, u"charge.refunded"_s);
        QCOMPARE(f.events.last().object.value(u"metadata"_s).toObject().value(u"order_id"_s).toString(), u"42"_s);

        StoreFixture g;
        const auto plain = g.store.createCheckoutSession(parsed(kValidSession + "&metadata[order_id]=42"));
        QVERIFY(plain.ok());
        QVERIFY(g.store.completeCheckoutSession(plain->value(u"id"_s).toString(), true, QString()).ok());
        QVERIFY(g.events.last().object.value(u"metadata"_s).toObject().contains(u"order_id"_s));
        const QString plainIntent = g.store.checkoutSession(plain->value(u"id"_s).toString())->paymentIntentId;
        QVERIFY(g.store.createRefund(parsed("payment_intent=" + plainIntent.toLatin1()), {}).ok());
        QVERIFY(g.events.last().object.value(u"metadata"_s).toObject().isEmpty());
    }

    // --- Pay page ---------------------------------------------------------------------------

    void payPage_escapesNamesAndLoadsNothingExternal()
    {
        StoreFixture f;
        const auto session = f.store.createCheckoutSession(parsed(
            "mode=payment&success_url=https%3A%2F%2Fshop.example%2Fok&customer_email=a%22%3E%3Cb%3E%40x.test"
            "&line_items[0][price_data][currency]=usd&line_items[0][price_data][unit_amount]=500"
            "&line_items[0][price_data][product_data][name]=%3Cscript%3Ealert(1)%3C%2Fscript%3E+%251"
            "&line_items[0][quantity]=1"));
        QVERIFY2(session.ok(), qPrintable(session.ok() ? QString() : session.error().message));
        const QString html = QString::fromUtf8(PayPage::checkout(*f.store.checkoutSession(session->value(u"id"_s).toString())));
        QVERIFY(html.contains(u"&lt;script&gt;alert(1)&lt;/script&gt; %1"_s));
        QVERIFY(!html.contains(u"<script"_s));
        QVERIFY(!html.contains(u"<b>"_s));
        QVERIFY(html.contains(u"$5.00"_s));
        QVERIFY(!html.contains(u"src="_s));
        QVERIFY(!html.contains(u"href="_s));
        QVERIFY(!html.contains(u"@import"_s));
        QVERIFY(html.contains(u"action=\"%1/pay\""_s.arg(session->value(u"id"_s).toString())));
    }
};

QTEST_GUILESS_MAIN(TestStripeSandboxUnits)
#include "tst_stripe_sandbox_units.moc"
