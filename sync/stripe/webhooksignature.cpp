#include "sync/stripe/webhooksignature.h"

#include <QtNumeric>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>
#include <array>
#include <limits>
#include <memory>
#include <optional>

using namespace Qt::Literals::StringLiterals;

namespace rdk::sync {

namespace {

const QString HeaderField = u"Stripe-Signature"_s;
constexpr qsizetype HexSignatureLength = 64;   // SHA-256 as hex

Error malformed(const QString &why)
{
    return Error::invalid(u"The Stripe-Signature header is malformed: %1. "
                          "Check that the request really comes from Stripe."_s.arg(why),
                          HeaderField);
}

bool isBlank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

bool isLowerHex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/// Strict positive decimal: digits only (no sign, no blanks), and no overflow.
std::optional<qint64> parseTimestamp(QByteArrayView text)
{
    if (text.isEmpty())
        return std::nullopt;
    qint64 value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9')
            return std::nullopt;
        if (qMulOverflow(value, qint64(10), &value) || qAddOverflow(value, qint64(c - '0'), &value))
            return std::nullopt;
    }
    if (value <= 0)
        return std::nullopt;
    return value;
}

struct MacCtxDeleter {
    void operator()(EVP_MAC_CTX *ctx) const { EVP_MAC_CTX_free(ctx); }
};
struct MacDeleter {
    void operator()(EVP_MAC *mac) const { EVP_MAC_free(mac); }
};

/// Lowercase hex HMAC-SHA256 of "<t>.<body>". Streamed into the MAC so a large body is
/// not copied. nullopt only when OpenSSL itself fails.
std::optional<QByteArray> signatureHex(QByteArrayView body, QByteArrayView secret, qint64 t)
{
    const std::unique_ptr<EVP_MAC, MacDeleter> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
    if (!mac)
        return std::nullopt;
    const std::unique_ptr<EVP_MAC_CTX, MacCtxDeleter> ctx(EVP_MAC_CTX_new(mac.get()));
    if (!ctx)
        return std::nullopt;
    char digestName[] = "SHA256";
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digestName, 0),
        OSSL_PARAM_construct_end(),
    };
    // An empty key is legal HMAC; OpenSSL wants a non-null pointer for it.
    static const unsigned char emptyKey = 0;
    const auto *key = secret.isEmpty() ? &emptyKey : reinterpret_cast<const unsigned char *>(secret.data());
    const QByteArray prefix = QByteArray::number(t) + '.';
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    size_t outLength = 0;
    const bool ok = EVP_MAC_init(ctx.get(), key, size_t(secret.size()), params) == 1
        && EVP_MAC_update(ctx.get(), reinterpret_cast<const unsigned char *>(prefix.constData()), size_t(prefix.size())) == 1
        && (body.isEmpty()
            || EVP_MAC_update(ctx.get(), reinterpret_cast<const unsigned char *>(body.data()), size_t(body.size())) == 1)
        && EVP_MAC_final(ctx.get(), out.data(), &outLength, out.size()) == 1
        && outLength == 32;
    if (!ok)
        return std::nullopt;
    return QByteArray(reinterpret_cast<const char *>(out.data()), qsizetype(outLength)).toHex();
}

} // namespace

Result<SignatureHeader> parseSignatureHeader(QByteArrayView header)
{
    if (header.size() > MaxSignatureHeaderBytes)
        return malformed(u"it is longer than 8 KiB"_s);
    const QByteArrayView trimmed = header.trimmed();
    if (trimmed.isEmpty())
        return Error::invalid(u"The Stripe-Signature header is missing. Webhooks must come from Stripe, "
                              "which always signs them."_s,
                              HeaderField);

    SignatureHeader parsed;
    bool haveTimestamp = false;
    qsizetype start = 0;
    while (start <= trimmed.size()) {
        qsizetype end = trimmed.indexOf(',', start);
        if (end < 0)
            end = trimmed.size();
        const QByteArrayView item = trimmed.sliced(start, end - start);
        start = end + 1;
        if (item.isEmpty())
            continue;  // "t=1,,v1=..." - harmless, and Stripe's libraries skip it too
        if (std::any_of(item.begin(), item.end(), isBlank))
            return malformed(u"it contains spaces or line breaks"_s);
        const qsizetype eq = item.indexOf('=');
        if (eq <= 0)
            return malformed(u"an item is not of the form key=value"_s);
        const QByteArrayView key = item.first(eq);
        const QByteArrayView value = item.sliced(eq + 1);
        if (key == "t") {
            if (haveTimestamp)
                return malformed(u"the timestamp (t) appears more than once"_s);
            const std::optional<qint64> t = parseTimestamp(value);
            if (!t)
                return malformed(u"the timestamp (t) is not a positive whole number of seconds"_s);
            parsed.timestamp = *t;
            haveTimestamp = true;
        } else if (key == "v1") {
            if (value.size() != HexSignatureLength || !std::all_of(value.begin(), value.end(), isLowerHex))
                return malformed(u"a v1 signature is not 64 lowercase hexadecimal characters"_s);
            parsed.v1.append(value.toByteArray());
        }
        // Any other scheme (v0 = Stripe's test-mode legacy, or a future one) is ignored on
        // purpose: only v1 is trusted, and new schemes must not break verification.
    }
    if (!haveTimestamp)
        return malformed(u"it has no timestamp (t)"_s);
    if (parsed.v1.isEmpty())
        return malformed(u"it has no v1 signature"_s);
    return parsed;
}

Status verifyStripeSignature(QByteArrayView rawBody, QByteArrayView header, QByteArrayView secret,
                             qint64 nowUnix, int toleranceSeconds)
{
    if (secret.isEmpty())
        return Error::internal(u"The Stripe webhook secret is not configured (STRIPE_WEBHOOK_SECRET)."_s);
    const Result<SignatureHeader> parsed = parseSignatureHeader(header);
    if (!parsed)
        return parsed.error();

    // The signature first, as Stripe's libraries do: a forged request is reported as forged
    // even when its timestamp is also stale.
    const std::optional<QByteArray> expected = signatureHex(rawBody, secret, parsed->timestamp);
    if (!expected)
        return Error::internal(u"Could not compute the webhook signature (OpenSSL failed)."_s);
    bool matched = false;
    for (const QByteArray &candidate : parsed->v1) {
        // CRYPTO_memcmp compares a fixed number of bytes, so lengths are checked first.
        if (candidate.size() == expected->size()
            && CRYPTO_memcmp(candidate.constData(), expected->constData(), size_t(expected->size())) == 0) {
            matched = true;
            break;
        }
    }
    if (!matched)
        return Error::forbidden(u"The webhook has no matching signature: it was not signed with this "
                                "endpoint's secret (check STRIPE_WEBHOOK_SECRET) or its body was changed "
                                "on the way."_s);

    const qint64 tolerance = qMax(0, toleranceSeconds);
    qint64 age = 0;
    if (qSubOverflow(nowUnix, parsed->timestamp, &age) || age > tolerance || age < -tolerance)
        return Error::forbidden(u"The webhook's timestamp is outside the %1-second tolerance: it may be a "
                                "replay, or this server's clock is wrong."_s.arg(tolerance));
    return {};
}

QByteArray signStripePayload(QByteArrayView body, QByteArrayView secret, qint64 t)
{
    const std::optional<QByteArray> hex = signatureHex(body, secret, t);
    if (!hex)
        return {};
    return "t=" + QByteArray::number(t) + ",v1=" + *hex;
}

} // namespace rdk::sync
