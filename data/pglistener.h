#pragma once

#include "data/pgsession.h"
#include "domain/backoff.h"
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

/// The caller's shop's private channel for one kind of change ("catalog", "orders",
/// "stripe_requests", "dashboard"), as rdk.notify_channel (migration 0013) names it. The name
/// is checked to be a plain identifier before anyone LISTENs on it. Forbidden when the login
/// belongs to no shop. For a service login the session's tenant is set first.
Result<std::string> privateChannel(PgSession &session, const std::string &kind);

/// LISTENs on the signed-in shop's private channels for some kinds of change, over a
/// connection of its own, inside the Qt event loop (the socket wakes it; no polling), and hands
/// every notification on as a signal named by its kind (the channel name itself is a secret of
/// the shop). A notification is a wake-up, never a fact: its payload can be forged by any login
/// of the shop, so receivers re-read what it names. A lost connection is reported
/// (connectionChanged(false)) and retried with backoff, 0.25 s doubling to 5 s; when it is back,
/// connectionChanged(true) tells the owner that notifications sent meanwhile are gone. A
/// connection that died without closing its socket (a dropped network) is found by a ping every
/// 15 s. The change feeds of the desk are built on it.
class PgListener final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PgListener)

public:
    /// Opens the session to listen on (the desk's worker sessions: no password here).
    using Connector = std::function<Result<std::unique_ptr<PgSession>>()>;

    /// `kinds` are what privateChannel() takes; `what` names the feed in log lines ("order
    /// changes"). With a connector, the connection string is not used.
    PgListener(Connector connector, std::string connectionString, std::vector<std::string> kinds, QString what,
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
    /// How often checkConnection() runs by itself (PingMs unless set; rdk-sync pings every 5 s).
    void setPingInterval(int ms) { m_ping.setInterval(ms); }

    static constexpr int FirstRetryMs = 250;
    static constexpr int MaxRetryMs = 5000;
    static constexpr int PingMs = 15000;

Q_SIGNALS:
    /// `kind` is one of the kinds given to the constructor.
    void notification(const QString &kind, const QByteArray &payload);
    void connectionChanged(bool connected);

private:
    struct State;
    bool connectAndListen();
    void drain();
    void lost(const QString &why);
    void scheduleRetry();

    Connector m_connector;
    std::string m_connectionString;
    std::vector<std::string> m_kinds;
    QString m_what;
    std::unique_ptr<State> m_state;
    QTimer m_retry;
    QTimer m_ping;
    Backoff m_backoff{std::chrono::milliseconds(FirstRetryMs), std::chrono::milliseconds(MaxRetryMs)};
    bool m_reportedUp = false;
};

} // namespace rdk::data
