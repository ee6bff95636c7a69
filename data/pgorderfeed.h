#pragma once

#include "data/pglistener.h"
#include "domain/pos.h"

#include <memory>
#include <string>

namespace rdk::data {

/// LISTENs on rdk_orders (0003: new orders and status changes) and rdk_stripe_requests
/// (0010: payment-link and refund work) through a PgListener, and turns the payloads of one
/// shop into OrderChangeFeed signals. Payloads of other shops, malformed or oversized ones are
/// ignored. A lost connection is reported (connectionChanged(false)) and retried with backoff;
/// when it is back, connectionChanged(true) tells the screens to re-read what they show.
class PgOrderFeed final : public OrderChangeFeed {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PgOrderFeed)

public:
    /// Listens on sessions the connector opens (the desk's worker sessions: no password here).
    using Connector = PgListener::Connector;
    PgOrderFeed(Connector connector, QString tenantId, QObject *parent = nullptr);
    PgOrderFeed(std::string connectionString, QString tenantId, QObject *parent = nullptr);
    ~PgOrderFeed() override;

    /// Connects now; on failure keeps retrying in the background and returns false.
    bool start() { return m_listener->start(); }
    bool isListening() const { return m_listener->isListening(); }
    /// The server process id of the listening connection (0 when not connected).
    int backendPid() const { return m_listener->backendPid(); }
    /// Pings the server now (the listener does it every 15 s); a dead connection is reported
    /// and retried as if its socket had closed.
    void checkConnection() { m_listener->checkConnection(); }

    /// Parses one payload (exposed for tests of hostile payloads).
    void handle(const QString &channel, const QByteArray &payload);

private:
    PgOrderFeed(Connector connector, std::string connectionString, QString tenantId, QObject *parent);

    QString m_tenantId;
    PgListener *m_listener;   // a child of this feed
};

} // namespace rdk::data
