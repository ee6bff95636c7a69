// The sandbox's GET /v1/account and /v1/webhook_endpoints, in-process through SandboxApi: the
// answers Stripe gives, the refusals Stripe makes (as Stripe's error JSON), and which
// registered endpoints an event goes to.
#include "sync/sandbox/idempotencystore.h"
#include "sync/sandbox/sandboxapi.h"
#include "sync/sandbox/sandboxstore.h"
#include "sync/sandbox/webhookdispatcher.h"
#include "tests/support/fakekeys.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace rdk::sandbox;

namespace {

const QByteArray kValidCreate = "url=https%3A%2F%2Fshop.example.com%2Fapi%2Fstripe%2Fwebhook"
                                "&enabled_events[0]=checkout.session.completed&enabled_events[1]=charge.refunded";

struct Answer {
    int status = 0;
    QJsonObject json;
    QJsonObject error() const { return json.value(u"error"_s).toObject(); }
};

} // namespace

class TestSandboxWebhookEndpoints final : public QObject {
    Q_OBJECT

    std::unique_ptr<SandboxStore> m_store;
    std::unique_ptr<WebhookDispatcher> m_webhooks;
    std::unique_ptr<IdempotencyStore> m_idempotency;
    std::unique_ptr<SandboxApi> m_api;

    Answer call(const QByteArray &method, const QString &path, const QByteArray &form = {},
                const QByteArray &key = "sk_test_endpoints_1234", const QByteArray &idempotencyKey = {})
    {
        HttpRequest request;
        request.method = method;
        const qsizetype q = path.indexOf(u'?');
        request.path = q < 0 ? path : path.left(q);
        request.query = q < 0 ? QByteArray() : path.mid(q + 1).toUtf8();
        request.headers = {{"Authorization", "Bearer " + key}};
        if (method == "POST") {
            request.headers.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/x-www-form-urlencoded")));
            request.body = form;
        }
        if (!idempotencyKey.isEmpty())
            request.headers.append(qMakePair(QByteArray("Idempotency-Key"), idempotencyKey));
        request.peer = QHostAddress::LocalHost;
        const HttpResponse response = m_api->handle(request);
        return {response.status, QJsonDocument::fromJson(response.body).object()};
    }

private Q_SLOTS:
    void init()
    {
        m_store = std::make_unique<SandboxStore>(u"http://127.0.0.1:1"_s, [] { return qint64(1'700'000'000); });
        m_webhooks = std::make_unique<WebhookDispatcher>(WebhookDispatcher::Settings{u"whsec_x1234"_s, {}, 10});
        m_idempotency = std::make_unique<IdempotencyStore>();
        m_api = std::make_unique<SandboxApi>(*m_store, *m_webhooks, *m_idempotency);
    }

    void account_testKey_answersTheAccount()
    {
        const Answer a = call("GET", u"/v1/account"_s);
        QCOMPARE(a.status, 200);
        QCOMPARE(a.json.value(u"object"_s).toString(), u"account"_s);
        QVERIFY(a.json.value(u"id"_s).toString().startsWith(u"acct_"_s));
        QVERIFY(a.json.value(u"charges_enabled"_s).toBool());
        QCOMPARE(call("GET", u"/v1/account"_s, {}, "rk_test_restricted_1234").status, 200);
        QCOMPARE(call("GET", u"/v1/account"_s, {}, rdk::test::fakeLiveStripeKey(u"endpoints_1234"_s).toUtf8()).status, 401);
        QCOMPARE(call("GET", u"/v1/account?color=red"_s).error().value(u"code"_s).toString(), u"parameter_unknown"_s);
    }

    void create_valid_answersSecretOnce()
    {
        const Answer made = call("POST", u"/v1/webhook_endpoints"_s, kValidCreate + "&api_version=2024-06-20&metadata[shop]=a");
        QCOMPARE(made.status, 200);
        const QString id = made.json.value(u"id"_s).toString();
        QVERIFY(id.startsWith(u"we_"_s));
        QCOMPARE(made.json.value(u"object"_s).toString(), u"webhook_endpoint"_s);
        QVERIFY(made.json.value(u"secret"_s).toString().startsWith(u"whsec_"_s));
        QCOMPARE(made.json.value(u"status"_s).toString(), u"enabled"_s);
        QCOMPARE(made.json.value(u"api_version"_s).toString(), u"2024-06-20"_s);
        QCOMPARE(made.json.value(u"enabled_events"_s).toArray().size(), 2);
        QCOMPARE(made.json.value(u"metadata"_s).toObject().value(u"shop"_s).toString(), u"a"_s);
        // Stripe shows the secret only at creation.
        const Answer got = call("GET", u"/v1/webhook_endpoints/"_s + id);
        QCOMPARE(got.status, 200);
        QVERIFY(!got.json.contains(u"secret"_s));
        const Answer listed = call("GET", u"/v1/webhook_endpoints"_s);
        QCOMPARE(listed.json.value(u"data"_s).toArray().size(), 1);
        QVERIFY(!listed.json.value(u"data"_s).toArray().first().toObject().contains(u"secret"_s));
    }

    void create_sameIdempotencyKey_makesOneEndpoint()
    {
        const Answer a = call("POST", u"/v1/webhook_endpoints"_s, kValidCreate, "sk_test_endpoints_1234", "make-once");
        const Answer b = call("POST", u"/v1/webhook_endpoints"_s, kValidCreate, "sk_test_endpoints_1234", "make-once");
        QCOMPARE(a.status, 200);
        QCOMPARE(b.json.value(u"id"_s), a.json.value(u"id"_s));
        QCOMPARE(call("GET", u"/v1/webhook_endpoints"_s).json.value(u"data"_s).toArray().size(), 1);
    }

    void create_badParameters_refusedLikeStripe_data()
    {
        QTest::addColumn<QByteArray>("form");
        QTest::addColumn<QString>("param");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("message");
        QTest::addRow("no url") << QByteArray("enabled_events[0]=charge.refunded") << u"url"_s << u"parameter_missing"_s
                                << u"Missing required param: url."_s;
        QTest::addRow("not a url") << QByteArray("url=shop.example.com&enabled_events[0]=charge.refunded") << u"url"_s
                                   << u"url_invalid"_s << u"Not a valid URL"_s;
        QTest::addRow("ftp url") << QByteArray("url=ftp%3A%2F%2Fshop.example.com%2Fh&enabled_events[0]=charge.refunded")
                                 << u"url"_s << u"url_invalid"_s << u"Not a valid URL"_s;
        QTest::addRow("no events") << QByteArray("url=https%3A%2F%2Fshop.example.com%2Fh") << u"enabled_events"_s
                                   << u"parameter_missing"_s << u"Missing required param: enabled_events."_s;
        QTest::addRow("events not an array")
            << QByteArray("url=https%3A%2F%2Fshop.example.com%2Fh&enabled_events=charge.refunded") << u"enabled_events"_s
            << QString() << u"Invalid array"_s;
        QTest::addRow("unknown event")
            << QByteArray("url=https%3A%2F%2Fshop.example.com%2Fh&enabled_events[0]=charge.refunded&enabled_events[1]=charge.refundd")
            << u"enabled_events[1]"_s << u"parameter_invalid"_s << u"Invalid enabled_events[1]: must be one of"_s;
        QTest::addRow("star with others")
            << QByteArray("url=https%3A%2F%2Fshop.example.com%2Fh&enabled_events[0]=*&enabled_events[1]=charge.refunded")
            << u"enabled_events"_s << QString() << u"can't be combined"_s;
        QTest::addRow("unknown parameter") << (kValidCreate + "&secret=whsec_mine") << u"secret"_s
                                           << u"parameter_unknown"_s << u"Received unknown parameter: secret"_s;
        QTest::addRow("bad api_version") << (kValidCreate + "&api_version=latest") << u"api_version"_s << QString()
                                         << u"Invalid api_version"_s;
        QTest::addRow("connect endpoint") << (kValidCreate + "&connect=true") << u"connect"_s << QString()
                                          << u"no Connect accounts"_s;
        QTest::addRow("metadata key too long") << (kValidCreate + "&metadata[" + QByteArray(41, 'k') + "]=v")
                                               << u"metadata["_s + QString(41, u'k') + u"]"_s << QString()
                                               << u"Metadata keys can have up to 40 characters"_s;
    }
    void create_badParameters_refusedLikeStripe()
    {
        QFETCH(QByteArray, form);
        QFETCH(QString, param);
        QFETCH(QString, code);
        QFETCH(QString, message);
        const Answer a = call("POST", u"/v1/webhook_endpoints"_s, form);
        QCOMPARE(a.status, 400);
        QCOMPARE(a.error().value(u"type"_s).toString(), u"invalid_request_error"_s);
        QCOMPARE(a.error().value(u"param"_s).toString(), param);
        QCOMPARE(a.error().value(u"code"_s).toString(), code);
        QVERIFY2(a.error().value(u"message"_s).toString().startsWith(message) ||
                     a.error().value(u"message"_s).toString().contains(message),
                 qPrintable(a.error().value(u"message"_s).toString()));
        QCOMPARE(call("GET", u"/v1/webhook_endpoints"_s).json.value(u"data"_s).toArray().size(), 0);
    }

    void create_seventeenth_refused()
    {
        for (int i = 0; i < WebhookEndpointStore::kMaxEndpoints; ++i)
            QCOMPARE(call("POST", u"/v1/webhook_endpoints"_s, kValidCreate).status, 200);
        const Answer over = call("POST", u"/v1/webhook_endpoints"_s, kValidCreate);
        QCOMPARE(over.status, 400);
        QVERIFY(over.error().value(u"message"_s).toString().contains(u"maximum of 16"_s));
        QCOMPARE(call("GET", u"/v1/webhook_endpoints?limit=100"_s).json.value(u"data"_s).toArray().size(), 16);
    }

    void list_pagesNewestFirst()
    {
        QStringList ids;
        for (int i = 0; i < 3; ++i)
            ids.prepend(call("POST", u"/v1/webhook_endpoints"_s, kValidCreate).json.value(u"id"_s).toString());
        const Answer first = call("GET", u"/v1/webhook_endpoints?limit=2"_s);
        QCOMPARE(first.status, 200);
        QCOMPARE(first.json.value(u"object"_s).toString(), u"list"_s);
        QVERIFY(first.json.value(u"has_more"_s).toBool());
        const QJsonArray page = first.json.value(u"data"_s).toArray();
        QCOMPARE(page.at(0).toObject().value(u"id"_s).toString(), ids.at(0));
        QCOMPARE(page.at(1).toObject().value(u"id"_s).toString(), ids.at(1));
        const Answer next = call("GET", u"/v1/webhook_endpoints?limit=2&starting_after="_s + ids.at(1));
        QCOMPARE(next.json.value(u"data"_s).toArray().first().toObject().value(u"id"_s).toString(), ids.at(2));
        QVERIFY(!next.json.value(u"has_more"_s).toBool());
        QCOMPARE(call("GET", u"/v1/webhook_endpoints?limit=0"_s).status, 400);
        QCOMPARE(call("GET", u"/v1/webhook_endpoints?limit=101"_s).status, 400);
        QCOMPARE(call("GET", u"/v1/webhook_endpoints?starting_after=we_missing"_s).status, 404);
    }

    void update_changesWhatIsSentOnly()
    {
        const QString id = call("POST", u"/v1/webhook_endpoints"_s, kValidCreate).json.value(u"id"_s).toString();
        const Answer off = call("POST", u"/v1/webhook_endpoints/"_s + id, "disabled=true&enabled_events[0]=*");
        QCOMPARE(off.status, 200);
        QCOMPARE(off.json.value(u"status"_s).toString(), u"disabled"_s);
        QCOMPARE(off.json.value(u"enabled_events"_s).toArray(), QJsonArray{u"*"_s});
        QCOMPARE(off.json.value(u"url"_s).toString(), u"https://shop.example.com/api/stripe/webhook"_s);
        QVERIFY(!off.json.contains(u"secret"_s));
        // api_version is chosen at creation only, as at Stripe.
        QCOMPARE(call("POST", u"/v1/webhook_endpoints/"_s + id, "api_version=2024-06-20").error().value(u"code"_s).toString(),
                 u"parameter_unknown"_s);
        QCOMPARE(call("POST", u"/v1/webhook_endpoints/"_s + id, "enabled_events[0]=nope.nope").status, 400);
        QCOMPARE(call("POST", u"/v1/webhook_endpoints/"_s + id, "disabled=maybe").status, 400);
        const Answer missing = call("POST", u"/v1/webhook_endpoints/we_missing"_s, "disabled=false");
        QCOMPARE(missing.status, 404);
        QCOMPARE(missing.error().value(u"code"_s).toString(), u"resource_missing"_s);
        QCOMPARE(missing.error().value(u"message"_s).toString(), u"No such webhook endpoint: 'we_missing'"_s);
    }

    void delete_removesOnce()
    {
        const QString id = call("POST", u"/v1/webhook_endpoints"_s, kValidCreate).json.value(u"id"_s).toString();
        const Answer gone = call("DELETE", u"/v1/webhook_endpoints/"_s + id);
        QCOMPARE(gone.status, 200);
        QCOMPARE(gone.json.value(u"deleted"_s).toBool(), true);
        QCOMPARE(gone.json.value(u"id"_s).toString(), id);
        QCOMPARE(call("DELETE", u"/v1/webhook_endpoints/"_s + id).status, 404);
        QCOMPARE(call("GET", u"/v1/webhook_endpoints/"_s + id).status, 404);
        // DELETE is for webhook endpoints only.
        QCOMPARE(call("DELETE", u"/v1/payment_links/plink_x"_s).status, 404);
        QCOMPARE(call("DELETE", u"/v1/account"_s).status, 404);
    }

    void targets_enabledEndpointsThatWantTheEvent()
    {
        const QJsonObject a = call("POST", u"/v1/webhook_endpoints"_s, kValidCreate).json;
        const QJsonObject all = call("POST", u"/v1/webhook_endpoints"_s,
                                     "url=http%3A%2F%2F127.0.0.1%3A9%2Fh&enabled_events[0]=*").json;
        const QJsonObject off = call("POST", u"/v1/webhook_endpoints"_s, kValidCreate).json;
        QCOMPARE(call("POST", u"/v1/webhook_endpoints/"_s + off.value(u"id"_s).toString(), "disabled=true").status, 200);

        const QList<WebhookTarget> refunded = m_store->webhookEndpoints().targetsFor(u"charge.refunded"_s);
        QCOMPARE(refunded.size(), 2);
        QCOMPARE(refunded.at(0).endpointId, a.value(u"id"_s).toString());
        QCOMPARE(refunded.at(0).secret, a.value(u"secret"_s).toString());
        QCOMPARE(refunded.at(1).endpointId, all.value(u"id"_s).toString());
        const QList<WebhookTarget> expired = m_store->webhookEndpoints().targetsFor(u"checkout.session.expired"_s);
        QCOMPARE(expired.size(), 1);
        QCOMPARE(expired.first().url.toString(), u"http://127.0.0.1:9/h"_s);
    }
};

QTEST_GUILESS_MAIN(TestSandboxWebhookEndpoints)
#include "tst_sandbox_webhook_endpoints.moc"
