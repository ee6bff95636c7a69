// Security headers on every rdk-sync response: a strict CSP, HSTS only behind TLS, no-store
// for private responses, and CSP hashes for inline scripts.
#include "sync/http/securityheaders.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using rdk::sync::SecurityHeaderOptions;

namespace {

using Headers = QList<QPair<QByteArray, QByteArray>>;

QByteArrayList valuesOf(const Headers &headers, const QByteArray &name)
{
    QByteArrayList values;
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            values.append(value);
    }
    return values;
}

QByteArray csp(const SecurityHeaderOptions &options)
{
    const QByteArrayList values = valuesOf(rdk::sync::securityHeaders(options), "Content-Security-Policy"_ba);
    return values.size() == 1 ? values.first() : QByteArray();
}

QByteArray directive(const QByteArray &policy, const QByteArray &name)
{
    for (const QByteArray &part : policy.split(';')) {
        const QByteArray trimmed = part.trimmed();
        if (trimmed == name || trimmed.startsWith(name + ' '))
            return trimmed;
    }
    return {};
}

const QByteArray hashOfX = "'sha256-LXEWQrcmsEQBYnyp+6wy9chTD7GQPMTbAiWHF5IaSIE='"_ba;

} // namespace

class TstSecurityHeaders final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void securityHeaders_alwaysPresent_data();
    void securityHeaders_alwaysPresent();
    void csp_defaults_strictPolicy();
    void csp_directives_data();
    void csp_directives();
    void csp_scriptHashes_addedToScriptSrc();
    void csp_hostileHashes_dropped_data();
    void csp_hostileHashes_dropped();
    void csp_hostileCheckoutOrigin_dropped_data();
    void csp_hostileCheckoutOrigin_dropped();
    void hsts_onlyForHttps_data();
    void hsts_onlyForHttps();
    void cacheControl_noStoreOnlyForPrivate_data();
    void cacheControl_noStoreOnlyForPrivate();
    void cspScriptHash_matchesOpenssl_data();
    void cspScriptHash_matchesOpenssl();
};

void TstSecurityHeaders::securityHeaders_alwaysPresent_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<QByteArray>("value");
    QTest::addRow("nosniff") << "X-Content-Type-Options"_ba << "nosniff"_ba;
    QTest::addRow("referrer policy") << "Referrer-Policy"_ba << "strict-origin-when-cross-origin"_ba;
    QTest::addRow("no framing (legacy)") << "X-Frame-Options"_ba << "DENY"_ba;
    QTest::addRow("opener isolation") << "Cross-Origin-Opener-Policy"_ba << "same-origin"_ba;
    QTest::addRow("permissions policy") << "Permissions-Policy"_ba << "camera=(), microphone=(), geolocation=()"_ba;
}

void TstSecurityHeaders::securityHeaders_alwaysPresent()
{
    QFETCH(QByteArray, name);
    QFETCH(QByteArray, value);
    for (const bool https : {false, true}) {
        for (const bool privateResponse : {false, true}) {
            SecurityHeaderOptions options;
            options.https = https;
            options.privateResponse = privateResponse;
            QCOMPARE(valuesOf(rdk::sync::securityHeaders(options), name), QByteArrayList{value});
        }
    }
}

void TstSecurityHeaders::csp_defaults_strictPolicy()
{
    QCOMPARE(csp({}),
             "default-src 'none'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
             "form-action 'self' https://checkout.stripe.com; base-uri 'none'; frame-ancestors 'none'; "
             "connect-src 'self'"_ba);
}

void TstSecurityHeaders::csp_directives_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<QByteArray>("expected");
    QTest::addRow("nothing by default") << "default-src"_ba << "default-src 'none'"_ba;
    QTest::addRow("images from us and data URLs") << "img-src"_ba << "img-src 'self' data:"_ba;
    QTest::addRow("no inline styles") << "style-src"_ba << "style-src 'self'"_ba;
    QTest::addRow("forms to us and Stripe") << "form-action"_ba << "form-action 'self' https://checkout.stripe.com"_ba;
    QTest::addRow("no base tag") << "base-uri"_ba << "base-uri 'none'"_ba;
    QTest::addRow("no framing") << "frame-ancestors"_ba << "frame-ancestors 'none'"_ba;
    QTest::addRow("fetch only us") << "connect-src"_ba << "connect-src 'self'"_ba;
}

void TstSecurityHeaders::csp_directives()
{
    QFETCH(QByteArray, name);
    QFETCH(QByteArray, expected);
    const QByteArray policy = csp({});
    QCOMPARE(directive(policy, name), expected);
    QVERIFY(!policy.contains("unsafe"));
    QVERIFY(!policy.contains('*'));
}

void TstSecurityHeaders::csp_scriptHashes_addedToScriptSrc()
{
    SecurityHeaderOptions options;
    const QByteArray second = rdk::sync::cspScriptHash("alert(1)");
    // Bare form is quoted; a duplicate appears once.
    options.scriptHashes = {hashOfX, second.mid(1, second.size() - 2), hashOfX};
    QCOMPARE(directive(csp(options), "script-src"_ba), "script-src 'self' " + hashOfX + ' ' + second);
}

void TstSecurityHeaders::csp_hostileHashes_dropped_data()
{
    QTest::addColumn<QByteArray>("hash");
    QTest::addRow("unsafe-inline") << "'unsafe-inline'"_ba;
    QTest::addRow("wildcard") << "*"_ba;
    QTest::addRow("new directive smuggled") << "'sha256-LXEWQrcmsEQBYnyp+6wy9chTD7GQPMTbAiWHF5IaSIE='; script-src *"_ba;
    QTest::addRow("space inside") << "'sha256-LXEWQrcmsEQBYnyp+6wy9chTD7GQPM aAiWHF5IaSIE='"_ba;
    QTest::addRow("other algorithm") << "'sha384-abc'"_ba;
    QTest::addRow("too short") << "'sha256-abc='"_ba;
    QTest::addRow("not base64") << "'sha256-LXEWQrcmsEQBYnyp+6wy9chTD7GQPMTbAiWHF5IaS;E='"_ba;
    QTest::addRow("quote inside") << "'sha256-LXEWQrcmsEQBYnyp+6wy9chTD7GQPMTbAiWHF5Ia'IE='"_ba;
    QTest::addRow("nonce") << "'nonce-abc'"_ba;
    QTest::addRow("empty") << QByteArray();
}

void TstSecurityHeaders::csp_hostileHashes_dropped()
{
    QFETCH(QByteArray, hash);
    SecurityHeaderOptions options;
    options.scriptHashes = {hash};
    const QByteArray policy = csp(options);
    QCOMPARE(directive(policy, "script-src"_ba), "script-src 'self'"_ba);
    QCOMPARE(policy.count(';'), 7);
}

void TstSecurityHeaders::csp_hostileCheckoutOrigin_dropped_data()
{
    QTest::addColumn<QByteArray>("origin");
    QTest::addColumn<QByteArray>("expected");
    QTest::addRow("another https origin") << "https://pay.example.com:8443"_ba << "form-action 'self' https://pay.example.com:8443"_ba;
    QTest::addRow("plain http") << "http://checkout.stripe.com"_ba << "form-action 'self'"_ba;
    QTest::addRow("loopback sandbox") << "http://127.0.0.1:12111"_ba << "form-action 'self' http://127.0.0.1:12111"_ba;
    QTest::addRow("localhost sandbox") << "http://localhost:4242"_ba << "form-action 'self' http://localhost:4242"_ba;
    QTest::addRow("loopback with path") << "http://127.0.0.1:12111/x"_ba << "form-action 'self'"_ba;
    QTest::addRow("loopback lookalike") << "http://127.0.0.1.evil.com:80"_ba << "form-action 'self'"_ba;
    QTest::addRow("directive smuggled") << "https://x.com; script-src *"_ba << "form-action 'self'"_ba;
    QTest::addRow("wildcard") << "https://*"_ba << "form-action 'self'"_ba;
    QTest::addRow("with path") << "https://checkout.stripe.com/pay"_ba << "form-action 'self'"_ba;
    QTest::addRow("empty") << QByteArray() << "form-action 'self'"_ba;
}

void TstSecurityHeaders::csp_hostileCheckoutOrigin_dropped()
{
    QFETCH(QByteArray, origin);
    QFETCH(QByteArray, expected);
    SecurityHeaderOptions options;
    options.checkoutOrigin = origin;
    const QByteArray policy = csp(options);
    QCOMPARE(directive(policy, "form-action"_ba), expected);
    QCOMPARE(directive(policy, "script-src"_ba), "script-src 'self'"_ba);
}

void TstSecurityHeaders::hsts_onlyForHttps_data()
{
    QTest::addColumn<bool>("https");
    QTest::addColumn<QByteArrayList>("expected");
    QTest::addRow("https sends HSTS") << true << QByteArrayList{"max-age=63072000; includeSubDomains"_ba};
    QTest::addRow("plain http never") << false << QByteArrayList();
}

void TstSecurityHeaders::hsts_onlyForHttps()
{
    QFETCH(bool, https);
    QFETCH(QByteArrayList, expected);
    SecurityHeaderOptions options;
    options.https = https;
    QCOMPARE(valuesOf(rdk::sync::securityHeaders(options), "Strict-Transport-Security"_ba), expected);
}

void TstSecurityHeaders::cacheControl_noStoreOnlyForPrivate_data()
{
    QTest::addColumn<bool>("privateResponse");
    QTest::addColumn<QByteArrayList>("expected");
    QTest::addRow("private is no-store") << true << QByteArrayList{"no-store"_ba};
    QTest::addRow("public left to the route") << false << QByteArrayList();
}

void TstSecurityHeaders::cacheControl_noStoreOnlyForPrivate()
{
    QFETCH(bool, privateResponse);
    QFETCH(QByteArrayList, expected);
    SecurityHeaderOptions options;
    options.privateResponse = privateResponse;
    QCOMPARE(valuesOf(rdk::sync::securityHeaders(options), "Cache-Control"_ba), expected);
}

void TstSecurityHeaders::cspScriptHash_matchesOpenssl_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("expected");
    // echo -n 'x' | openssl dgst -sha256 -binary | base64
    QTest::addRow("x") << "x"_ba << hashOfX;
    // echo -n 'alert(1)' | openssl dgst -sha256 -binary | base64
    QTest::addRow("alert(1)") << "alert(1)"_ba << "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"_ba;
    // printf '' | openssl dgst -sha256 -binary | base64
    QTest::addRow("empty script") << QByteArray() << "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"_ba;
}

void TstSecurityHeaders::cspScriptHash_matchesOpenssl()
{
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, expected);
    QCOMPARE(rdk::sync::cspScriptHash(body), expected);
}

QTEST_GUILESS_MAIN(TstSecurityHeaders)
#include "tst_securityheaders.moc"
