#include "domain/ordertimeline.h"

#include "domain/moneyformat.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

QString statusName(const QJsonValue &value)
{
    const QString stored = value.toString();
    if (auto status = orderStatusFromString(stored))
        return displayName(*status);
    return stored.isEmpty() ? u"?"_s : stored;
}

// An amount stored as minor units plus a currency code in the same JSON object.
QString amountText(const QJsonObject &object, const QString &key)
{
    const QString currency = object.value(u"currency"_s).toString(u"USD"_s);
    const QJsonValue value = object.value(key);
    if (!value.isDouble() && !value.isString())
        return {};
    const qint64 minor = value.isDouble() ? qint64(value.toDouble()) : value.toString().toLongLong();
    auto money = Money::of(minor, Money::isValidCurrency(currency) ? currency : u"USD"_s);
    return money ? formatMoney(*money) : QString();
}

QString withReason(QString sentence, const QString &reason)
{
    if (!reason.isEmpty())
        sentence += u": "_s + reason;
    return sentence;
}

QString statusSentence(const AuditEntry &e)
{
    QString sentence = u"%1 → %2"_s.arg(statusName(e.before.value(u"status"_s)), statusName(e.after.value(u"status"_s)));
    const QString carrier = e.after.value(u"carrier"_s).toString();
    const QString tracking = e.after.value(u"tracking_number"_s).toString();
    if (e.after.contains(u"refunded_minor"_s))
        sentence += u", %1 refunded in all"_s.arg(amountText(e.after, u"refunded_minor"_s));
    // A shipment's reason only repeats carrier and tracking ("shipped with UPS 1Z999").
    if (!carrier.isEmpty() || !tracking.isEmpty())
        return sentence + u" (%1)"_s.arg(QStringList{carrier, tracking}.join(u' ').trimmed());
    return withReason(sentence, e.reason);
}

QString refundRequestedSentence(const AuditEntry &e)
{
    const QString amount = amountText(e.after, u"amount_minor"_s);
    const QString who = e.actor.isEmpty() ? QString() : u" by "_s + e.actor;
    const QString sentence = amount.isEmpty() ? u"Full refund requested%1"_s.arg(who)
                                              : u"Refund of %1 requested%2"_s.arg(amount, who);
    const QString reason = !e.reason.isEmpty() ? e.reason : e.after.value(u"reason"_s).toString();
    return withReason(sentence, reason);
}

// Returns and exchanges at the counter (module returns.sql): pairs back, the money's way.
QString returnSentence(const AuditEntry &e)
{
    int pairs = 0;
    for (const QJsonValue &line : e.after.value(u"lines"_s).toArray())
        pairs += line.toObject().value(u"quantity"_s).toInt();
    const QString method = e.after.value(u"method"_s).toString() == u"cash"_s ? u"in cash"_s : u"to the card"_s;
    // The database files the rows of a return under "return: <reason>"; the sentence says it already.
    QString reason = e.reason;
    for (const QString &prefix : {u"return: "_s, u"exchange: "_s})
        if (reason.startsWith(prefix))
            reason = reason.mid(prefix.size());
    if (e.action == u"return")
        return withReason(u"Returned %1 pair(s): %2 refunded %3"_s.arg(pairs).arg(amountText(e.after, u"refund_minor"_s), method),
                          reason);
    if (e.action == u"exchange") {
        QString sentence = u"Exchanged %1 pair(s) for RDK-%2: credit %3"_s.arg(pairs)
                               .arg(e.after.value(u"new_order_number"_s).toVariant().toLongLong())
                               .arg(amountText(e.after, u"credit_minor"_s));
        if (e.after.value(u"refund_minor"_s).toDouble() > 0)
            sentence += u", %1 refunded %2"_s.arg(amountText(e.after, u"refund_minor"_s), method);
        return withReason(sentence, reason);
    }
    return u"Exchange RDK-%1 canceled unpaid: credit of %2 given back %3"_s
        .arg(e.after.value(u"new_order_number"_s).toVariant().toLongLong())
        .arg(amountText(e.after, u"credit_minor"_s), method);
}

QString reviewSentence(const AuditEntry &e)
{
    if (e.after.value(u"needs_review"_s).toBool())
        return withReason(u"Flagged for review"_s, e.after.value(u"review_reason"_s).toString());
    return withReason(u"Review cleared"_s, e.reason);
}

QString cashSentence(const AuditEntry &e)
{
    const QString tendered = amountText(e.after, u"tendered_minor"_s);
    const QString change = amountText(e.after, u"change_minor"_s);
    if (tendered.isEmpty())
        return u"Cash payment recorded"_s;
    return change.isEmpty() ? u"Cash payment recorded (%1 tendered)"_s.arg(tendered)
                            : u"Cash payment recorded (%1 tendered, %2 change)"_s.arg(tendered, change);
}

QString updateSentence(const AuditEntry &e)
{
    if (e.after.contains(u"refunded_minor"_s)) {
        QJsonObject before = e.before;
        before.insert(u"currency"_s, e.after.value(u"currency"_s));
        return withReason(u"Refunded: %1 in all (was %2)"_s.arg(amountText(e.after, u"refunded_minor"_s),
                                                                 amountText(before, u"refunded_minor"_s)),
                          e.reason);
    }
    if (e.after.contains(u"carrier"_s) || e.after.contains(u"tracking_number"_s))
        return withReason(u"Shipping details: %1 %2"_s.arg(e.after.value(u"carrier"_s).toString(),
                                                             e.after.value(u"tracking_number"_s).toString()).trimmed(),
                          e.reason);
    return withReason(u"%1: %2"_s.arg(e.action, changedAuditFields(e).join(u", "_s)), e.reason);
}

} // namespace

OrderTimelineEntry orderTimelineEntry(const AuditEntry &e)
{
    OrderTimelineEntry entry;
    entry.at = e.at;
    entry.actor = e.actor;
    entry.action = e.action;
    if (e.action == u"status" || (e.before.contains(u"status"_s) && e.after.contains(u"status"_s)))
        entry.summary = statusSentence(e);
    else if (e.action == u"refund_requested")
        entry.summary = refundRequestedSentence(e);
    else if (e.action == u"return" || e.action == u"exchange" || e.action == u"exchange_canceled")
        entry.summary = returnSentence(e);
    else if (e.action == u"review")
        entry.summary = reviewSentence(e);
    else if (e.action == u"cash_payment")
        entry.summary = cashSentence(e);
    else if (e.action == u"discount")
        entry.summary = withReason(u"Discount of %1 given"_s.arg(amountText(e.after, u"discount_minor"_s)),
                                   e.after.value(u"discount_reason"_s).toString(e.reason));
    else if (e.action == u"insert")
        entry.summary = u"Order placed"_s;
    else
        entry.summary = updateSentence(e);
    return entry;
}

QList<OrderTimelineEntry> buildOrderTimeline(QList<AuditEntry> entries)
{
    std::stable_sort(entries.begin(), entries.end(), [](const AuditEntry &a, const AuditEntry &b) {
        return a.at != b.at ? a.at < b.at : a.id < b.id;
    });
    QList<OrderTimelineEntry> timeline;
    timeline.reserve(entries.size());
    for (const AuditEntry &e : entries)
        timeline.append(orderTimelineEntry(e));
    return timeline;
}

QList<OrderTimelineEntry> orderTimelineFromFacts(const OrderDetail &order, const QDateTime &fulfilledAt,
                                                 const QDateTime &canceledAt)
{
    QList<OrderTimelineEntry> timeline;
    auto add = [&](const QDateTime &at, const QString &actor, const QString &action, const QString &summary) {
        if (at.isValid())
            timeline.append(OrderTimelineEntry{at, actor, action, summary});
    };
    add(order.summary.createdAt, {}, u"created"_s, u"Order placed (%1)"_s.arg(displayName(order.summary.channel)));
    add(order.paidAt, {}, u"paid"_s,
        order.summary.paymentMethod == PaymentMethod::Cash ? u"Paid in cash"_s : u"Paid by card"_s);
    if (!order.carrier.isEmpty() || !order.trackingNumber.isEmpty())
        add(fulfilledAt, {}, u"shipped"_s, u"Shipped (%1)"_s.arg(QStringList{order.carrier, order.trackingNumber}.join(u' ').trimmed()));
    else
        add(fulfilledAt, {}, u"fulfilled"_s, u"Picked up"_s);
    add(canceledAt, {}, u"canceled"_s, u"Canceled"_s);
    for (const RefundRequestInfo &r : order.refunds) {
        QString sentence = u"Refund of %1 requested"_s.arg(formatMoney(r.amount));
        if (!r.requestedBy.isEmpty())
            sentence += u" by "_s + r.requestedBy;
        sentence = withReason(sentence, r.reason);
        switch (r.state) {
        case RefundRequestState::Queued: sentence += u" (waiting for Stripe)"_s; break;
        case RefundRequestState::Working: sentence += u" (Stripe is working on it)"_s; break;
        case RefundRequestState::Done: sentence += u" (done)"_s; break;
        case RefundRequestState::Failed:
            sentence += r.error.isEmpty() ? u" (failed)"_s : u" (failed: %1)"_s.arg(r.error);
            break;
        }
        add(r.requestedAt, r.requestedBy, u"refund_requested"_s, sentence);
    }
    std::stable_sort(timeline.begin(), timeline.end(),
                     [](const OrderTimelineEntry &a, const OrderTimelineEntry &b) { return a.at < b.at; });
    return timeline;
}

} // namespace rdk
