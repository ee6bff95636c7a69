#include "ui/shell/inactivitywatcher.h"

#include <QCoreApplication>
#include <QEvent>

namespace rdk {

InactivityWatcher::InactivityWatcher(std::chrono::milliseconds timeout, QObject *parent)
    : QObject(parent), m_timeout(timeout)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &InactivityWatcher::idle);
    if (QCoreApplication::instance())
        QCoreApplication::instance()->installEventFilter(this);
}

InactivityWatcher::~InactivityWatcher()
{
    if (QCoreApplication::instance())
        QCoreApplication::instance()->removeEventFilter(this);
}

void InactivityWatcher::setTimeout(std::chrono::milliseconds timeout)
{
    m_timeout = timeout;
    if (m_timer.isActive())
        restart();
}

void InactivityWatcher::restart()
{
    m_timer.start(m_timeout);
}

void InactivityWatcher::stop()
{
    m_timer.stop();
}

bool InactivityWatcher::eventFilter(QObject *watched, QEvent *event)
{
    switch (event->type()) {
    case QEvent::KeyPress:
    case QEvent::MouseButtonPress:
    case QEvent::MouseMove:
    case QEvent::Wheel:
    case QEvent::TouchBegin:
    case QEvent::TabletPress:
        if (m_timer.isActive())
            m_timer.start(m_timeout);
        break;
    default:
        break;
    }
    return QObject::eventFilter(watched, event);
}

} // namespace rdk
