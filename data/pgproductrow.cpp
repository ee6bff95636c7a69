#include "data/pgproductrow.h"

#include "data/pgorderrows.h"
#include "data/pgsessionpqxx.h"
#include "data/pgsessionpqxx.h"
#include "data/pgvalues.h"

#include "domain/sizes.h"

namespace rdk::data {

Product productFromRow(const pqxx::row &r)
{
    Product p;
    p.id = text(r[0]);
    p.tenantId = text(r[1]);
    p.sku = text(r[2]);
    p.name = text(r[3]);
    p.brand = text(r[4]);
    p.colorway = text(r[5]);
    p.description = text(r[6]);
    p.condition = conditionFromString(text(r[7])).value_or(Condition::New);
    p.usedGrade = usedGradeFromString(text(r[8])).value_or(UsedGrade::None);
    p.price = moneyOrZero(r[9].as<qint64>(), text(r[10]).trimmed());
    p.inventoryStrategy = inventoryStrategyFromString(text(r[11])).value_or(InventoryStrategy::Flat);
    p.sizeSystem = sizeSystemFromString(text(r[12]));
    const QString run = text(r[13]);
    p.sizeRun = run.isEmpty() ? QStringList() : run.split(u',');
    p.published = r[14].as<bool>();
    p.archived = r[15].as<bool>();
    p.version = r[16].as<int>();
    p.createdAt = fromMillis(r[17]);
    p.updatedAt = fromMillis(r[18]);
    static_assert(kProductColumnCount == 19, "productFromRow reads every column of kProductColumns");
    return p;
}

} // namespace rdk::data
