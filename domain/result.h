#pragma once

#include <QString>

#include <optional>
#include <type_traits>
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

/// Not final: a layer may derive an error that carries more for the caller next to it
/// (sync/stripe's StripeCallError says why a call to Stripe failed); it slices back to an
/// Error where that detail stops mattering.
struct Error {
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

/// A value or an Error. Used across layer boundaries instead of exceptions. `E` is Error, or an
/// error derived from it when the caller needs more than a code and a sentence.
template <typename T, typename E = Error>
class [[nodiscard]] Result final {
    static_assert(std::is_base_of_v<Error, E>, "a Result's error is an rdk::Error");

public:
    Result(T value) : m_state(std::move(value)) {}          // NOLINT: implicit on purpose
    Result(E error) : m_state(std::move(error)) {}          // NOLINT: implicit on purpose

    bool ok() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return ok(); }

    const T &value() const & { return std::get<T>(m_state); }
    T &value() & { return std::get<T>(m_state); }
    T &&value() && { return std::get<T>(std::move(m_state)); }
    const T *operator->() const { return &value(); }
    const T &operator*() const & { return value(); }

    const E &error() const { return std::get<E>(m_state); }

private:
    std::variant<T, E> m_state;
};

/// Result of an operation with no value.
template <typename E>
class [[nodiscard]] Result<void, E> final {
    static_assert(std::is_base_of_v<Error, E>, "a Result's error is an rdk::Error");

public:
    Result() = default;
    Result(E error) : m_error(std::move(error)) {}          // NOLINT: implicit on purpose

    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    const E &error() const { return *m_error; }

private:
    std::optional<E> m_error;
};

using Status = Result<void>;

} // namespace rdk
