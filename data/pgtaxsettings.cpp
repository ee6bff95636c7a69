#include "data/pgtaxsettings.h"

#include "data/pgfunctionerror.h"
#include "data/pgsessionpqxx.h"
#include "data/pgtaxrows.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::Literals::StringLiterals;

namespace rdk::data {

TaxSettings readTaxSettings(pqxx::work &tx)
{
    TaxSettings settings;
    const auto shop = tx.exec("SELECT prices_include_tax FROM tenants WHERE id = rdk.current_tenant()");
    settings.pricesIncludeTax = !shop.empty() && shop[0][0].as<bool>();
    const auto rows = tx.exec(
        "SELECT name, (rate_percent * 10000)::bigint, active FROM tax_rates "
        " WHERE tenant_id = rdk.current_tenant() ORDER BY position");
    for (const auto &r : rows)
        settings.rates.append({text(r[0]), r[1].as<qint64>(), r[2].as<bool>()});
    return settings;
}

Result<TaxSettings> PgTaxSettings::load()
{
    return m_session->transact([](pqxx::work &tx) -> Result<TaxSettings> { return readTaxSettings(tx); },
                               u"tax settings"_s);
}

Status PgTaxSettings::save(const TaxSettings &settings)
{
    auto rates = checkTaxRates(settings.rates);
    if (!rates)
        return rates.error();
    QJsonArray list;
    for (const TaxRate &rate : *rates)
        list.append(QJsonObject{{u"name"_s, rate.name},
                                {u"rate_percent"_s, taxRatePercentText(rate.ppm)},
                                {u"active"_s, rate.active}});
    const std::string json = QJsonDocument(list).toJson(QJsonDocument::Compact).toStdString();
    return m_session->transact(
        [&](pqxx::work &tx) -> Status {
            return keepSentences(tx, [&](pqxx::work &tx) -> Status {
                tx.exec_params("SELECT rdk.set_tax_settings($1, $2::jsonb)", settings.pricesIncludeTax, json);
                return {};
            });
        },
        u"tax settings"_s);
}

} // namespace rdk::data
