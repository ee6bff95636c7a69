#pragma once

#include "sync/sandbox/httpmessage.h"

#include <QByteArray>
#include <QHash>
#include <QString>

#include <deque>
#include <functional>

namespace rdk::sandbox {

/// Stripe's idempotent requests: the first response to a key is kept for 24 hours and
/// replayed for a retry with the same parameters; the same key with other parameters is an
/// error. Keys are scoped to the API key that sent them, as at Stripe.
class IdempotencyStore final {
public:
    using Clock = std::function<qint64()>;  ///< unix seconds

    static constexpr qint64 kTtlSeconds = 24 * 60 * 60;
    /// Bounds memory in a long demo run; the oldest entries go first.
    static constexpr qsizetype kMaxEntries = 20'000;

    explicit IdempotencyStore(Clock clock = {});

    enum class Outcome { Miss, Replay, Mismatch };
    struct Lookup final {
        Outcome outcome = Outcome::Miss;
        HttpResponse response;  ///< the stored response for Replay
    };

    /// `fingerprint` identifies the request: method, path and canonical parameters.
    Lookup find(const QString &scope, const QString &key, const QByteArray &fingerprint);
    void store(const QString &scope, const QString &key, const QByteArray &fingerprint, const HttpResponse &response);
    qsizetype size() const { return m_entries.size(); }

private:
    struct Entry final {
        QByteArray fingerprint;
        HttpResponse response;
        qint64 storedAt = 0;
    };
    void prune();

    Clock m_clock;
    QHash<QString, Entry> m_entries;
    /// Entry keys in the order they were stored, so pruning only ever looks at the oldest.
    std::deque<std::pair<qint64, QString>> m_order;
};

} // namespace rdk::sandbox
