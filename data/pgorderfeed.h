#pragma once

#include "data/pgsession.h"
#include "domain/pos.h"

#include <QTimer>

#include <functional>
#include <memory>
#include <string>

namespace rdk::data {

/// LISTENs on rdk_orders (0003: new orders and status changes) and rdk_stripe_requests
/// (0010: payment-link and refund work) on a connection of its own inside the Qt event loop,
/// and turns the payloads of one shop into OrderChangeFeed signals. Payloads of other shops,
/// malformed or oversized ones are ignored. A lost connection is reported
/// (connectionChanged(false)) and retried with backoff (0.25 s doubling to 5 s); when it is
/// back, connectionChanged(true) tells the screens to re-read what they show. A connection
/// that died without closing its socket (a dropped network) is found by a ping every 15 s.
class PgOrderFeed final : public OrderChangeFeed {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PgOrderFeed)

public:
    /// Listens on sessions the connector opens (the desk's worker sessions: no password here).
    using Connector = std::function<Result<std::unique_ptr<PgSession>>()>;
    PgOrderFeed(Connector connector, QString tenantId, QObject *parent = nullptr);
    PgOrderFeed(std::string connectionString, QString tenantId, QObject *parent = nullptr);
    ~PgOrderFeed() override;

    /// Connects now; on failure keeps retrying in the background and returns false.
    bool start();
    bool isListening() const;
    /// The server process id of the listening connection (0 when not connected).
    int backendPid() const;

    /// Pings the server now (the timer does it every PingMs); a dead connection is reported
    /// and retried as if its socket had closed.
    void checkConnection();

    /// Parses one payload (exposed for tests of hostile payloads).
    void handle(const QString &channel, const QByteArray &payload);

    static constexpr int FirstRetryMs = 250;
    static constexpr int MaxRetryMs = 5000;
    static constexpr int PingMs = 15000;

private:
    struct State;
    bool connectAndListen();
    void drain();
    void lost(const QString &why);
    void scheduleRetry();

    std::string m_connectionString;
    Connector m_connector;
    QString m_tenantId;
    std::unique_ptr<State> m_state;
    QTimer m_retry;
    QTimer m_ping;
    int m_retryMs = FirstRetryMs;
    bool m_reportedUp = false;
};

} // namespace rdk::data
