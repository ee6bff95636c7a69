#pragma once

#include "data/pgsession.h"

#include <QDateTime>

#include <functional>

namespace rdk::data {

struct SeedReport final {
    int products = 0;
    int images = 0;
    int orders = 0;
    bool alreadySeeded = false;
};

/// Fills a shop with the demo catalog, generated product photos and a few weeks of orders.
/// Runs as the owner in one transaction: all or nothing. A shop that already has products is
/// left alone, so running it twice is safe.
class DemoSeeder final {
public:
    explicit DemoSeeder(PgSession &session) : m_session(session) {}
    Result<SeedReport> seed(const QString &tenantSlug, const QDateTime &now,
                            const std::function<void(const QString &)> &progress = {});

private:
    PgSession &m_session;
};

} // namespace rdk::data
