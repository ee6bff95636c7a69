#include "domain/payment.h"

#include "domain/moneyformat.h"

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

bool awaitingMoney(OrderStatus s)
{
    return s == OrderStatus::Pending || s == OrderStatus::AwaitingPayment;
}

bool holdsMoney(OrderStatus s)
{
    return s == OrderStatus::Paid || s == OrderStatus::Shipped || s == OrderStatus::Fulfilled
        || s == OrderStatus::PartiallyRefunded;
}

PaymentDecision decidePaid(OrderStatus current, const Money &total, const PaymentReport &report)
{
    if (current == OrderStatus::Canceled || current == OrderStatus::Refunded)
        return {PaymentAction::FlagForReview,
                u"A payment arrived for an order that is already %1; refund it or restore the order."_s.arg(displayName(current).toLower())};
    if (!awaitingMoney(current))
        return {PaymentAction::Ignore, u"The order is already paid."_s};
    if (report.amountKnown && !(report.amount == total))
        return {PaymentAction::FlagForReview, u"Stripe reported %1 but the order totals %2."_s.arg(formatMoney(report.amount), formatMoney(total))};
    return {PaymentAction::MarkPaid, u"Payment received."_s};
}

PaymentDecision decideRefund(OrderStatus current, const Money &total, const PaymentReport &report)
{
    if (!holdsMoney(current) && current != OrderStatus::Refunded)
        return {PaymentAction::FlagForReview, u"A refund was reported for an order that was never paid."_s};
    if (!report.amountKnown || report.amount.currency() != total.currency())
        return {PaymentAction::FlagForReview, u"A refund arrived in an unexpected currency."_s};
    if (report.amount.minor() > total.minor())
        return {PaymentAction::FlagForReview, u"More was refunded (%1) than the order's total (%2)."_s.arg(formatMoney(report.amount), formatMoney(total))};
    if (report.amount.minor() == total.minor())
        return current == OrderStatus::Refunded ? PaymentDecision{PaymentAction::Ignore, u"Already refunded."_s}
                                                : PaymentDecision{PaymentAction::Refund, u"Refunded in full."_s};
    if (current == OrderStatus::Refunded)
        return {PaymentAction::Ignore, u"Already refunded in full."_s};
    return {PaymentAction::PartialRefund, u"Refunded %1 of %2."_s.arg(formatMoney(report.amount), formatMoney(total))};
}

} // namespace

PaymentDecision decidePaymentEffect(OrderStatus current, const Money &total, const PaymentReport &report)
{
    switch (report.signal) {
    case PaymentSignal::Paid:
        return decidePaid(current, total, report);
    case PaymentSignal::AwaitingPayment:
        if (current == OrderStatus::Pending)
            return {PaymentAction::MarkAwaitingPayment, u"Checkout finished; waiting for the payment to clear."_s};
        return {PaymentAction::Ignore, u"The order is past waiting for payment."_s};
    case PaymentSignal::Failed:
    case PaymentSignal::Expired:
        if (awaitingMoney(current))
            return {PaymentAction::Cancel, report.signal == PaymentSignal::Failed ? u"The payment failed."_s
                                                                                    : u"The checkout expired unpaid."_s};
        return {PaymentAction::Ignore, u"Too late to cancel: the order is %1."_s.arg(displayName(current).toLower())};
    case PaymentSignal::Refunded:
        return decideRefund(current, total, report);
    }
    return {PaymentAction::Ignore, {}};
}

QString toString(PaymentAction action)
{
    switch (action) {
    case PaymentAction::MarkPaid: return u"mark_paid"_s;
    case PaymentAction::MarkAwaitingPayment: return u"mark_awaiting_payment"_s;
    case PaymentAction::Cancel: return u"cancel"_s;
    case PaymentAction::Refund: return u"refund"_s;
    case PaymentAction::PartialRefund: return u"partial_refund"_s;
    case PaymentAction::FlagForReview: return u"flag_for_review"_s;
    case PaymentAction::Ignore: return u"ignore"_s;
    }
    return {};
}

QString toString(EventOutcome outcome)
{
    switch (outcome) {
    case EventOutcome::Applied: return u"applied"_s;
    case EventOutcome::Duplicate: return u"duplicate"_s;
    case EventOutcome::Ignored: return u"ignored"_s;
    case EventOutcome::FlaggedForReview: return u"flagged_for_review"_s;
    case EventOutcome::UnknownOrder: return u"unknown_order"_s;
    }
    return {};
}

} // namespace rdk
