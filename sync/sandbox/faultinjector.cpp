#include "sync/sandbox/faultinjector.h"

#include <QJsonObject>

using namespace Qt::Literals::StringLiterals;

namespace rdk::sandbox {

std::optional<StripeError> FaultInjector::add(const QString &pathPrefix, const QString &status, const QString &count)
{
    if (!pathPrefix.startsWith(u"/v1"_s) || pathPrefix.size() > kMaxPrefixLength)
        return StripeError::invalid(u"path must be an API path prefix such as /v1/payment_links (at most 200 characters)."_s,
                                    u"path"_s);
    bool ok = false;
    const int code = status.toInt(&ok);
    if (!ok || code < 400 || code > 599)
        return StripeError::invalid(u"status must be an HTTP error status from 400 to 599."_s, u"status"_s);
    int times = 1;
    if (!count.isEmpty()) {
        times = count.toInt(&ok);
        if (!ok || times < 1 || times > kMaxCount)
            return StripeError::invalid(u"count must be a whole number from 1 to 1000."_s, u"count"_s);
    }
    if (m_faults.size() >= kMaxFaults)
        return StripeError::invalid(u"Too many faults are armed; DELETE /_sandbox/faults first."_s);
    m_faults.append({pathPrefix, code, times});
    return std::nullopt;
}

std::optional<StripeError> FaultInjector::take(const QString &path)
{
    for (qsizetype i = 0; i < m_faults.size(); ++i) {
        Fault &fault = m_faults[i];
        if (!path.startsWith(fault.prefix))
            continue;
        const int status = fault.status;
        if (--fault.remaining <= 0)
            m_faults.removeAt(i);
        return errorFor(status);
    }
    return std::nullopt;
}

QJsonArray FaultInjector::toJson() const
{
    QJsonArray out;
    for (const Fault &f : m_faults)
        out.append(QJsonObject{{u"path"_s, f.prefix}, {u"status"_s, f.status}, {u"remaining"_s, f.remaining}});
    return out;
}

StripeError FaultInjector::errorFor(int status)
{
    // Not replayable: Stripe does not keep a failed attempt under the idempotency key.
    if (status == 429)
        return {429, u"rate_limit_error"_s, u"rate_limit"_s, {},
                u"Too many requests hit the API too quickly. (sandbox fault injection)"_s, false};
    if (status == 402)
        return {402, u"card_error"_s, u"card_declined"_s, {}, u"Your card was declined. (sandbox fault injection)"_s, false};
    if (status >= 500)
        return {status, u"api_error"_s, {}, {},
                u"An unknown error occurred on Stripe's side (HTTP %1, sandbox fault injection)."_s.arg(status), false};
    return {status, u"invalid_request_error"_s, {}, {}, u"The request was refused (HTTP %1, sandbox fault injection)."_s.arg(status),
            false};
}

} // namespace rdk::sandbox
