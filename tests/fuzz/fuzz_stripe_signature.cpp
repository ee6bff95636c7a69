// Stripe-Signature header parser and verifier. Input: "<header>\n<raw body>".
// Properties: nothing crashes; a parsed header only holds 64-char lowercase-hex v1 values and
// a positive t; only a header carrying the real HMAC within the tolerance verifies; what we
// sign ourselves always verifies, and not for another body, secret or time.
#include "sync/stripe/webhooksignature.h"
#include "tests/fuzz/fuzzsupport.h"

#include <cstddef>
#include <cstdint>

using namespace rdk::sync;

namespace {
constexpr char kSecret[] = "whsec_fuzz_secret";
constexpr qint64 kNow = 1'700'000'000;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    const qsizetype newline = input.indexOf('\n');
    const QByteArray header = newline < 0 ? input : input.left(newline);
    const QByteArray body = newline < 0 ? QByteArray() : input.mid(newline + 1);

    const auto parsed = parseSignatureHeader(header);
    if (parsed) {
        RDK_FUZZ_CHECK(parsed->timestamp > 0);
        RDK_FUZZ_CHECK(!parsed->v1.isEmpty());
        for (const QByteArray &v : parsed->v1) {
            RDK_FUZZ_CHECK(v.size() == 64);
            for (char c : v)
                RDK_FUZZ_CHECK((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
        }
    }
    // Our own signature over the fuzzed body verifies, and only for that exact body.
    const QByteArray signedHeader = signStripePayload(body, kSecret, kNow);
    const QByteArray expectedV1 = signedHeader.mid(signedHeader.indexOf("v1=") + 3);

    // Passing needs the HMAC of "<t>.<body>" under our secret among the v1 values.
    if (verifyStripeSignature(body, header, kSecret, kNow).ok()) {
        RDK_FUZZ_CHECK(parsed.ok());
        const QByteArray expectedAtT = signStripePayload(body, kSecret, parsed->timestamp);
        RDK_FUZZ_CHECK(parsed->v1.contains(expectedAtT.mid(expectedAtT.indexOf("v1=") + 3)));
        RDK_FUZZ_CHECK(qAbs(parsed->timestamp - kNow) <= DefaultWebhookToleranceSeconds);
    }
    RDK_FUZZ_CHECK(expectedV1.size() == 64);
    RDK_FUZZ_CHECK(verifyStripeSignature(body, signedHeader, kSecret, kNow).ok());
    RDK_FUZZ_CHECK(!verifyStripeSignature(body + 'x', signedHeader, kSecret, kNow).ok());
    RDK_FUZZ_CHECK(!verifyStripeSignature(body, signedHeader, "whsec_other", kNow).ok());
    RDK_FUZZ_CHECK(!verifyStripeSignature(body, signedHeader, kSecret, kNow + DefaultWebhookToleranceSeconds + 1).ok());
    return 0;
}
