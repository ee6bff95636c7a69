#pragma once
// A shop with counter stock, real staff/ops/admin logins and an rdk_sync login, on a fresh
// database. Rows are seeded as the owner; everything under test runs as the logins.

#include "data/pgpos.h"
#include "data/pgsessionpqxx.h"
#include "tests/security/securitytest.h"
#include "tests/support/testdatabase.h"

#include <pqxx/pqxx>

#include <QTest>

#include <memory>

namespace rdk::test::pos {

using namespace Qt::Literals::StringLiterals;

using security::str;

struct Shop final {
    QString tenantId;
    QString flatProductId;   // POS-FLAT: 3 on hand, 50.00
    QString runProductId;    // POS-RUN: sizes 9 (2), 9.5 (0), 10 (1), 120.00
};

class PosFixture final {
public:
    std::unique_ptr<TestDatabase> db;
    Shop a, b;
    Login staff, ops, admin, staffB, service;

    bool setUp(QString *error)
    {
        db = TestDatabase::create(error);
        if (!db)
            return false;
        a = seedShop(u"pos-a"_s);
        b = seedShop(u"pos-b"_s);
        staff = db->createStaff(a.tenantId, u"staff"_s);
        ops = db->createStaff(a.tenantId, u"ops"_s);
        admin = db->createStaff(a.tenantId, u"admin"_s);
        staffB = db->createStaff(b.tenantId, u"staff"_s);
        service = db->createServiceLogin(a.tenantId);
        return true;
    }

    Shop seedShop(const QString &slug)
    {
        Shop shop;
        shop.tenantId = db->createTenant(slug);
        pqxx::connection conn(db->ownerUrl());
        pqxx::work tx(conn);
        const std::string t = str(shop.tenantId);
        shop.flatProductId = QString::fromStdString(tx.exec_params1(
            "INSERT INTO products (tenant_id, sku, name, brand, colorway, condition, price_minor, currency, inventory_strategy) "
            "VALUES ($1::uuid, 'POS-FLAT', 'Lace kit', 'Kickz', 'White', 'new', 5000, 'USD', 'flat') RETURNING id::text", t)[0]
            .as<std::string>());
        shop.runProductId = QString::fromStdString(tx.exec_params1(
            "INSERT INTO products (tenant_id, sku, name, brand, colorway, condition, price_minor, currency, inventory_strategy, "
            "                      size_system, size_run, published) "
            "VALUES ($1::uuid, 'POS-RUN', 'Air Runner', 'Nike', 'Black/Red', 'new', 12000, 'USD', 'per_size', 'mens', "
            "        '{9,9.5,10}', true) RETURNING id::text", t)[0]
            .as<std::string>());
        tx.exec_params("INSERT INTO products (tenant_id, sku, name, brand, condition, price_minor, currency, inventory_strategy, archived) "
                       "VALUES ($1::uuid, 'POS-OLD', 'Old runner', 'Nike', 'used', 3000, 'USD', 'flat', true)", t);
        tx.exec_params("INSERT INTO inventory (tenant_id, product_id, quantity) VALUES ($1::uuid, $2::uuid, 3)", t,
                       str(shop.flatProductId));
        tx.exec_params("INSERT INTO inventory (tenant_id, product_id, size, quantity) VALUES "
                       "($1::uuid, $2::uuid, '9', 2), ($1::uuid, $2::uuid, '9.5', 0), ($1::uuid, $2::uuid, '10', 1)",
                       t, str(shop.runProductId));
        tx.exec_params("INSERT INTO inventory (tenant_id, product_id, quantity) "
                       "SELECT $1::uuid, id, 5 FROM products WHERE tenant_id = $1::uuid AND sku = 'POS-OLD'", t);
        tx.commit();
        return shop;
    }

    /// The desk's kind of session; admins enter a TOTP code first (as after sign-in).
    std::unique_ptr<data::PgSession> session(const Login &login, bool verify = true, int stepOffset = 0)
    {
        auto s = data::PgSession::open(db->urlFor(login.login, login.password));
        if (!s)
            return nullptr;
        if (verify && !db->totpSecretOf(login.login).isEmpty()) {
            security::waitAwayFromStepEdge();
            if (!security::verifySession((*s)->connection(),
                                         security::totpNow(db->totpSecretOf(login.login), stepOffset)))
                return nullptr;
        }
        return std::move(s).value();
    }

    std::unique_ptr<pqxx::connection> connect(const Login &login)
    {
        return std::make_unique<pqxx::connection>(db->urlFor(login.login, login.password));
    }

    /// Opens the login's cash drawer with `floatMinor` through rdk.drawer_open, as that login
    /// (cash sales and cash refunds need one). Returns the session id, or "ERROR ...".
    QString openDrawer(data::PgSession &session, qint64 floatMinor)
    {
        return as(session.connection(), "SELECT rdk.drawer_open(" + std::to_string(floatMinor) + ", NULL)");
    }

    /// One value as the owner (sees every shop).
    QString scalar(const std::string &sql)
    {
        pqxx::connection conn(db->ownerUrl());
        pqxx::work tx(conn);
        const pqxx::row r = tx.exec1(sql);
        tx.commit();
        return r[0].is_null() ? QString() : QString::fromStdString(r[0].as<std::string>());
    }
    QString scalar(const std::string &sql, const QString &arg)
    {
        pqxx::connection conn(db->ownerUrl());
        pqxx::work tx(conn);
        const pqxx::row r = tx.exec_params1(sql, str(arg));
        tx.commit();
        return r[0].is_null() ? QString() : QString::fromStdString(r[0].as<std::string>());
    }
    int count(const std::string &sql) { return scalar(sql).toInt(); }
    int count(const std::string &sql, const QString &arg) { return scalar(sql, arg).toInt(); }

    void exec(const std::string &sql) { db->execOwner(sql); }

    /// On hand and reserved of a product's size ("" for flat), as "quantity/reserved".
    QString stock(const QString &productId, const QString &size = {})
    {
        pqxx::connection conn(db->ownerUrl());
        pqxx::work tx(conn);
        const auto r = tx.exec_params1("SELECT quantity || '/' || reserved FROM inventory "
                                       "WHERE product_id = $1::uuid AND size IS NOT DISTINCT FROM $2",
                                       str(productId), size.isEmpty() ? std::optional<std::string>() : str(size));
        return QString::fromStdString(r[0].as<std::string>());
    }

    /// Runs SQL as a login in a committed transaction; returns the first value, or the
    /// error as "ERROR <sqlstate>: <message>". (The database fixes every login's shop.)
    QString as(pqxx::connection &conn, const std::string &sql)
    {
        try {
            pqxx::work tx(conn);
            const pqxx::result r = tx.exec(sql);
            tx.commit();
            return r.empty() || r[0].empty() || r[0][0].is_null() ? QString() : QString::fromStdString(r[0][0].as<std::string>());
        } catch (const pqxx::sql_error &e) {
            std::string state = e.sqlstate();
            if (state.empty() && dynamic_cast<const pqxx::insufficient_privilege *>(&e))
                state = "42501";
            return u"ERROR %1: %2"_s.arg(QString::fromStdString(state),
                                          QString::fromUtf8(e.what()).section(u'\n', 0, 0).remove(u"ERROR:  "_s).trimmed());
        }
    }
};

/// A SQL string literal of `s` for test statements (standard_conforming_strings is on).
inline std::string lit(QString s)
{
    return (u"'"_s + s.replace(u"'"_s, u"''"_s) + u"'"_s).toStdString();
}

inline PosSaleRequest saleOf(std::initializer_list<PosLineRequest> lines)
{
    PosSaleRequest sale;
    sale.lines = lines;
    return sale;
}

inline Money usd(qint64 minor)
{
    return Money::of(minor, u"USD"_s).value();
}

inline QString codeName(ErrorCode code)
{
    switch (code) {
    case ErrorCode::Invalid: return u"invalid"_s;
    case ErrorCode::NotFound: return u"not found"_s;
    case ErrorCode::Conflict: return u"conflict"_s;
    case ErrorCode::OutOfStock: return u"out of stock"_s;
    case ErrorCode::Forbidden: return u"forbidden"_s;
    case ErrorCode::Unavailable: return u"unavailable"_s;
    case ErrorCode::Internal: return u"internal"_s;
    }
    return {};
}

} // namespace rdk::test::pos

/// Fails the test unless `result` failed with `code`; prints the message either way.
#define POS_EXPECT_ERROR(result, expectedCode)                                                               \
    do {                                                                                                     \
        const auto &r_ = (result);                                                                           \
        QVERIFY2(!r_.ok(), "expected an error, got success");                                               \
        QCOMPARE(::rdk::test::pos::codeName(r_.error().code), ::rdk::test::pos::codeName(expectedCode));     \
    } while (false)
