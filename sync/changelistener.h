#pragma once

#include <QByteArray>
#include <QObject>
#include <QStringList>
#include <QTimer>

#include <memory>
#include <string>

class QSocketNotifier;

namespace rdk::sync {

/// LISTENs to the shop's private change channels (migration 0013: rdk.notify_channel names
/// them, for the service login with `tenantId` set) on its own connection, inside the Qt event
/// loop (a socket notifier on the connection, no polling). Every notice is a wake-up only: a
/// login of the shop can forge one, so the owner re-reads what it names. A dropped connection
/// is retried with backoff; after it comes back, reconnected() tells the owner that
/// notifications may have been missed, so everything cached must go.
class ChangeListener final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChangeListener)

public:
    /// `kinds`: "catalog", "orders", "stripe_requests" (what rdk.notify_channel takes).
    ChangeListener(std::string connectionString, QString tenantId, QStringList kinds, QObject *parent = nullptr);
    ~ChangeListener() override;

    /// Connects now; returns false (and keeps retrying) when the database is down.
    bool start();
    bool isListening() const;

Q_SIGNALS:
    /// `kind` is one of the constructor's kinds.
    void notified(const QString &kind, const QByteArray &payload);
    void reconnected();
    void disconnected();

private:
    struct State;
    bool connectAndListen();
    void drain();
    void dropConnection();
    void scheduleReconnect();

    std::string m_connectionString;
    QString m_tenantId;
    QStringList m_kinds;
    std::unique_ptr<State> m_state;
    QTimer m_reconnectTimer;
    QTimer m_healthTimer;
    int m_backoffMs = 250;
    bool m_everConnected = false;
};

} // namespace rdk::sync
