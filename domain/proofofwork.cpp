#include "domain/proofofwork.h"

#include <QCryptographicHash>
#include <QMessageAuthenticationCode>
#include <QMutexLocker>
#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace rdk {
namespace {

constexpr int kSignatureHex = 32;

QByteArray signatureFor(QByteArrayView secret, QByteArrayView signedPart)
{
    return QMessageAuthenticationCode::hash(signedPart.toByteArray(), secret.toByteArray(), QCryptographicHash::Sha256)
        .toHex()
        .left(kSignatureHex);
}

// Compares without stopping at the first difference, so the time taken says nothing about
// how much of a forged signature was right.
bool sameBytes(QByteArrayView a, QByteArrayView b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

bool isLowerHex(QByteArrayView text)
{
    for (const char c : text)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    return true;
}

bool isDecimal(QByteArrayView text)
{
    if (text.isEmpty())
        return false;
    for (const char c : text)
        if (c < '0' || c > '9')
            return false;
    return true;
}

} // namespace

QByteArray makeChallenge(QByteArrayView secret, const QString &releaseId, qint64 issuedAt, int bits, QByteArrayView random)
{
    const QByteArray signedPart = releaseId.toLatin1() + '.' + QByteArray::number(issuedAt) + '.' + QByteArray::number(bits)
        + '.' + random.toByteArray().toHex();
    return signedPart + '.' + signatureFor(secret, signedPart);
}

QString proofCheckMessage(ProofCheck check)
{
    switch (check) {
    case ProofCheck::Ok: return {};
    case ProofCheck::Missing:
        return u"Your browser didn't send the check that lets it join. Please reload the page and try again "
               "(JavaScript must be on)."_s;
    case ProofCheck::Malformed:
    case ProofCheck::BadSignature:
    case ProofCheck::OtherRelease:
        return u"That check isn't one we gave out for this release. Please reload the page and try again."_s;
    case ProofCheck::Expired: return u"That check has expired (it lasts 5 minutes). Please reload the page and try again."_s;
    case ProofCheck::TooEasy:
        return u"This release now asks your browser for a longer check. Please reload the page and try again."_s;
    case ProofCheck::WrongAnswer: return u"Your browser's answer to the check isn't right. Please reload the page and try again."_s;
    case ProofCheck::Reused: return u"That check was already used. Please reload the page and try again."_s;
    }
    return {};
}

bool hasLeadingZeroBits(QByteArrayView digest, int bits)
{
    if (bits < 0 || bits > digest.size() * 8)
        return false;
    const int whole = bits / 8;
    for (int i = 0; i < whole; ++i)
        if (digest[i] != 0)
            return false;
    const int rest = bits % 8;
    if (rest == 0)
        return true;
    const auto next = static_cast<unsigned char>(digest[whole]);
    return (next >> (8 - rest)) == 0;
}

QByteArray proofDigest(QByteArrayView challenge, QByteArrayView nonce)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(challenge);
    hash.addData(":");
    hash.addData(nonce);
    return hash.result();
}

ProofCheck verifyProof(QByteArrayView secret, const QString &releaseId, int minBits, QByteArrayView challenge,
                       QByteArrayView nonce, qint64 now, ChallengeFields *fields)
{
    if (challenge.isEmpty() || nonce.isEmpty())
        return ProofCheck::Missing;
    if (challenge.size() > kMaxChallengeLength || nonce.size() > kMaxNonceDigits || !isDecimal(nonce))
        return ProofCheck::Malformed;
    const QList<QByteArray> parts = challenge.toByteArray().split('.');
    if (parts.size() != 5)
        return ProofCheck::Malformed;
    static const QRegularExpression uuidPattern(u"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"_s);
    const QString release = QString::fromLatin1(parts[0]);
    bool issuedOk = false;
    bool bitsOk = false;
    const qint64 issuedAt = isDecimal(parts[1]) && parts[1].size() <= 12 ? parts[1].toLongLong(&issuedOk) : 0;
    const int bits = isDecimal(parts[2]) && parts[2].size() <= 2 ? parts[2].toInt(&bitsOk) : -1;
    if (!uuidPattern.match(release).hasMatch() || !issuedOk || !bitsOk || bits > kMaxProofOfWorkBits
        || parts[3].size() != 16 || !isLowerHex(parts[3]) || parts[4].size() != kSignatureHex || !isLowerHex(parts[4]))
        return ProofCheck::Malformed;
    if (fields)
        *fields = ChallengeFields{release, issuedAt, bits};
    if (release != releaseId)
        return ProofCheck::OtherRelease;
    const QByteArrayView signedPart = challenge.first(challenge.size() - kSignatureHex - 1);
    if (!sameBytes(signatureFor(secret, signedPart), parts[4]))
        return ProofCheck::BadSignature;
    // A few seconds of clock difference between processes are allowed into the future.
    if (issuedAt > now + 5 || now - issuedAt > kChallengeLifetimeSeconds)
        return ProofCheck::Expired;
    if (bits < minBits)
        return ProofCheck::TooEasy;
    if (!hasLeadingZeroBits(proofDigest(challenge, nonce), bits))
        return ProofCheck::WrongAnswer;
    return ProofCheck::Ok;
}

QByteArray solveChallenge(QByteArrayView challenge, int bits, quint64 maxTries)
{
    for (quint64 nonce = 0; nonce < maxTries; ++nonce) {
        const QByteArray text = QByteArray::number(nonce);
        if (hasLeadingZeroBits(proofDigest(challenge, text), bits))
            return text;
    }
    return {};
}

UsedChallenges::Claim UsedChallenges::claim(QByteArrayView challenge, qint64 issuedAt, qint64 now)
{
    // The signature part identifies a challenge: it covers every other field.
    const QByteArray key = challenge.last(std::min<qsizetype>(challenge.size(), kSignatureHex)).toByteArray();
    const QMutexLocker lock(&m_mutex);
    forgetExpiredLocked(now);
    if (m_used.contains(key))
        return Claim::Reused;
    if (m_used.size() >= m_capacity)
        return Claim::Full;
    m_used.insert(key, issuedAt);
    m_order.emplace_back(issuedAt, key);
    return Claim::Fresh;
}

qsizetype UsedChallenges::size() const
{
    const QMutexLocker lock(&m_mutex);
    return m_used.size();
}

void UsedChallenges::forgetExpiredLocked(qint64 now)
{
    // Claim order is roughly issue order; an entry behind a younger one waits for it, which
    // only keeps it a little longer than needed. A forgotten challenge is expired, so it can
    // never be accepted again anyway.
    while (!m_order.empty() && now - m_order.front().first > kChallengeLifetimeSeconds + 5) {
        m_used.remove(m_order.front().second);
        m_order.pop_front();
    }
}

} // namespace rdk
