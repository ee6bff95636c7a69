#include "tests/support/e2efixture.h"

#include "data/media/imagepipeline.h"
#include "data/media/placeholdersneaker.h"
#include "data/pgimagestore.h"
#include "data/pgrepositories.h"
#include "data/pgsession.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

namespace rdk::test {

QString seedProduct(TestDatabase &db, const ProductSeed &seed, QString *error)
{
    auto fail = [error](const QString &why) {
        if (error)
            *error = why;
        return QString();
    };
    auto owner = data::PgSession::open(db.ownerUrl());
    if (!owner)
        return fail(owner.error().message);
    Product p;
    p.tenantId = seed.tenantId;
    p.sku = seed.sku;
    p.name = seed.name.isEmpty() ? u"Jordan 1 "_s + seed.sku : seed.name;
    p.brand = u"Nike"_s;
    p.colorway = seed.colorway.isEmpty() ? u"Chicago"_s : seed.colorway;
    p.price = Money::of(seed.priceMinor, u"USD"_s).value();
    if (seed.flatStock) {
        p.inventoryStrategy = InventoryStrategy::Flat;
        p.stock = {{QString(), *seed.flatStock, 0}};
    } else {
        p.inventoryStrategy = InventoryStrategy::PerSize;
        p.sizeSystem = SizeSystem::Mens;
        p.sizeRun = {u"9"_s, u"10"_s};
        p.stock = {{u"9"_s, 0, 0}, {u"10"_s, seed.size10, 0}};
    }
    p.published = seed.published;
    QString id;
    const Status done = (*owner)->transact([&](pqxx::work &tx) -> Status {
        auto created = data::PgProductRepository::insert(tx, p);
        if (!created)
            return created.error();
        id = created->id;
        if (seed.photoSeed) {
            auto processed = processProductImage(
                encodeJpeg(renderPlaceholderSneaker(*seed.photoSeed, seed.photoWidth, seed.photoHeight)), seed.sku, u"p.jpg"_s);
            if (!processed)
                return processed.error();
            if (auto attached = data::PgImageStore::attach(tx, created->id, *processed, true); !attached)
                return attached.error();
        }
        return {};
    });
    return done.ok() ? id : fail(done.error().message);
}

namespace {

/// The deliveries the sandbox made of one event so far (automatic tries and resends).
QJsonArray deliveriesOf(QNetworkAccessManager &nam, const ServiceProcess &sandbox, const QString &eventId)
{
    const QJsonArray events = httpRequest(nam, "GET", sandbox.url(u"/_sandbox/events"_s)).json().value(u"data"_s).toArray();
    for (const QJsonValue &e : events) {
        if (e.toObject().value(u"id"_s).toString() == eventId)
            return e.toObject().value(u"deliveries"_s).toArray();
    }
    return {};
}

} // namespace

int resendEventAndWait(QNetworkAccessManager &nam, const ServiceProcess &sandbox, const QString &eventId, int timeoutMs)
{
    const qsizetype before = deliveriesOf(nam, sandbox, eventId).size();
    if (httpRequest(nam, "POST", sandbox.url(u"/_sandbox/events/%1/resend"_s.arg(eventId))).status != 200)
        return 0;
    // The sandbox records a delivery once the receiver has answered it (or given up on it).
    QJsonArray after;
    if (!QTest::qWaitFor([&] { return (after = deliveriesOf(nam, sandbox, eventId)).size() > before; }, timeoutMs))
        return 0;
    return after.last().toObject().value(u"status"_s).toInt();
}

} // namespace rdk::test
