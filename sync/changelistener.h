#pragma once

#include <QByteArray>
#include <QObject>
#include <QStringList>
#include <QTimer>

#include <memory>
#include <string>

class QSocketNotifier;

namespace rdk::sync {

/// LISTENs to the database's change channels on its own connection, inside the Qt event loop
/// (a socket notifier on the connection, no polling). A dropped connection is retried with
/// backoff; after it comes back, reconnected() tells the owner that notifications may have
/// been missed, so everything cached must go.
class ChangeListener final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChangeListener)

public:
    ChangeListener(std::string connectionString, QStringList channels, QObject *parent = nullptr);
    ~ChangeListener() override;

    /// Connects now; returns false (and keeps retrying) when the database is down.
    bool start();
    bool isListening() const;

Q_SIGNALS:
    void notified(const QString &channel, const QByteArray &payload);
    void reconnected();
    void disconnected();

private:
    struct State;
    bool connectAndListen();
    void drain();
    void dropConnection();
    void scheduleReconnect();

    std::string m_connectionString;
    QStringList m_channels;
    std::unique_ptr<State> m_state;
    QTimer m_reconnectTimer;
    QTimer m_healthTimer;
    int m_backoffMs = 250;
    bool m_everConnected = false;
};

} // namespace rdk::sync
