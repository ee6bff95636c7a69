#pragma once

#include "domain/result.h"

#include <exception>
#include <string>

namespace rdk::data {

/// Maps a libpqxx/libpq exception to a domain Error a person can act on. Constraint names from
/// the migrations become specific sentences ("A product with this SKU already exists.");
/// anything unknown keeps the server's message for the log and a generic one for people.
Error translatePgError(const std::exception &e);

/// True when the failed transaction is worth running again (serialization failure, deadlock).
bool isRetryable(const std::exception &e);

/// SQLSTATE of a pqxx::sql_error, or empty.
std::string sqlState(const std::exception &e);

} // namespace rdk::data
