// Webhook body -> typed Stripe event -> domain PaymentEvent.
// Properties: nothing crashes; an accepted event has an evt_ id, and the kinds we act on carry
// the object they need; amounts are whole and not negative.
#include "sync/stripe/stripeevent.h"
#include "sync/webhookprocessor.h"
#include "tests/fuzz/fuzzsupport.h"

#include <cstddef>
#include <cstdint>

using namespace rdk;
using namespace rdk::sync;
using namespace Qt::Literals::StringLiterals;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray body(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto event = parseStripeEvent(body);
    if (!event)
        return 0;
    RDK_FUZZ_CHECK(event->id.startsWith(u"evt_"_s));
    switch (event->kind) {
    case StripeEventKind::CheckoutCompleted:
    case StripeEventKind::CheckoutAsyncSucceeded:
    case StripeEventKind::CheckoutAsyncFailed:
    case StripeEventKind::CheckoutExpired:
        RDK_FUZZ_CHECK(event->session.has_value());
        RDK_FUZZ_CHECK(!event->session->id.isEmpty());
        RDK_FUZZ_CHECK(event->session->amountTotal >= -1);
        break;
    case StripeEventKind::ChargeRefunded:
    case StripeEventKind::ChargeSucceeded:
        RDK_FUZZ_CHECK(event->charge.has_value());
        RDK_FUZZ_CHECK(event->charge->amount >= 0 && event->charge->amountRefunded >= 0);
        break;
    case StripeEventKind::Other:
        break;
    }
    const PaymentEvent mapped = toPaymentEvent(*event);
    RDK_FUZZ_CHECK(mapped.eventId == event->id);
    if (mapped.report && mapped.report->amountKnown)
        RDK_FUZZ_CHECK(mapped.report->amount.minor() >= 0);
    return 0;
}
