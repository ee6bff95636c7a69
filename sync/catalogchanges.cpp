#include "sync/catalogchanges.h"

#include "sync/catalogcache.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QUuid>

using namespace Qt::Literals::StringLiterals;

namespace rdk::sync {

CatalogChanges::CatalogChanges(CatalogCache &cache, int coalesceMs, QObject *parent) : QObject(parent), m_cache(cache)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(coalesceMs);
    connect(&m_timer, &QTimer::timeout, this, &CatalogChanges::flush);
}

QString CatalogChanges::productTag(const QString &productId)
{
    return u"product-id:"_s + productId;
}

QString CatalogChanges::shopTag()
{
    return u"shop-settings"_s;
}

bool CatalogChanges::notice(const QByteArray &payload)
{
    if (payload.size() > MaxPayload)
        return false;
    const QJsonObject o = QJsonDocument::fromJson(payload).object();
    const QString entity = o.value(u"entity"_s).toString();
    if (entity == u"shop"_s && o.size() == 1)
        m_shop = true;   // the shop's settings: the channel is the shop's own, nothing to name
    else if (!addProduct(entity, o.value(u"id"_s).toString()))
        return false;
    if (!m_timer.isActive())
        m_timer.start();
    return true;
}

bool CatalogChanges::addProduct(const QString &entity, const QString &id)
{
    if (entity != u"product"_s && entity != u"inventory"_s && entity != u"image"_s)
        return false;
    // The id as the database writes it (lowercase, hyphenated), so it matches the tag of the
    // rendered page and nothing else.
    if (id.size() != 36 || QUuid::fromString(id).isNull() || QUuid::fromString(id).toString(QUuid::WithoutBraces) != id)
        return false;
    if (!m_overflow) {
        m_products.insert(id);
        if (m_products.size() > MaxPending) {
            m_overflow = true;
            m_products.clear();
        }
    }
    return true;
}

int CatalogChanges::flush()
{
    m_timer.stop();
    if (!m_overflow && m_products.isEmpty() && !m_shop)
        return 0;
    int dropped = m_shop ? m_cache.invalidateTag(shopTag()) : 0;
    const int products = int(m_products.size());
    const bool everything = m_overflow;
    if (everything) {
        dropped += m_cache.invalidateAll();
    } else if (products > 0) {
        // Lists show prices, stock and what is published: any product change may touch them.
        dropped += m_cache.invalidateTag(u"catalog"_s);
        for (const QString &id : std::as_const(m_products))
            dropped += m_cache.invalidateTag(productTag(id));
    }
    m_products.clear();
    m_shop = false;
    m_overflow = false;
    Q_EMIT flushed(everything ? 0 : products, dropped, everything);
    return dropped;
}

} // namespace rdk::sync
