#pragma once
// Errors the engine reports to its callers. Every error names what was wrong (a file, a field, a
// word) and carries the process exit code the CLI uses for it.
#include <stdexcept>
#include <string>

namespace likeness {

/// Exit codes of the `likeness` CLI, one per error kind.
enum class ExitCode : int {
  Ok = 0,
  Failure = 1,       ///< an unexpected internal failure
  Usage = 2,         ///< wrong command line
  BadInput = 3,      ///< a file or value the user gave is malformed or out of range
  MissingAsset = 4,  ///< a required asset (head model, vocabulary, weights) was not found
  Cancelled = 5,     ///< the user cancelled a long operation
};

/// Base of every error Likeness throws on purpose.
class Error : public std::runtime_error {
public:
  Error(ExitCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ExitCode code() const noexcept { return code_; }

private:
  ExitCode code_;
};

/// A malformed or out-of-range input: the message names the file/field/word at fault.
class InputError : public Error {
public:
  explicit InputError(const std::string& message) : Error(ExitCode::BadInput, message) {}
};

/// A required asset could not be found on the asset search path.
class AssetError : public Error {
public:
  explicit AssetError(const std::string& message) : Error(ExitCode::MissingAsset, message) {}
};

/// A wrong command line.
class UsageError : public Error {
public:
  explicit UsageError(const std::string& message) : Error(ExitCode::Usage, message) {}
};

/// An operation stopped on request.
class CancelledError : public Error {
public:
  explicit CancelledError(const std::string& message = "cancelled") : Error(ExitCode::Cancelled, message) {}
};

/// Prefixes a message with a file name: "FILE: message".
std::string at_file(const std::string& path, const std::string& message);

/// The last OS error (errno) as text.
std::string os_error_text();

}  // namespace likeness
