#pragma once

#include "domain/storefront.h"

#include <QList>
#include <QMutex>

namespace rdk::sync {

/// Storefront views waiting to be written. A page view must not cost the shopper a database
/// commit, so handlers only append here, and a timer writes the batch in one statement. The
/// buffer is bounded: if the database is down for long, the oldest views are dropped (and
/// counted) rather than growing without limit; a view is analytics, not money.
class PageViewBuffer final {
public:
    explicit PageViewBuffer(qsizetype capacity = 100'000) : m_capacity(capacity) {}

    /// Thread-safe. Returns false when the view was dropped because the buffer is full.
    bool add(PageView view);
    /// Takes everything buffered (at most `max`), oldest first.
    QList<PageView> take(qsizetype max);
    /// Puts a batch that could not be written back in front, keeping the bound; returns how
    /// many views were dropped to stay within it.
    qsizetype putBack(QList<PageView> batch);
    qsizetype size() const;

private:
    mutable QMutex m_mutex;
    QList<PageView> m_views;
    qsizetype m_capacity;
};

} // namespace rdk::sync
