#include "domain/connectionsupervisor.h"

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace rdk {

std::chrono::milliseconds reconnectDelay(int attempt, std::chrono::milliseconds first, std::chrono::milliseconds cap)
{
    return Backoff(first, cap).delay(attempt);
}

ConnectionSupervisor::ConnectionSupervisor(DeskSession &session, QObject *parent)
    : QObject(parent), m_session(session)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &ConnectionSupervisor::attempt);
    connect(&m_session, &DeskSession::connectionLost, this, &ConnectionSupervisor::onConnectionLost);
    connect(&m_session, &DeskSession::reconnectFinished, this, &ConnectionSupervisor::onReconnectFinished);
}

void ConnectionSupervisor::setBackoff(std::chrono::milliseconds first, std::chrono::milliseconds cap)
{
    m_backoff = Backoff(first, cap);
}

void ConnectionSupervisor::retryNow()
{
    if (m_state == State::Reconnecting) {
        m_timer.stop();
        attempt();
    }
}

void ConnectionSupervisor::secondFactorVerified()
{
    if (m_state == State::NeedsCode)
        setState(State::Connected, {});
}

void ConnectionSupervisor::onConnectionLost()
{
    if (m_state == State::Reconnecting || m_state == State::AccessRevoked)
        return;
    m_attempts = 0;
    setState(State::Reconnecting, tr("The connection to the database was lost. Reconnecting… Nothing you typed is lost."));
    m_timer.start(m_backoff.delay(1));
}

void ConnectionSupervisor::attempt()
{
    if (m_attemptRunning)
        return;
    ++m_attempts;
    m_attemptRunning = true;
    m_session.requestReconnect();
}

void ConnectionSupervisor::onReconnectFinished(ReconnectOutcome outcome)
{
    m_attemptRunning = false;
    if (m_state != State::Reconnecting)
        return;
    switch (outcome) {
    case ReconnectOutcome::Restored:
        setState(State::Connected, {});
        return;
    case ReconnectOutcome::RestoredNeedsCode:
        setState(State::NeedsCode, tr("Reconnected. Enter a fresh two-factor code to save changes again."));
        return;
    case ReconnectOutcome::AccessRevoked:
        setState(State::AccessRevoked, tr("The database no longer accepts this sign-in. Save nothing more and sign in again."));
        return;
    case ReconnectOutcome::StillDown: {
        const auto delay = m_backoff.delay(m_attempts + 1);
        const qint64 seconds = std::max<qint64>(1, (delay.count() + 999) / 1000);
        setState(State::Reconnecting,
                 tr("The connection to the database was lost. Trying again in %n second(s)… Nothing you typed is lost.",
                    nullptr, int(seconds)));
        m_timer.start(delay);
        return;
    }
    }
}

void ConnectionSupervisor::setState(State state, const QString &message)
{
    m_state = state;
    Q_EMIT stateChanged(state, message);
}

} // namespace rdk
