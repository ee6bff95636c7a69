#include "domain/orderbook.h"
#include "domain/pos.h"

using namespace Qt::Literals::StringLiterals;

namespace rdk {

QString toString(PaymentLinkState state)
{
    switch (state) {
    case PaymentLinkState::None: return u"none"_s;
    case PaymentLinkState::Requested: return u"requested"_s;
    case PaymentLinkState::Ready: return u"ready"_s;
    case PaymentLinkState::Failed: return u"failed"_s;
    case PaymentLinkState::Deactivated: return u"deactivated"_s;
    }
    return {};
}

QString toString(PaymentMethod method)
{
    switch (method) {
    case PaymentMethod::None: return {};
    case PaymentMethod::Card: return u"card"_s;
    case PaymentMethod::Cash: return u"cash"_s;
    }
    return {};
}

QString toString(RefundRequestState state)
{
    switch (state) {
    case RefundRequestState::Queued: return u"queued"_s;
    case RefundRequestState::Working: return u"working"_s;
    case RefundRequestState::Done: return u"done"_s;
    case RefundRequestState::Failed: return u"failed"_s;
    }
    return {};
}

} // namespace rdk
