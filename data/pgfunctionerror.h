#pragma once

// The rdk.* functions of the money path (migrations 0010 and 0012) raise
// errors with a sentence written for staff and an SQLSTATE that says what kind of refusal it
// is. translatePgError keeps some of those sentences generic ("You don't have permission to
// do that."); this keeps them:
//   42501 -> Error::forbidden, P0002 -> Error::notFound, 22023 -> Error::invalid,
//   P0001 -> Error::conflict, R0001 -> Error::outOfStock (0012); everything else goes through
//   translatePgError.

#include "data/pgerror.h"
#include "domain/result.h"

#include <pqxx/pqxx>

#include <exception>
#include <optional>
#include <type_traits>

namespace rdk::data {

/// The staff sentence of an error raised by one of our functions, or nullopt when `e` is
/// something else (a server message, a lost connection, a retryable conflict).
std::optional<Error> functionRefusal(const std::exception &e);
/// The same for an error a function caught and reported as its SQLSTATE and message (as
/// rdk.apply_payment_events does per event).
std::optional<Error> functionRefusal(const std::string &state, const QString &message);

/// Runs `work(tx)` and turns our functions' refusals into Errors with their sentence. The
/// transaction is then dead: the Error result makes PgSession::transact roll it back. Other
/// exceptions propagate, so transact still retries serialization failures.
template <typename Work>
auto keepSentences(pqxx::work &tx, Work &&work) -> std::invoke_result_t<Work, pqxx::work &>
{
    try {
        return work(tx);
    } catch (const pqxx::sql_error &e) {
        if (auto refusal = functionRefusal(e))
            return *refusal;
        throw;
    }
}

} // namespace rdk::data
