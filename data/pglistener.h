#pragma once

#include "data/pgsession.h"
#include "domain/result.h"

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QTimer>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace rdk::data {

/// LISTENs on some channels over a connection of its own, inside the Qt event loop (the
/// socket wakes it; no polling), and hands every notification on as a signal. A lost
/// connection is reported (connectionChanged(false)) and retried with backoff, 0.25 s doubling
/// to 5 s; when it is back, connectionChanged(true) tells the owner that notifications sent
/// meanwhile are gone. A connection that died without closing its socket (a dropped network)
/// is found by a ping every 15 s. The change feeds of the desk are built on it.
class PgListener final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PgListener)

public:
    /// Opens the session to listen on (the desk's worker sessions: no password here).
    using Connector = std::function<Result<std::unique_ptr<PgSession>>()>;

    /// `what` names the feed in log lines ("order changes"). With a connector, the connection
    /// string is not used.
    PgListener(Connector connector, std::string connectionString, std::vector<std::string> channels, QString what,
               QObject *parent = nullptr);
    ~PgListener() override;

    /// Connects now; on failure keeps retrying in the background and returns false.
    bool start();
    bool isListening() const;
    /// The server process id of the listening connection (0 when not connected).
    int backendPid() const;
    /// Pings the server now (the timer does it every PingMs); a dead connection is reported
    /// and retried as if its socket had closed.
    void checkConnection();

    static constexpr int FirstRetryMs = 250;
    static constexpr int MaxRetryMs = 5000;
    static constexpr int PingMs = 15000;

Q_SIGNALS:
    void notification(const QString &channel, const QByteArray &payload);
    void connectionChanged(bool connected);

private:
    struct State;
    bool connectAndListen();
    void drain();
    void lost(const QString &why);
    void scheduleRetry();

    Connector m_connector;
    std::string m_connectionString;
    std::vector<std::string> m_channels;
    QString m_what;
    std::unique_ptr<State> m_state;
    QTimer m_retry;
    QTimer m_ping;
    int m_retryMs = FirstRetryMs;
    bool m_reportedUp = false;
};

} // namespace rdk::data
