#pragma once

#include "sync/sandbox/formnode.h"
#include "sync/sandbox/stripeerror.h"
#include "sync/sandbox/stripeobjects.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <functional>

namespace rdk::sandbox {

/// A registered webhook endpoint (Stripe's webhook_endpoint object).
struct WebhookEndpoint final {
    QString id;             ///< "we_..."
    qint64 created = 0;
    QString url;
    QStringList enabledEvents;
    QString apiVersion;     ///< empty: Stripe's null (the account's default)
    QString description;
    Metadata metadata;
    bool disabled = false;
    QString secret;         ///< "whsec_...", shown in the create answer only

    /// `withSecret` only for the answer to create, as at Stripe.
    QJsonObject toJson(bool withSecret) const;
    bool wants(const QString &eventType) const;
};

/// Where an event goes, and the secret it is signed with.
struct WebhookTarget final {
    QString endpointId;
    QUrl url;
    QString secret;
};

/// The account behind every test key, and its webhook endpoints: GET /v1/account and
/// /v1/webhook_endpoints (create, list, retrieve, update, delete) with Stripe's rules: url
/// required and a valid http(s) URL, enabled_events required and each a known event type or
/// "*", at most 16 endpoints, api_version a Stripe version, Connect endpoints not supported.
/// Loopback URLs are accepted, unlike at Stripe: the sandbox's receivers are local by design.
class WebhookEndpointStore final {
public:
    using Clock = std::function<qint64()>;
    static constexpr int kMaxEndpoints = 16;  ///< Stripe's limit per account
    static constexpr char16_t kAccountId[] = u"acct_1RdkSandbox0Account";

    explicit WebhookEndpointStore(Clock clock) : m_clock(std::move(clock)) {}

    StripeResult<QJsonObject> retrieveAccount(const FormNode &params) const;
    StripeResult<QJsonObject> create(const FormNode &params);
    StripeResult<QJsonObject> list(const FormNode &params) const;
    StripeResult<QJsonObject> retrieve(const QString &id, const FormNode &params) const;
    StripeResult<QJsonObject> update(const QString &id, const FormNode &params);
    StripeResult<QJsonObject> remove(const QString &id, const FormNode &params);

    /// The enabled endpoints that want `eventType`, oldest first.
    QList<WebhookTarget> targetsFor(const QString &eventType) const;

    /// The event types the sandbox knows (a subset of Stripe's list, with every type the
    /// sandbox itself sends); anything else in enabled_events is refused like Stripe does.
    static const QStringList &knownEventTypes();

private:
    QList<WebhookEndpoint> m_endpoints;   // oldest first
    Clock m_clock;
};

} // namespace rdk::sandbox
