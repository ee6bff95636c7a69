#include "data/pgshopsettings.h"

#include "data/pgfunctionerror.h"
#include "data/pgorderrows.h"
#include "data/pgsessionpqxx.h"
#include "data/pgvalues.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::Literals::StringLiterals;

namespace rdk::data {
namespace {

std::string compact(const QJsonValue &value)
{
    const QJsonDocument document = value.isArray() ? QJsonDocument(value.toArray()) : QJsonDocument(value.toObject());
    return document.toJson(QJsonDocument::Compact).toStdString();
}

} // namespace

Result<ShopSettings> PgShopSettings::load()
{
    return m_session->transact(
        [](pqxx::work &tx) -> Result<ShopSettings> {
            // One document (rdk.shop_settings_json, the same the audit records), so a shop
            // that never saved settings reads the defaults.
            const auto row = tx.exec1("SELECT rdk.shop_settings_json(t.id)::text, t.currency FROM tenants t "
                                      " WHERE t.id = rdk.current_tenant()");
            const QJsonObject json = QJsonDocument::fromJson(QByteArray::fromStdString(row[0].as<std::string>())).object();
            const QString currency = text(row[1]).trimmed();
            ShopSettings s;
            for (const QJsonValue &country : json.value(u"ship_countries"_s).toArray())
                s.shipCountries.append(country.toString());
            s.collectPhone = json.value(u"collect_phone"_s).toBool();
            s.stripeTax = json.value(u"stripe_tax"_s).toBool();
            s.shopAddress = json.value(u"shop_address"_s).toString();
            s.contactText = json.value(u"contact_text"_s).toString();
            s.shippingPolicy = json.value(u"shipping_policy"_s).toString();
            s.returnsPolicy = json.value(u"returns_policy"_s).toString();
            for (const QJsonValue &value : json.value(u"options"_s).toArray()) {
                const QJsonObject o = value.toObject();
                ShippingOption option;
                option.kind = shippingKindFromString(o.value(u"kind"_s).toString()).value_or(ShippingKind::Flat);
                option.label = o.value(u"label"_s).toString();
                option.amount = moneyOrZero(o.value(u"amount_minor"_s).toInteger(), currency);
                if (o.value(u"free_above_minor"_s).isDouble())
                    option.freeAbove = moneyOrZero(o.value(u"free_above_minor"_s).toInteger(), currency);
                option.active = o.value(u"active"_s).toBool(true);
                s.options.append(option);
            }
            return s;
        },
        u"shop settings"_s);
}

Status PgShopSettings::save(const ShopSettings &settings)
{
    QJsonArray countries;
    for (const QString &country : settings.shipCountries)
        countries.append(country);
    const QJsonObject document{{u"ship_countries"_s, countries},
                               {u"collect_phone"_s, settings.collectPhone},
                               {u"stripe_tax"_s, settings.stripeTax},
                               {u"shop_address"_s, settings.shopAddress},
                               {u"contact_text"_s, settings.contactText},
                               {u"shipping_policy"_s, settings.shippingPolicy},
                               {u"returns_policy"_s, settings.returnsPolicy}};
    QJsonArray options;
    for (const ShippingOption &option : settings.options) {
        QJsonObject o{{u"kind"_s, toString(option.kind)},
                      {u"label"_s, option.label},
                      {u"amount_minor"_s, option.amount.minor()},
                      {u"active"_s, option.active}};
        if (option.freeAbove)
            o.insert(u"free_above_minor"_s, option.freeAbove->minor());
        options.append(o);
    }
    return m_session->transact(
        [&](pqxx::work &tx) -> Status {
            return keepSentences(tx, [&](pqxx::work &tx) -> Status {
                tx.exec_params("SELECT rdk.set_shop_settings($1::jsonb, $2::jsonb)", compact(document), compact(options));
                return {};
            });
        },
        u"shop settings"_s);
}

} // namespace rdk::data
