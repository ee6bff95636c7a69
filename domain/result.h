#pragma once

#include <QString>

#include <optional>
#include <utility>
#include <variant>

namespace rdk {

/// What went wrong, in terms a caller can act on. `code` is stable for programs,
/// `message` is written for a person (shop staff, an operator).
enum class ErrorCode {
    Invalid,        ///< input breaks a domain rule
    NotFound,
    Conflict,       ///< duplicate key, stale version, illegal state transition
    OutOfStock,
    Forbidden,      ///< the database (RLS, grants, 2FA) refused
    Unavailable,    ///< database or remote service unreachable; retrying may help
    Internal,
};

struct Error final {
    ErrorCode code = ErrorCode::Internal;
    QString message;
    QString field;  ///< the input field at fault, when there is one

    static Error invalid(QString message, QString field = {}) { return {ErrorCode::Invalid, std::move(message), std::move(field)}; }
    static Error notFound(QString message) { return {ErrorCode::NotFound, std::move(message), {}}; }
    static Error conflict(QString message) { return {ErrorCode::Conflict, std::move(message), {}}; }
    static Error outOfStock(QString message) { return {ErrorCode::OutOfStock, std::move(message), {}}; }
    static Error forbidden(QString message) { return {ErrorCode::Forbidden, std::move(message), {}}; }
    static Error unavailable(QString message) { return {ErrorCode::Unavailable, std::move(message), {}}; }
    static Error internal(QString message) { return {ErrorCode::Internal, std::move(message), {}}; }
};

/// A value or an Error. Used across layer boundaries instead of exceptions.
template <typename T>
class [[nodiscard]] Result final {
public:
    Result(T value) : m_state(std::move(value)) {}          // NOLINT: implicit on purpose
    Result(Error error) : m_state(std::move(error)) {}      // NOLINT: implicit on purpose

    bool ok() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return ok(); }

    const T &value() const & { return std::get<T>(m_state); }
    T &value() & { return std::get<T>(m_state); }
    T &&value() && { return std::get<T>(std::move(m_state)); }
    const T *operator->() const { return &value(); }
    const T &operator*() const & { return value(); }

    const Error &error() const { return std::get<Error>(m_state); }

private:
    std::variant<T, Error> m_state;
};

/// Result of an operation with no value.
template <>
class [[nodiscard]] Result<void> final {
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)) {}      // NOLINT: implicit on purpose

    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error &error() const { return *m_error; }

private:
    std::optional<Error> m_error;
};

using Status = Result<void>;

} // namespace rdk
