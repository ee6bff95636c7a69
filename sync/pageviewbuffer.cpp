#include "sync/pageviewbuffer.h"

#include <QMutexLocker>

namespace rdk::sync {

bool PageViewBuffer::add(PageView view)
{
    QMutexLocker lock(&m_mutex);
    if (m_views.size() >= m_capacity)
        return false;
    m_views.append(std::move(view));
    return true;
}

QList<PageView> PageViewBuffer::take(qsizetype max)
{
    QMutexLocker lock(&m_mutex);
    if (m_views.size() <= max)
        return std::exchange(m_views, {});
    QList<PageView> batch = m_views.first(max);
    m_views.remove(0, max);
    return batch;
}

qsizetype PageViewBuffer::putBack(QList<PageView> batch)
{
    QMutexLocker lock(&m_mutex);
    batch.append(std::move(m_views));
    const qsizetype excess = std::max<qsizetype>(0, batch.size() - m_capacity);
    if (excess > 0)
        batch.remove(0, excess);   // the oldest go first
    m_views = std::move(batch);
    return excess;
}

qsizetype PageViewBuffer::size() const
{
    QMutexLocker lock(&m_mutex);
    return m_views.size();
}

} // namespace rdk::sync
