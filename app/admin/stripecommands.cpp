#include "app/admin/stripecommands.h"

#include "app/admin/envfileeditor.h"
#include "app/runtime/config.h"
#include "app/runtime/envfile.h"
#include "sync/stripe/stripeclient.h"
#include "sync/stripe/stripeevent.h"
#include "sync/webhookprocessor.h"

#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHostAddress>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QUuid>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

const QString kSecretKey = u"STRIPE_WEBHOOK_SECRET"_s;
const QString kPreviousSecretKey = u"STRIPE_WEBHOOK_SECRET_PREVIOUS"_s;
const QString kGenerationKey = u"rdk_secret_generation"_s;
const QString kManagedByKey = u"rdk_managed_by"_s;
const QString kManagedBy = u"rdk-admin stripe connect"_s;

enum class Mode { Connect, RollSecret, FinishRoll };

struct StripeKey final {
    bool live = false;
    bool restricted = false;
};

/// What kind of key this is, or a sentence saying why it is none. Never echoes the key.
Result<StripeKey> classifyKey(const QString &key)
{
    if (key.isEmpty())
        return Error::invalid(u"STRIPE_SECRET_KEY is not set (in the environment or the env file)."_s);
    if (key.startsWith(u"pk_"_s))
        return Error::invalid(u"STRIPE_SECRET_KEY holds a publishable key (pk_...); rdk-sync needs a secret key "
                              "(sk_...) or a restricted key (rk_...) from the API keys page of Stripe's Dashboard."_s);
    if (key.startsWith(u"whsec_"_s))
        return Error::invalid(u"STRIPE_SECRET_KEY holds a webhook signing secret (whsec_...), not an API key; use the "
                              "secret key (sk_...) from the API keys page of Stripe's Dashboard."_s);
    static const QRegularExpression pattern(u"^(sk|rk)_(test|live)_[A-Za-z0-9_]{8,240}$"_s);
    const auto match = pattern.match(key);
    if (!match.hasMatch())
        return Error::invalid(u"STRIPE_SECRET_KEY is not a Stripe API key: it should be sk_live_, sk_test_, rk_live_ or "
                              "rk_test_ followed by letters and digits (check for spaces or a cut-off copy)."_s);
    return StripeKey{match.captured(2) == u"live"_s, match.captured(1) == u"rk"_s};
}

bool isLoopbackHost(const QString &host)
{
    if (host.compare(u"localhost"_s, Qt::CaseInsensitive) == 0)
        return true;
    QHostAddress address;
    return address.setAddress(host) && address.isLoopback();
}

/// Waits on the calling (the client's own) thread, running its event loop meanwhile.
template <typename T>
T awaitResult(QFuture<T> future)
{
    if (!future.isFinished()) {
        QEventLoop loop;
        QFutureWatcher<T> watcher;
        QObject::connect(&watcher, &QFutureWatcherBase::finished, &loop, &QEventLoop::quit);
        watcher.setFuture(future);
        if (!future.isFinished())
            loop.exec();
    }
    return future.result();
}

int generationOf(const sync::StripeWebhookEndpoint &endpoint)
{
    return endpoint.metadata.value(kGenerationKey).toString().toInt();
}

QStringList sorted(QStringList list)
{
    list.sort();
    list.removeDuplicates();
    return list;
}

QString idempotencyKey(const QString &purpose)
{
    // One per run: a retry inside the client reuses it, a new run is a new request.
    return u"rdk-admin-%1-%2"_s.arg(purpose, QUuid::createUuid().toString(QUuid::WithoutBraces));
}

class StripeConnect final {
public:
    StripeConnect(QTextStream &out, QTextStream &err) : m_out(out), m_err(err) {}

    int run(const QString &envFile, const QString &expectAccount, Mode mode);

private:
    int fail(const QString &message)
    {
        m_err << "rdk-admin: " << message << Qt::endl;
        return 1;
    }
    int failCall(const QString &what, const Error &error) { return fail(what + u": "_s + error.message); }
    Status writeChanges(const QList<EnvChange> &changes, QString *summary);

    QTextStream &m_out;
    QTextStream &m_err;
    QString m_envFile;
    QByteArray m_envContent;
};

Status StripeConnect::writeChanges(const QList<EnvChange> &changes, QString *summary)
{
    auto updated = applyEnvChanges(m_envContent, changes);
    if (!updated)
        return updated.error();
    auto mode = writeEnvFileAtomically(m_envFile, *updated);
    if (!mode)
        return mode.error();
    m_envContent = *updated;
    *summary = u"%1 (mode %2)"_s.arg(m_envFile).arg(*mode, 4, 8, QChar(u'0'));
    return {};
}

int StripeConnect::run(const QString &envFile, const QString &expectAccount, Mode mode)
{
    m_envFile = envFile;

    // The configuration rdk-sync would read: the process environment over the env file.
    QHash<QString, QString> values;
    QHash<QString, QString> fileValues;
    QFile file(envFile);
    if (file.exists()) {
        if (!file.open(QIODevice::ReadOnly))
            return fail(u"%1 can't be read (%2)."_s.arg(envFile, file.errorString()));
        m_envContent = file.read(1024 * 1024 + 1);
        if (m_envContent.size() > 1024 * 1024)
            return fail(u"%1 is larger than 1 MiB; is it really an env file?"_s.arg(envFile));
        const EnvFile parsed = parseEnvFile(m_envContent);
        if (!parsed.errors.isEmpty())
            return fail(u"%1 has lines that can't be read (%2); fix them first, nothing was changed."_s.arg(
                envFile, parsed.errors.first()));
        fileValues = parsed.values;
        values = parsed.values;
    }
    const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &key : env.keys())
        values.insert(key, env.value(key));
    const ConfigSource source(values);
    ConfigReader reader(source);
    const QUrl publicUrl = reader.httpUrl(u"RDK_PUBLIC_URL"_s, {}, true);
    const QUrl apiBase = reader.httpUrl(u"STRIPE_API_BASE"_s, u"https://api.stripe.com"_s);
    if (auto s = reader.finish(); !s)
        return fail(u"the configuration is not usable: "_s + s.error().message.split(u'\n').join(u"; "_s));

    const QString secretKey = source.value(u"STRIPE_SECRET_KEY"_s).value_or(QString());
    const auto key = classifyKey(secretKey);
    if (!key)
        return fail(key.error().message);
    if (publicUrl.hasQuery() || publicUrl.hasFragment())
        return fail(u"RDK_PUBLIC_URL must be the shop's address without a query or fragment (got %1)."_s.arg(
            publicUrl.toString().left(120)));
    const bool https = publicUrl.scheme() == u"https"_s;
    const bool loopback = isLoopbackHost(publicUrl.host());
    if (key->live && !https)
        return fail(u"A live Stripe key needs an https public address: Stripe sends live payment events only to https, "
                    "and RDK_PUBLIC_URL is %1. Put the shop behind Caddy with TLS and set RDK_PUBLIC_URL=https://<your "
                    "domain>; nothing was changed."_s.arg(publicUrl.toString().left(120)));
    if (key->live && loopback)
        return fail(u"A live Stripe key needs the shop's public address, but RDK_PUBLIC_URL is %1, which Stripe can't "
                    "reach; nothing was changed."_s.arg(publicUrl.toString().left(120)));
    if (apiBase.host() == u"api.stripe.com"_s && loopback)
        return fail(u"Stripe can't deliver webhooks to %1 from the internet; set RDK_PUBLIC_URL to the shop's public "
                    "address (the sandbox is the place for local tests); nothing was changed."_s.arg(
                        publicUrl.toString().left(120)));
    if (!key->live && https && !loopback)
        m_err << "rdk-admin: warning: STRIPE_SECRET_KEY is a test key, but RDK_PUBLIC_URL (" << publicUrl.toString()
              << ") looks like the shop's real address: shoppers can pay with test cards only and no money moves. "
                 "Use the live key (sk_live_...) when the shop opens."
              << Qt::endl;

    sync::StripeClientOptions options;
    options.baseUrl = apiBase;
    options.secretKey = secretKey;
    sync::StripeClient client(options);

    const auto account = awaitResult(client.retrieveAccount());
    if (!account) {
        if (key->restricted && account.error().failure == sync::StripeFailure::Refused)
            return fail(u"Stripe refused to show the account to this restricted key (%1). Give the key read access to "
                        "the account and write access to webhook endpoints, or use the secret key."_s.arg(
                            account.error().message));
        return failCall(u"Stripe could not tell which account the key belongs to"_s, account.error());
    }
    const QString modeText = key->live ? u"live mode"_s : u"test mode"_s;
    m_out << "Stripe account " << account->id
          << (account->displayName.isEmpty() ? QString() : u" ("_s + account->displayName + u')') << ", " << modeText
          << (key->restricted ? ", restricted key" : "") << '.' << Qt::endl;
    if (!expectAccount.isEmpty() && expectAccount != account->id)
        return fail(u"STRIPE_SECRET_KEY belongs to account %1, not %2 as --expect-account says; check that the key is "
                    "the shop's. Nothing was changed."_s.arg(account->id, expectAccount));
    if (key->live && !account->chargesEnabled)
        m_err << "rdk-admin: warning: Stripe does not let account " << account->id
              << " take payments yet (charges_enabled is false); finish its activation in Stripe's Dashboard."
              << Qt::endl;

    QString base = publicUrl.toString(QUrl::StripTrailingSlash);
    const QString webhookUrl = base + QString::fromUtf16(sync::StripeWebhookPath);
    const QStringList events = sync::handledStripeEventTypes();

    const auto listed = awaitResult(client.listWebhookEndpoints());
    if (!listed)
        return failCall(u"Stripe could not list the webhook endpoints"_s, listed.error());
    QList<sync::StripeWebhookEndpoint> ours;
    for (const sync::StripeWebhookEndpoint &endpoint : *listed) {
        if (endpoint.url == webhookUrl)
            ours.append(endpoint);
        else if (endpoint.metadata.value(kManagedByKey).toString() == kManagedBy)
            m_err << "rdk-admin: note: webhook endpoint " << endpoint.id << " for " << endpoint.url
                  << " was also made by rdk-admin; if the shop moved from that address, delete it in Stripe's Dashboard."
                  << Qt::endl;
    }
    // Oldest first: the newest generation is the current secret.
    std::stable_sort(ours.begin(), ours.end(), [](const auto &a, const auto &b) {
        return generationOf(a) != generationOf(b) ? generationOf(a) < generationOf(b) : a.created < b.created;
    });
    const bool fileHasSecret = fileValues.value(kSecretKey).startsWith(u"whsec_"_s)
                               && fileValues.value(kSecretKey).size() > 10
                               && fileValues.value(kSecretKey) != u"whsec_replace_me"_s;

    const auto createEndpoint = [&](int generation) -> sync::StripeCallResult<sync::StripeWebhookEndpoint> {
        // The env file must be able to take the secret before anything is made on Stripe.
        if (auto writable = checkEnvFileWritable(envFile); !writable)
            return sync::StripeCallError{writable.error(), sync::StripeFailure::NotSent, 0};
        sync::StripeWebhookEndpointRequest request;
        request.url = webhookUrl;
        request.enabledEvents = events;
        request.description = u"Real Deal Kickz rdk-sync (managed by rdk-admin stripe connect)"_s;
        request.metadata = {{kManagedByKey, kManagedBy}, {kGenerationKey, QString::number(generation)}};
        return awaitResult(client.createWebhookEndpoint(request, idempotencyKey(u"webhook-create"_s)));
    };
    // A secret that can't be stored is worth nothing: the endpoint made for it goes again.
    const auto storeOrUndo = [&](const sync::StripeWebhookEndpoint &created, const QList<EnvChange> &changes,
                                 QString *summary) -> Status {
        if (auto written = writeChanges(changes, summary); !written) {
            const auto undone = awaitResult(client.deleteWebhookEndpoint(created.id));
            return Error::forbidden(written.error().message
                                    + (undone ? u" The new endpoint %1 was deleted again on Stripe."_s.arg(created.id)
                                              : u" The new endpoint %1 could not be deleted again (%2); delete it in "
                                                "Stripe's Dashboard."_s.arg(created.id, undone.error().message)));
        }
        return {};
    };

    if (mode == Mode::FinishRoll) {
        const bool previousInFile = fileValues.contains(kPreviousSecretKey);
        if (ours.size() <= 1 && !previousInFile) {
            m_out << "No secret roll is in progress for " << webhookUrl << "; nothing changed." << Qt::endl;
            return 0;
        }
        if (ours.isEmpty())
            return fail(u"There is no webhook endpoint for %1 on Stripe; run `rdk-admin stripe connect` first."_s.arg(webhookUrl));
        QString summary;
        if (previousInFile) {
            if (auto written = writeChanges({{kPreviousSecretKey, std::nullopt}}, &summary); !written)
                return fail(written.error().message + u" Nothing was deleted on Stripe."_s);
            m_out << "Removed " << kPreviousSecretKey << " from " << summary
                  << ". Restart rdk-sync so it accepts only the new secret." << Qt::endl;
        }
        for (qsizetype i = 0; i + 1 < ours.size(); ++i) {
            const auto deleted = awaitResult(client.deleteWebhookEndpoint(ours.at(i).id));
            if (!deleted)
                return failCall(u"Stripe could not delete the old webhook endpoint %1"_s.arg(ours.at(i).id), deleted.error());
            m_out << "Deleted the old webhook endpoint " << ours.at(i).id << "; its secret no longer signs anything."
                  << Qt::endl;
        }
        m_out << "Secret roll finished: " << ours.last().id << " is the shop's only webhook endpoint." << Qt::endl;
        return 0;
    }

    if (mode == Mode::RollSecret) {
        if (ours.isEmpty())
            return fail(u"There is no webhook endpoint for %1 to roll; run `rdk-admin stripe connect` first."_s.arg(webhookUrl));
        if (ours.size() > 1)
            return fail(u"A secret roll is already in progress (%1 endpoints for %2); finish it with `rdk-admin stripe "
                        "connect --finish-roll` before starting another."_s.arg(ours.size()).arg(webhookUrl));
        const auto created = createEndpoint(generationOf(ours.last()) + 1);
        if (!created)
            return fail(created.error().failure == sync::StripeFailure::NotSent
                            ? created.error().message
                            : u"Stripe refused the new webhook endpoint: "_s + created.error().message);
        QList<EnvChange> changes{{kSecretKey, created->secret}};
        changes.append({kPreviousSecretKey, fileHasSecret ? std::optional<QString>(fileValues.value(kSecretKey))
                                                          : std::nullopt});
        QString summary;
        if (auto stored = storeOrUndo(*created, changes, &summary); !stored)
            return fail(stored.error().message);
        m_out << "Created webhook endpoint " << created->id << " with a new signing secret, stored in " << summary
              << " as " << kSecretKey << (fileHasSecret ? u"; the old one stays accepted as %1"_s.arg(kPreviousSecretKey)
                                                        : u""_s)
              << '.' << Qt::endl
              << "Both endpoints receive every event until the roll is finished (rdk-sync records each event once). "
                 "Restart rdk-sync now; once it runs with the new secret, run `rdk-admin stripe connect --finish-roll "
                 "--env-file "
              << envFile << "`." << Qt::endl;
        return 0;
    }

    // Connect.
    if (ours.isEmpty()) {
        const auto created = createEndpoint(1);
        if (!created)
            return fail(created.error().failure == sync::StripeFailure::NotSent
                            ? created.error().message
                            : u"Stripe refused the webhook endpoint: "_s + created.error().message);
        QString summary;
        if (auto stored = storeOrUndo(*created, {{kSecretKey, created->secret}, {kPreviousSecretKey, std::nullopt}},
                                      &summary);
            !stored)
            return fail(stored.error().message);
        m_out << "Created webhook endpoint " << created->id << " for " << webhookUrl << " with " << events.size()
              << " events (" << events.join(u", "_s) << ")." << Qt::endl
              << "Stored its signing secret in " << summary << " as " << kSecretKey
              << ". Restart rdk-sync so it uses it." << Qt::endl;
        return 0;
    }

    if (!fileHasSecret)
        return fail(u"Webhook endpoint %1 for %2 exists, but %3 has no %4, and Stripe shows an endpoint's secret only "
                    "when it is made. Run `rdk-admin stripe connect --roll-secret --env-file %3` to make a new endpoint "
                    "and store its secret."_s.arg(ours.last().id, webhookUrl, envFile, kSecretKey));
    int updatedCount = 0;
    for (const sync::StripeWebhookEndpoint &endpoint : ours) {
        const bool eventsRight = sorted(endpoint.enabledEvents) == sorted(events);
        const bool enabled = endpoint.status != u"disabled"_s;
        if (!endpoint.apiVersion.isEmpty() && endpoint.apiVersion != QString::fromLatin1(sync::StripeApiVersion))
            m_err << "rdk-admin: warning: webhook endpoint " << endpoint.id << " sends events in API version "
                  << endpoint.apiVersion << ", rdk-sync reads " << sync::StripeApiVersion
                  << "; replace it with `--roll-secret` (an endpoint's version can't be changed)." << Qt::endl;
        if (eventsRight && enabled)
            continue;
        sync::StripeWebhookEndpointRequest request;
        request.enabledEvents = events;
        if (!enabled)
            request.disabled = false;
        const auto updated = awaitResult(client.updateWebhookEndpoint(endpoint.id, request, idempotencyKey(u"webhook-update"_s)));
        if (!updated)
            return failCall(u"Stripe refused to update webhook endpoint %1"_s.arg(endpoint.id), updated.error());
        ++updatedCount;
        m_out << "Updated webhook endpoint " << endpoint.id << ": " << events.size() << " events"
              << (enabled ? "" : ", enabled again") << '.' << Qt::endl;
    }
    if (ours.size() > 1)
        m_out << "A secret roll is in progress (" << ours.size() << " endpoints for " << webhookUrl
              << "); finish it with `rdk-admin stripe connect --finish-roll --env-file " << envFile << "`." << Qt::endl;
    if (updatedCount == 0)
        m_out << "Webhook endpoint " << ours.last().id << " for " << webhookUrl << " is up to date (" << events.size()
              << " events) and " << envFile << " holds its secret; nothing changed." << Qt::endl;
    return 0;
}

} // namespace

QString stripeUsage()
{
    return u"  stripe connect --env-file FILE [--expect-account acct_...] [--roll-secret | --finish-roll]\n"
           "                              check the Stripe key and account, create or update the webhook endpoint\n"
           "                              for RDK_PUBLIC_URL and store its signing secret in FILE (rdk-sync's env file)"_s;
}

int runStripeCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    const auto usage = [&err](const QString &message) {
        err << "rdk-admin: " << message << "\n\nusage:\n" << stripeUsage() << Qt::endl;
        return 64;
    };
    if (args.value(0) != u"connect"_s)
        return usage(u"stripe needs: connect"_s);
    QString envFile;
    QString expectAccount;
    Mode mode = Mode::Connect;
    int modeFlags = 0;
    for (qsizetype i = 1; i < args.size(); ++i) {
        const QString &a = args.at(i);
        if (a == u"--roll-secret"_s) {
            mode = Mode::RollSecret;
            ++modeFlags;
        } else if (a == u"--finish-roll"_s) {
            mode = Mode::FinishRoll;
            ++modeFlags;
        } else if ((a == u"--env-file"_s || a == u"--expect-account"_s) && i + 1 < args.size()) {
            (a == u"--env-file"_s ? envFile : expectAccount) = args.at(++i);
        } else {
            return usage(u"unknown or incomplete option '%1'"_s.arg(a.left(40)));
        }
    }
    if (modeFlags > 1)
        return usage(u"--roll-secret and --finish-roll are separate steps; give one of them"_s);
    if (envFile.isEmpty())
        envFile = QProcessEnvironment::systemEnvironment().value(u"RDK_ENV_FILE"_s);
    if (envFile.isEmpty())
        return usage(u"stripe connect needs --env-file FILE: the env file rdk-sync reads, where the signing secret goes"_s);
    static const QRegularExpression accountPattern(u"^acct_[A-Za-z0-9]{1,64}$"_s);
    if (!expectAccount.isEmpty() && !accountPattern.match(expectAccount).hasMatch())
        return usage(u"--expect-account takes a Stripe account id such as acct_1A2b3C4d"_s);
    return StripeConnect(out, err).run(envFile, expectAccount, mode);
}

} // namespace rdk
