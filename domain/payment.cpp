#include "domain/payment.h"

using namespace Qt::Literals::StringLiterals;

namespace rdk {
QString toString(PaymentSignal signal)
{
    switch (signal) {
    case PaymentSignal::Paid: return u"paid"_s;
    case PaymentSignal::AwaitingPayment: return u"awaiting_payment"_s;
    case PaymentSignal::Failed: return u"failed"_s;
    case PaymentSignal::Expired: return u"expired"_s;
    case PaymentSignal::Refunded: return u"refunded"_s;
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

std::optional<EventOutcome> eventOutcomeFromString(const QString &text)
{
    for (EventOutcome outcome : {EventOutcome::Applied, EventOutcome::Duplicate, EventOutcome::Ignored,
                                 EventOutcome::FlaggedForReview, EventOutcome::UnknownOrder}) {
        if (toString(outcome) == text)
            return outcome;
    }
    return std::nullopt;
}

} // namespace rdk
