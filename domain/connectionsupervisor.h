#pragma once

#include "domain/backoff.h"
#include "domain/desksession.h"

#include <QObject>
#include <QTimer>

#include <chrono>

namespace rdk {

/// Delay before reconnect attempt `attempt` (1-based): `first`, doubling, capped at `cap` (Backoff).
std::chrono::milliseconds reconnectDelay(int attempt, std::chrono::milliseconds first = std::chrono::milliseconds(500),
                                         std::chrono::milliseconds cap = std::chrono::seconds(30));

/// Watches a DeskSession: when its connection drops it retries with exponential backoff
/// until the connection is back (or the account lost access) and reports each state, so a
/// banner can tell people what is going on while their unsaved work stays put.
class ConnectionSupervisor final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectionSupervisor)

public:
    enum class State { Connected, Reconnecting, NeedsCode, AccessRevoked };
    Q_ENUM(State)

    explicit ConnectionSupervisor(DeskSession &session, QObject *parent = nullptr);

    State state() const { return m_state; }
    /// Attempts made since the connection dropped.
    int attempts() const { return m_attempts; }
    /// Tests and impatient people: first delay and cap of the backoff.
    void setBackoff(std::chrono::milliseconds first, std::chrono::milliseconds cap);
    /// Try now instead of waiting for the next scheduled attempt.
    void retryNow();
    /// After verifySecondFactor() succeeded.
    void secondFactorVerified();

Q_SIGNALS:
    /// `message` is a sentence for the banner; empty when connected.
    void stateChanged(rdk::ConnectionSupervisor::State state, const QString &message);

private:
    void onConnectionLost();
    void attempt();
    void onReconnectFinished(ReconnectOutcome outcome);
    void setState(State state, const QString &message);

    DeskSession &m_session;
    QTimer m_timer;
    State m_state = State::Connected;
    int m_attempts = 0;
    bool m_attemptRunning = false;
    Backoff m_backoff{std::chrono::milliseconds(500), std::chrono::seconds(30)};
};

} // namespace rdk
