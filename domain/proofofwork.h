#pragma once

// A small proof of work that a shopper's browser solves before it may join a release's waiting
// room or enter its raffle (issue 15, ADR 0030). It costs an honest shopper a fraction of a
// second once, and makes a bot pay the same for every identity it wants to queue.
//
// challenge = <release uuid>.<issued unix s>.<bits>.<16 hex random>.<first 32 hex of
//             HMAC-SHA256(secret, the four fields joined by '.')>
// A solution is a decimal nonce such that SHA-256(challenge + ":" + nonce) starts with `bits`
// zero bits. A challenge is valid kChallengeLifetimeSeconds and used once (UsedChallenges).

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>
#include <QMutex>
#include <QString>

#include <deque>

namespace rdk {

inline constexpr int kChallengeLifetimeSeconds = 300;
/// The most a release may ask (26 bits is ~67 million hashes: a minute or more in a browser).
inline constexpr int kMaxProofOfWorkBits = 26;
/// A nonce is a decimal number of at most this many digits.
inline constexpr int kMaxNonceDigits = 20;
/// A challenge is ~110 bytes; anything much longer is not one.
inline constexpr int kMaxChallengeLength = 160;

/// Makes a challenge for `releaseId` (lower-case uuid text) at `issuedAt` (unix seconds).
/// `random` is 8 random bytes (written as 16 hex); `secret` the release's secret.
QByteArray makeChallenge(QByteArrayView secret, const QString &releaseId, qint64 issuedAt, int bits, QByteArrayView random);

/// Why a solved challenge was refused; Ok when it was accepted.
enum class ProofCheck {
    Ok,
    Missing,        ///< no challenge or no nonce
    Malformed,      ///< not five fields, not hex, nonce not decimal...
    OtherRelease,   ///< made for another release
    BadSignature,   ///< not made by us (or altered)
    Expired,        ///< older than kChallengeLifetimeSeconds, or from the future
    TooEasy,        ///< asks fewer bits than the release now asks
    WrongAnswer,    ///< the hash does not start with enough zero bits
    Reused,         ///< already used once in this process
};

/// A sentence a shopper can act on, for a refusal (empty for Ok).
QString proofCheckMessage(ProofCheck check);

/// The release id, issue time and bits written in a challenge (no check of its signature).
struct ChallengeFields final {
    QString releaseId;
    qint64 issuedAt = 0;
    int bits = 0;
};

/// Checks a solved challenge: shape, release, signature (constant time), age at `now` (unix s),
/// `minBits` and the solution. Does not remember it: pair with UsedChallenges::claim.
ProofCheck verifyProof(QByteArrayView secret, const QString &releaseId, int minBits, QByteArrayView challenge,
                       QByteArrayView nonce, qint64 now, ChallengeFields *fields = nullptr);

/// True when `digest` starts with at least `bits` zero bits.
bool hasLeadingZeroBits(QByteArrayView digest, int bits);

/// SHA-256(challenge + ":" + nonce): what the browser and the server both hash.
QByteArray proofDigest(QByteArrayView challenge, QByteArrayView nonce);

/// Solves a challenge by counting nonces from 0 (tests and tools; the browser does the same
/// in drop.js). Returns the nonce as decimal text, or empty when `maxTries` ran out.
QByteArray solveChallenge(QByteArrayView challenge, int bits, quint64 maxTries = 1ull << 32);

/// Challenges already used in this process, each remembered until it expires. Bounded: when
/// `capacity` unexpired challenges are held, claim() refuses (a flood must not grow memory
/// without limit). Thread-safe.
class UsedChallenges final {
public:
    explicit UsedChallenges(qsizetype capacity = 500'000) : m_capacity(capacity) {}

    enum class Claim { Fresh, Reused, Full };
    /// Remembers `challenge` (issued at `issuedAt`, unix s) if it is new. Expired entries are
    /// forgotten first, oldest first.
    Claim claim(QByteArrayView challenge, qint64 issuedAt, qint64 now);
    qsizetype size() const;

private:
    void forgetExpiredLocked(qint64 now);

    mutable QMutex m_mutex;
    QHash<QByteArray, qint64> m_used;               // signature part -> issued at
    std::deque<std::pair<qint64, QByteArray>> m_order;  // in claim order, for expiry
    qsizetype m_capacity;
};

} // namespace rdk
