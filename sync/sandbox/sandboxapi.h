#pragma once

#include "sync/sandbox/faultinjector.h"
#include "sync/sandbox/httpmessage.h"
#include "sync/sandbox/idempotencystore.h"
#include "sync/sandbox/sandboxstore.h"
#include "sync/sandbox/stripeerror.h"

#include <QJsonObject>
#include <QStringList>

namespace rdk::sandbox {

class WebhookDispatcher;

/// Everything HTTP about the sandbox, without a socket: body limit, routing, API-key checks,
/// form parsing, idempotent replay, the pay page and the /_sandbox test controls. The store
/// does the Stripe work; this class turns requests into calls and results into responses.
///
///   /v1/...          the Stripe API slice (Bearer sk_test_... required)
///   /pay/{id}        hosted pay page for a Checkout Session or Payment Link
///   /_sandbox/...    test controls, no key, loopback peers only
///
/// Test controls include fault injection: `POST /_sandbox/faults` (path, status, count) makes
/// the next `count` API requests under `path` fail with `status`; `DELETE` clears them.
class SandboxApi final {
public:
    static constexpr qsizetype kMaxBodyBytes = 1024 * 1024;
    static constexpr qsizetype kMaxIdempotencyKeyLength = 255;

    SandboxApi(SandboxStore &store, WebhookDispatcher &webhooks, IdempotencyStore &idempotency);

    HttpResponse handle(const HttpRequest &request);

    /// Stripe's latency, played: API answers wait this long (SANDBOX_API_LATENCY_MS).
    void setApiLatency(int ms) { m_faults.setApiLatency(ms); }
    /// Milliseconds the answer to a request for `path` should wait before it is written.
    int latencyFor(QStringView path) const { return m_faults.latencyFor(path); }

    static HttpResponse json(const QJsonObject &body, int status = 200);
    static HttpResponse error(const StripeError &error);

private:
    HttpResponse handleApi(const HttpRequest &request, const QStringList &segments, const QString &requestId);
    StripeResult<QJsonObject> dispatchApi(const QByteArray &method, const QStringList &segments, const FormNode &params,
                                          const EventRequest &origin, bool &routed);
    HttpResponse handlePayPage(const HttpRequest &request, const QStringList &segments);
    HttpResponse handleControl(const HttpRequest &request, const QStringList &segments);
    static HttpResponse unrecognized(const HttpRequest &request);
    static HttpResponse page(const QByteArray &html, int status = 200);
    static HttpResponse redirect(const QString &location);

    SandboxStore &m_store;
    WebhookDispatcher &m_webhooks;
    IdempotencyStore &m_idempotency;
    FaultInjector m_faults;
};

} // namespace rdk::sandbox
