#include "data/pglabelsource.h"

#include "data/pgrepositories.h"
#include "data/pgsessionpqxx.h"
#include "data/pgvalues.h"

#include <QHash>

namespace rdk::data {

Result<QList<Product>> PgLabelSource::products(const QStringList &ids)
{
    return PgProductRepository(m_session).findByIds(ids);
}

Result<QList<LabelRequest>> PgLabelSource::receivedSince(const QDateTime &since)
{
    struct Received {
        QString productId;
        QString size;
        int units = 0;
    };
    auto received = m_session.transact([&](pqxx::work &tx) -> Result<QList<Received>> {
        QList<Received> rows;
        for (const auto &r : tx.exec_params("SELECT product_id::text, coalesce(size, ''), units FROM rdk.received_since($1::timestamptz) "
                                            "ORDER BY product_id, size",
                                            str(since.toUTC().toString(Qt::ISODateWithMs))))
            rows.append({text(r[0]), text(r[1]), r[2].as<int>()});
        return rows;
    });
    if (!received)
        return received.error();
    QStringList ids;
    for (const Received &r : std::as_const(*received))
        ids.append(r.productId);
    ids.removeDuplicates();
    auto found = products(ids);
    if (!found)
        return found.error();
    QHash<QString, Product> byId;
    for (const Product &p : std::as_const(*found))
        byId.insert(p.id, p);
    QList<LabelRequest> requests;
    for (const Received &r : std::as_const(*received)) {
        if (byId.contains(r.productId))
            requests.append({byId.value(r.productId), r.size, r.units});
    }
    return requests;
}

} // namespace rdk::data
