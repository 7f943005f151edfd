#pragma once
// Errors are values until the CLI: a function that can fail on outside input
// returns Result<T>, holding either the value or an Error naming the input and
// the problem. Only the CLI turns an Error into exit code 2 and one line.

#include <string>
#include <utility>
#include <variant>

namespace llmhw {

/// What went wrong with which input: "config.json: field 'num_hidden_layers': expected a number".
struct Error {
  std::string input;   ///< the file, option or name at fault ("model.gguf", "--concurrency")
  std::string problem; ///< what is wrong with it, with the offset or field where known

  [[nodiscard]] std::string message() const { return input.empty() ? problem : input + ": " + problem; }
};

template <typename T>
class [[nodiscard]] Result {
public:
  Result(T value) : m_state(std::move(value)) {}                // NOLINT: implicit by design
  Result(Error error) : m_state(std::move(error)) {}            // NOLINT: implicit by design

  [[nodiscard]] bool ok() const { return std::holds_alternative<T>(m_state); }
  explicit operator bool() const { return ok(); }

  [[nodiscard]] T& value() & { return std::get<T>(m_state); }
  [[nodiscard]] const T& value() const& { return std::get<T>(m_state); }
  [[nodiscard]] T&& value() && { return std::get<T>(std::move(m_state)); }
  [[nodiscard]] const Error& error() const { return std::get<Error>(m_state); }

  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

private:
  std::variant<T, Error> m_state;
};

/// Result of an operation that yields nothing but can fail.
struct Ok {};
using Status = Result<Ok>;

/// Thrown only where unwinding is simpler than threading a Result through many
/// frames (deep inside a parser); caught and turned back into an Error at the
/// parser's entry point, never allowed to escape the library.
struct InputError {
  Error error;
};

} // namespace llmhw
