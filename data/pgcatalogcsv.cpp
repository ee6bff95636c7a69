#include "data/pgcatalogcsv.h"

#include "data/pgrepositories.h"
#include "domain/sizes.h"

#include <QHash>
#include <QSet>

using namespace Qt::Literals::StringLiterals;

namespace rdk::data {
namespace {

const QString kReason = u"CSV import"_s;

// Every element quoted, so the literal stays well-formed whatever the text.
std::string textArray(const QStringList &items)
{
    QString literal = u"{"_s;
    for (qsizetype i = 0; i < items.size(); ++i) {
        QString item = items[i];
        item.replace(u"\\"_s, u"\\\\"_s).replace(u"\""_s, u"\\\""_s);
        literal += (i ? u",\""_s : u"\""_s) + item + u"\""_s;
    }
    return (literal + u"}"_s).toStdString();
}

std::optional<std::string> optionalText(const QString &s)
{
    return s.isEmpty() ? std::nullopt : std::optional<std::string>(s.toStdString());
}

std::optional<std::string> sizeSystemText(const Product &p)
{
    return p.sizeSystem ? std::optional<std::string>(str(toString(*p.sizeSystem))) : std::nullopt;
}

// The shop the work is for: the given one (owner connections), else the signed-in staff's.
Result<std::pair<QString, QString>> resolveShop(pqxx::work &tx, const QString &tenantId)
{
    const auto rows = tx.exec_params(
        "SELECT id::text, currency FROM tenants WHERE id = coalesce(nullif($1, '')::uuid, rdk.current_tenant())",
        str(tenantId));
    if (rows.empty())
        return Error::forbidden(u"This login does not belong to a shop, so it cannot import or export its catalog."_s);
    return std::pair{text(rows[0][0]), text(rows[0][1]).trimmed()};
}

const char *const kColumns =
    "p.id::text, p.sku, p.name, p.brand, p.colorway, p.description, p.condition, coalesce(p.used_grade, ''), "
    "p.price_minor, p.currency, p.inventory_strategy, coalesce(p.size_system, ''), array_to_string(p.size_run, ';'), "
    "p.published, p.archived, p.version";

Product productFromRow(const pqxx::row &r, const QString &tenantId)
{
    Product p;
    p.id = text(r[0]);
    p.tenantId = tenantId;
    p.sku = text(r[1]);
    p.name = text(r[2]);
    p.brand = text(r[3]);
    p.colorway = text(r[4]);
    p.description = text(r[5]);
    p.condition = conditionFromString(text(r[6])).value_or(Condition::New);
    p.usedGrade = usedGradeFromString(text(r[7])).value_or(UsedGrade::None);
    p.price = Money::of(r[8].as<qint64>(), text(r[9]).trimmed()).value();
    p.inventoryStrategy = inventoryStrategyFromString(text(r[10])).value_or(InventoryStrategy::Flat);
    p.sizeSystem = sizeSystemFromString(text(r[11]));
    const QString run = text(r[12]);
    p.sizeRun = run.isEmpty() ? QStringList() : run.split(u';');
    p.published = r[13].as<bool>();
    p.archived = r[14].as<bool>();
    p.version = r[15].as<int>();
    return p;
}

bool sameFields(const Product &a, const Product &b)
{
    return a.sku == b.sku && a.name == b.name && a.brand == b.brand && a.colorway == b.colorway
        && a.description == b.description && a.condition == b.condition && a.usedGrade == b.usedGrade
        && a.price == b.price && a.inventoryStrategy == b.inventoryStrategy && a.sizeSystem == b.sizeSystem
        && a.sizeRun == b.sizeRun && a.published == b.published && a.archived == b.archived;
}

void updateFields(pqxx::work &tx, const QString &id, const Product &p)
{
    tx.exec_params(
        "UPDATE products SET name = $2, brand = $3, colorway = $4, description = $5, condition = $6, used_grade = $7, "
        "price_minor = $8, currency = $9, inventory_strategy = $10, size_system = $11, size_run = $12::text[], "
        "published = $13, archived = $14, version = version + 1 WHERE id = $1::uuid",
        str(id), str(p.name), str(p.brand), str(p.colorway), str(p.description), str(toString(p.condition)),
        optionalText(toString(p.usedGrade)), p.price.minor(), str(p.price.currency()),
        str(toString(p.inventoryStrategy)), sizeSystemText(p), textArray(p.sizeRun), p.published, p.archived);
}

/// Stock rows of existing products, keyed by product id then size ("" for flat).
using StockMap = QHash<QString, QHash<QString, SizeStock>>;

StockMap loadStock(pqxx::work &tx, const QStringList &productIds)
{
    StockMap map;
    if (productIds.isEmpty())
        return map;
    const auto rows = tx.exec_params(
        "SELECT product_id::text, coalesce(size, ''), quantity, reserved FROM inventory "
        "WHERE product_id = ANY($1::uuid[]) FOR UPDATE",
        textArray(productIds));
    for (const auto &r : rows)
        map[text(r[0])].insert(text(r[1]), SizeStock{text(r[1]), r[2].as<int>(), r[3].as<int>()});
    return map;
}

/// Brings one existing product's stock to the counts of the file. Rows the file no longer
/// covers (a size left out of the run, a switch between flat and per size) go to zero; none
/// may go below the units reserved for pending orders. Returns the number of rows changed.
Result<int> syncStock(pqxx::work &tx, const QString &tenantId, const QString &productId,
                      const QList<SizeStock> &wanted, const QHash<QString, SizeStock> &current)
{
    QHash<QString, int> target;
    for (const SizeStock &s : wanted)
        target.insert(s.size, s.quantity);
    for (auto it = current.cbegin(); it != current.cend(); ++it) {
        if (!target.contains(it.key()))
            target.insert(it.key(), 0);
    }
    int changed = 0;
    for (auto it = target.cbegin(); it != target.cend(); ++it) {
        const QString &size = it.key();
        const SizeStock existing = current.value(size, SizeStock{size, -1, 0});
        if (existing.quantity == it.value())
            continue;
        const QString label = size.isEmpty() ? u"the product"_s : u"size %1"_s.arg(size);
        if (it.value() < existing.reserved)
            return Error::invalid(u"%1 has %2 unit(s) held for pending orders; the count can't go below that"_s
                                      .arg(label).arg(existing.reserved),
                                  u"stock"_s);
        tx.exec_params(
            "INSERT INTO inventory (tenant_id, product_id, size, quantity) VALUES ($1::uuid, $2::uuid, $3, $4) "
            "ON CONFLICT ON CONSTRAINT inventory_product_size_unique DO UPDATE SET quantity = EXCLUDED.quantity",
            str(tenantId), str(productId), optionalText(size), it.value());
        ++changed;
    }
    return changed;
}

} // namespace

PgCatalogCsvStore::PgCatalogCsvStore(PgSession &session, QString tenantId)
    : m_session(session), m_tenantId(std::move(tenantId))
{
}

PgCatalogCsvStore::PgCatalogCsvStore(std::unique_ptr<PgSession> owned, QString tenantId)
    : m_owned(std::move(owned)), m_session(*m_owned), m_tenantId(std::move(tenantId))
{
}

Result<std::unique_ptr<CatalogCsvStore>> PgCatalogCsvStore::open(const std::string &connectionString, QString tenantId)
{
    auto session = PgSession::open(connectionString);
    if (!session)
        return session.error();
    return std::unique_ptr<CatalogCsvStore>(new PgCatalogCsvStore(std::move(session).value(), std::move(tenantId)));
}

Result<QString> PgCatalogCsvStore::shopCurrency()
{
    return m_session.transact([&](pqxx::work &tx) -> Result<QString> {
        auto shop = resolveShop(tx, m_tenantId);
        if (!shop)
            return shop.error();
        return shop->second;
    });
}

Result<CatalogImportSummary> PgCatalogCsvStore::apply(const CatalogCsvImport &import, bool dryRun,
                                                      const std::function<void(int, int)> &progress)
{
    if (!import.ok()) {
        const QList<CsvIssue> issues = import.allIssues();
        return Error::invalid(u"The file has %1 problem(s); nothing was imported. First: %2"_s.arg(issues.size()).arg(
            issues.isEmpty() ? QString() : issues.first().toString()));
    }
    return m_session.transact(
        [&](pqxx::work &tx) -> Result<CatalogImportSummary> {
            auto shop = resolveShop(tx, m_tenantId);
            if (!shop)
                return shop.error();
            const QString tenantId = shop->first;
            if (dryRun)
                tx.exec0("SAVEPOINT rdk_csv_dry_run");

            QStringList skus;
            for (const CatalogCsvRow &row : import.rows)
                skus.append(row.product->sku);
            QHash<QString, Product> existing;
            QStringList ids;
            for (const auto &r : tx.exec_params(std::string("SELECT ") + kColumns
                                                    + " FROM products p WHERE p.tenant_id = $1::uuid AND p.sku = ANY($2::text[]) FOR UPDATE",
                                                str(tenantId), textArray(skus))) {
                Product p = productFromRow(r, tenantId);
                ids.append(p.id);
                existing.insert(p.sku, std::move(p));
            }
            const StockMap stock = loadStock(tx, ids);

            CatalogImportSummary summary;
            summary.dryRun = dryRun;
            const int total = int(import.rows.size());
            for (int i = 0; i < total; ++i) {
                const CatalogCsvRow &row = import.rows[i];
                Product wanted = *row.product;
                wanted.tenantId = tenantId;
                const auto lineError = [&row](const Error &e) {
                    Error located = e;
                    located.message = u"line %1, %2: %3"_s.arg(row.line).arg(e.field.isEmpty() ? u"sku"_s : e.field, e.message);
                    return located;
                };
                try {
                    const auto found = existing.constFind(wanted.sku);
                    if (found == existing.cend()) {
                        auto created = PgProductRepository::insert(tx, wanted);
                        if (!created)
                            return lineError(created.error());
                        ++summary.created;
                        for (const SizeStock &s : wanted.stock)
                            summary.stockRowsChanged += s.quantity > 0 ? 1 : 0;
                    } else {
                        const bool fieldsChanged = !sameFields(*found, wanted);
                        if (fieldsChanged)
                            updateFields(tx, found->id, wanted);
                        auto changed = syncStock(tx, tenantId, found->id, wanted.stock, stock.value(found->id));
                        if (!changed)
                            return lineError(changed.error());
                        summary.stockRowsChanged += *changed;
                        (fieldsChanged || *changed > 0 ? summary.updated : summary.unchanged) += 1;
                    }
                } catch (const pqxx::sql_error &e) {
                    if (isRetryable(e))
                        throw;
                    return lineError(translatePgError(e));
                }
                if (progress && ((i + 1) % 100 == 0 || i + 1 == total))
                    progress(i + 1, total);
            }
            if (dryRun)
                tx.exec0("ROLLBACK TO SAVEPOINT rdk_csv_dry_run");
            return summary;
        },
        kReason);
}

Result<QList<Product>> PgCatalogCsvStore::exportProducts()
{
    return m_session.transact([&](pqxx::work &tx) -> Result<QList<Product>> {
        auto shop = resolveShop(tx, m_tenantId);
        if (!shop)
            return shop.error();
        const QString tenantId = shop->first;
        QList<Product> products;
        QHash<QString, qsizetype> indexOf;
        for (const auto &r : tx.exec_params(std::string("SELECT ") + kColumns
                                                + " FROM products p WHERE p.tenant_id = $1::uuid ORDER BY p.sku",
                                            str(tenantId))) {
            products.append(productFromRow(r, tenantId));
            indexOf.insert(products.last().id, products.size() - 1);
        }
        for (const auto &r : tx.exec_params(
                 "SELECT product_id::text, coalesce(size, ''), quantity, reserved FROM inventory WHERE tenant_id = $1::uuid",
                 str(tenantId))) {
            const qsizetype at = indexOf.value(text(r[0]), -1);
            if (at >= 0)
                products[at].stock.append(SizeStock{text(r[1]), r[2].as<int>(), r[3].as<int>()});
        }
        for (Product &p : products) {
            std::sort(p.stock.begin(), p.stock.end(),
                      [](const SizeStock &a, const SizeStock &b) { return compareSizes(a.size, b.size) < 0; });
        }
        return products;
    });
}

} // namespace rdk::data
