#include "data/pgbacklog.h"

#include "data/pgsessionpqxx.h"

namespace rdk::data {

Result<BacklogSample> readBacklog(PgSession &session)
{
    // rdk-sync releases expired holds every few seconds (rdk.release_expired_reservations); a
    // hold 5 minutes past its expiry means that sweep is failing or can't release it.
    return session.transact([](pqxx::work &tx) -> Result<BacklogSample> {
        const auto row = tx.exec1(R"sql(
            SELECT (SELECT count(*) FROM public.stripe_requests WHERE state IN ('queued', 'working')),
                   (SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8
                      FROM public.stripe_requests WHERE state IN ('queued', 'working')),
                   (SELECT count(*) FROM public.mail_outbox WHERE state IN ('queued', 'sending')),
                   (SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8
                      FROM public.mail_outbox WHERE state IN ('queued', 'sending')),
                   (SELECT count(*) FROM public.stock_reservations
                     WHERE state = 'held' AND expires_at < now() - interval '5 minutes'))sql");
        BacklogSample s;
        s.stripeWaiting = row[0].as<qint64>();
        s.stripeOldestSeconds = row[1].as<double>();
        s.mailWaiting = row[2].as<qint64>();
        s.mailOldestSeconds = row[3].as<double>();
        s.reservationsStuck = row[4].as<qint64>();
        return s;
    });
}

} // namespace rdk::data
