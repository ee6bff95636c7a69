#pragma once

#include <QByteArray>
#include <QObject>
#include <QSet>
#include <QString>
#include <QTimer>

namespace rdk::sync {

class CatalogCache;

/// Turns the shop's catalog notices (migration 0013: `{"entity": "product" | "inventory" |
/// "image", "id": product id}` on the shop's private channel, and `{"entity": "shop"}` from
/// rdk.set_shop_settings) into cache invalidations.
///
/// A notice is a wake-up, not a fact: any login of the shop can send one. So a malformed or
/// unknown notice changes nothing, and a well-formed one drops only what it names: the pages
/// of that product (tagged productTag(id) when they were rendered) and the catalog lists, or
/// the pages rendered from the shop's settings (tagged shopTag(): its policy texts). The
/// pages are rendered again from the database, through row-level security, on the next read.
/// Notices are coalesced: the first one starts a short timer, and everything that arrives
/// meanwhile is applied at once, so a flood (forged or a bulk import) costs one pass over at
/// most MaxPending products, or one full flush when even more products were named.
class CatalogChanges final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CatalogChanges)

public:
    explicit CatalogChanges(CatalogCache &cache, int coalesceMs = 50, QObject *parent = nullptr);

    /// Takes one notice. False (and nothing changes) when it is not a catalog notice.
    bool notice(const QByteArray &payload);
    /// Applies what is pending now (the timer does this coalesceMs after the first notice).
    /// Returns how many cached answers were dropped.
    int flush();
    /// Products named since the last flush.
    qsizetype pendingProducts() const { return m_products.size(); }

    /// The tag of everything rendered from the product with this id.
    static QString productTag(const QString &productId);
    /// The tag of everything rendered from the shop's settings (the policy and contact pages).
    static QString shopTag();

    static constexpr qsizetype MaxPending = 1000;
    static constexpr qsizetype MaxPayload = 8000;   // PostgreSQL's own limit is 8000 bytes

Q_SIGNALS:
    /// A batch was applied: `products` named (0 after an overflow), `dropped` answers dropped,
    /// `everything` when the whole cache went because too many products were named.
    void flushed(int products, int dropped, bool everything);

private:
    /// Takes a product notice's entity and id: false (nothing taken) unless both are well-formed.
    bool addProduct(const QString &entity, const QString &id);

    CatalogCache &m_cache;
    QTimer m_timer;
    QSet<QString> m_products;
    bool m_shop = false;
    bool m_overflow = false;
};

} // namespace rdk::sync
