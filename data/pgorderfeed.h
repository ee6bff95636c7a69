#pragma once

#include "data/pglistener.h"
#include "domain/pos.h"

#include <memory>
#include <string>

namespace rdk::data {

/// LISTENs on the signed-in shop's private "orders" (new orders and status changes) and
/// "stripe_requests" (payment-link and refund work) channels (migration 0013) through a
/// PgListener, and turns them into OrderChangeFeed signals naming the order. Nothing else is
/// taken from a payload: any login of the shop can send one, so the screens re-read the order.
/// Malformed or oversized payloads are ignored. A lost connection is reported
/// (connectionChanged(false)) and retried with backoff; when it is back, connectionChanged(true)
/// tells the screens to re-read what they show.
class PgOrderFeed final : public OrderChangeFeed {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PgOrderFeed)

public:
    /// Listens on sessions the connector opens (the desk's worker sessions: no password here).
    using Connector = PgListener::Connector;
    explicit PgOrderFeed(Connector connector, QObject *parent = nullptr);
    explicit PgOrderFeed(std::string connectionString, QObject *parent = nullptr);
    ~PgOrderFeed() override;

    /// Connects now; on failure keeps retrying in the background and returns false.
    bool start() { return m_listener->start(); }
    bool isListening() const { return m_listener->isListening(); }
    /// The server process id of the listening connection (0 when not connected).
    int backendPid() const { return m_listener->backendPid(); }
    /// Pings the server now (the listener does it every 15 s); a dead connection is reported
    /// and retried as if its socket had closed.
    void checkConnection() { m_listener->checkConnection(); }

    /// Parses one payload of `kind` ("orders" or "stripe_requests"; exposed for tests of
    /// hostile payloads).
    void handle(const QString &kind, const QByteArray &payload);

private:
    PgOrderFeed(Connector connector, std::string connectionString, QObject *parent);

    PgListener *m_listener;   // a child of this feed
};

} // namespace rdk::data
