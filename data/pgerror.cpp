#include "data/pgerror.h"

#include "data/pgtlserror.h"

#include <QHash>
#include <QLoggingCategory>

#include <pqxx/except>

using namespace Qt::Literals::StringLiterals;

Q_LOGGING_CATEGORY(lcPg, "rdk.data.pg")

namespace rdk::data {
namespace {

// Constraint name -> what it means for the person who tripped it.
const QHash<QString, Error> &constraintMessages()
{
    static const QHash<QString, Error> messages = {
        {u"products_sku_unique"_s, Error::conflict(u"A product with this SKU already exists."_s)},
        {u"products_sku_format"_s, Error::invalid(u"The SKU may only use capital letters, digits and dashes (3 to 40)."_s, u"sku"_s)},
        {u"products_price_nonnegative"_s, Error::invalid(u"The price must not be negative."_s, u"price"_s)},
        {u"inventory_quantity_nonnegative"_s, Error::outOfStock(u"Not enough stock: stock can't go below zero."_s)},
        {u"inventory_reserved_within_stock"_s, Error::outOfStock(u"Not enough stock available: the rest is reserved for pending orders."_s)},
        {u"inventory_product_size_unique"_s, Error::conflict(u"This size is already listed for the product."_s)},
        {u"inventory_gtin_unique"_s,
         Error{ErrorCode::Conflict, u"This box barcode is already on another product or size in this shop."_s, u"gtin"_s}},
        {u"inventory_gtin_format"_s, Error::invalid(u"A box barcode has 12 digits (UPC-A) or 13 (EAN-13)."_s, u"gtin"_s)},
        {u"inventory_gtin_check_digit"_s, Error::invalid(u"The box barcode has a wrong check digit; check for a typo."_s, u"gtin"_s)},
        {u"tenants_slug_key"_s, Error::conflict(u"A shop with this slug already exists."_s)},
        {u"tenants_slug_format"_s, Error::invalid(u"The shop slug may use lowercase letters, digits and dashes (2 to 40)."_s, u"slug"_s)},
        {u"tenants_currency_format"_s, Error::invalid(u"The currency must be a three-letter ISO code such as USD."_s, u"currency"_s)},
        {u"profiles_db_role_key"_s, Error::conflict(u"A staff member with this login already exists."_s)},
        {u"product_images_unique_content"_s, Error::conflict(u"This photo is already attached to the product."_s)},
        {u"order_items_quantity_range"_s, Error::invalid(u"A line's quantity must be between 1 and 100."_s, u"quantity"_s)},
        {u"stripe_events_pkey"_s, Error::conflict(u"This Stripe event was already processed."_s)},
        // Two opens of one staff member's drawer at the same moment (two counter PCs): the second
        // loses the race past rdk.drawer_open's own check.
        {u"drawer_sessions_one_open_idx"_s, Error::conflict(u"Your cash drawer is already open; close it first."_s)},
        {u"drawer_movements_one_sale_idx"_s, Error::conflict(u"This sale's cash is already in a drawer."_s)},
    };
    return messages;
}

QString constraintOf(const pqxx::sql_error &e)
{
    // libpqxx 6 does not expose the constraint field; the server message names it in quotes.
    const QString what = QString::fromUtf8(e.what());
    const qsizetype open = what.indexOf(u"constraint \""_s);
    if (open < 0)
        return {};
    const qsizetype start = open + 12;
    const qsizetype end = what.indexOf(u'"', start);
    return end > start ? what.mid(start, end - start) : QString();
}

} // namespace

std::string sqlState(const std::exception &e)
{
    // libpqxx 6 throws a specific class per error family but does not always fill in
    // sqlstate() (permission errors come with an empty one), and serialization failures are
    // not sql_errors at all; so the class decides first.
    if (dynamic_cast<const pqxx::serialization_failure *>(&e))
        return "40001";
    if (dynamic_cast<const pqxx::deadlock_detected *>(&e))
        return "40P01";
    if (const auto *sql = dynamic_cast<const pqxx::sql_error *>(&e); sql && !sql->sqlstate().empty())
        return sql->sqlstate();
    if (dynamic_cast<const pqxx::insufficient_privilege *>(&e))
        return "42501";
    if (dynamic_cast<const pqxx::unique_violation *>(&e))
        return "23505";
    if (dynamic_cast<const pqxx::check_violation *>(&e))
        return "23514";
    if (dynamic_cast<const pqxx::foreign_key_violation *>(&e))
        return "23503";
    if (dynamic_cast<const pqxx::not_null_violation *>(&e))
        return "23502";
    if (dynamic_cast<const pqxx::plpgsql_raise *>(&e))
        return "P0001";
    if (dynamic_cast<const pqxx::data_exception *>(&e))
        return "22000";
    return {};
}

bool isRetryable(const std::exception &e)
{
    const std::string state = sqlState(e);
    return state == "40001" || state == "40P01";
}

// Messages never carry the server's own text (it names tables, columns, types and values, and
// reaches shoppers through rdk-sync's answers): the warning below keeps it for the operator.
Error translatePgError(const std::exception &e)
{
    qCWarning(lcPg).noquote() << "database error:" << QString::fromUtf8(e.what()).trimmed();

    if (dynamic_cast<const pqxx::broken_connection *>(&e)) {
        // TLS refusals first: "root certificate file ... does not exist" is not a missing database.
        if (auto tls = describeTlsConnectError(e.what()))
            return Error::unavailable(tls->message);
        const QString what = QString::fromUtf8(e.what());
        if (what.contains(u"password authentication failed"_s) || what.contains(u"is not permitted to log in"_s))
            return Error::forbidden(u"Wrong login or password, or the account is disabled."_s);
        if (what.contains(u"does not exist"_s))
            return Error::notFound(u"The database server doesn't know that database or login."_s);
    }
    if (dynamic_cast<const pqxx::broken_connection *>(&e) || dynamic_cast<const pqxx::in_doubt_error *>(&e))
        return Error::unavailable(u"The database can't be reached right now. Check the connection and try again."_s);

    const std::string state = sqlState(e);
    if (state == "40001" || state == "40P01")
        return Error::conflict(u"Someone else changed the same data at the same moment. Please try again."_s);
    const auto *sql = dynamic_cast<const pqxx::sql_error *>(&e);
    if (!sql)
        return Error::internal(u"Unexpected database error."_s);

    const QString constraint = constraintOf(*sql);
    if (!constraint.isEmpty()) {
        const auto it = constraintMessages().constFind(constraint);
        if (it != constraintMessages().constEnd())
            return *it;
    }
    if (state == "23505")
        return Error::conflict(u"That record already exists."_s);
    if (state == "23503")
        return Error::conflict(u"That record is still in use or refers to something that doesn't exist."_s);
    if (state == "23514" || state == "23502" || state.rfind("22", 0) == 0)
        return Error::invalid(u"The database refused a value as malformed, out of range or against one of its rules."_s);
    if (state == "42501")
        return Error::forbidden(u"You don't have permission to do that."_s);
    if (state == "P0001")  // RAISE EXCEPTION from our own functions and triggers: written for people
        return Error::conflict(QString::fromUtf8(sql->what()).section(u'\n', 0, 0).remove(u"ERROR:  "_s).trimmed());
    if (state.rfind("08", 0) == 0 || state == "57P01" || state == "57P03")
        return Error::unavailable(u"The database can't be reached right now. Check the connection and try again."_s);
    if (state == "28P01" || state == "28000")
        return Error::forbidden(u"Wrong login or password."_s);
    return Error::internal(u"Database error (%1)."_s.arg(QString::fromStdString(state)));
}

} // namespace rdk::data
