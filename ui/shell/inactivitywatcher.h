#pragma once

#include <QObject>
#include <QTimer>

#include <chrono>

namespace rdk {

/// Notices when nobody has touched the application for a while: an application-wide event
/// filter restarts a timer on every key, mouse, wheel or touch input to any window.
class InactivityWatcher final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(InactivityWatcher)

public:
    explicit InactivityWatcher(std::chrono::milliseconds timeout, QObject *parent = nullptr);
    ~InactivityWatcher() override;

    void setTimeout(std::chrono::milliseconds timeout);
    std::chrono::milliseconds timeout() const { return m_timeout; }
    /// Starts (or restarts) counting from now.
    void restart();
    void stop();

Q_SIGNALS:
    void idle();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    std::chrono::milliseconds m_timeout;
    QTimer m_timer;
};

} // namespace rdk
