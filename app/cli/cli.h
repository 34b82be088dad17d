#pragma once
// The `likeness` command line: a registry of subcommands, each in its own cmd_*.cpp file that
// registers itself with LIKENESS_COMMAND. Commands get parsed arguments and print through Output.
#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace likeness::cli {

/// One option or flag a command accepts.
struct OptionSpec {
  std::string name;          ///< long name without dashes, e.g. "seed"
  std::string value_name;    ///< empty for a flag, e.g. "N"
  std::string help;
  std::string default_value;  ///< shown in --help
};

/// Parsed arguments: options by name and positionals in order.
class Args {
public:
  bool flag(const std::string& name) const { return flags_.count(name) > 0; }
  bool has(const std::string& name) const { return values_.count(name) > 0; }
  std::string get(const std::string& name, const std::string& fallback = "") const;
  long get_int(const std::string& name, long fallback, long min, long max) const;
  double get_double(const std::string& name, double fallback, double min, double max) const;
  const std::vector<std::string>& positional() const { return positional_; }
  /// The i-th positional, or UsageError naming `what` if missing.
  const std::string& positional(std::size_t i, const std::string& what) const;

private:
  friend Args parse_args(const struct Command&, const std::vector<std::string>&);
  std::map<std::string, std::string> values_;
  std::map<std::string, bool> flags_;
  std::vector<std::string> positional_;
};

/// What a command prints: human text to stdout, or JSON when --json was given.
struct Output {
  bool json = false;
  std::ostream* out;
  std::ostream* err;
};

struct Command {
  std::string path;     ///< "info", "assets import-ict"
  std::string usage;    ///< positional part, e.g. "FACEXMODEL_DIR"
  std::string summary;  ///< one line
  std::string help;     ///< longer text
  std::vector<OptionSpec> options;
  std::function<int(const Args&, Output&)> run;
};

/// All registered commands by path.
std::map<std::string, Command>& command_registry();

struct CommandRegistrar {
  explicit CommandRegistrar(Command command);
};

/// Parses argv for a command: --name VALUE, --name=VALUE, flags; UsageError on unknown options.
Args parse_args(const Command& command, const std::vector<std::string>& argv);

/// Runs the CLI; returns the exit code.
int run_cli(int argc, char** argv, std::ostream& out, std::ostream& err);

/// Prints a JSON value (pretty) followed by a newline.
void print_json(const Output& output, const nlohmann::json& value);

}  // namespace likeness::cli

#define LIKENESS_CLI_CONCAT2(a, b) a##b
#define LIKENESS_CLI_CONCAT(a, b) LIKENESS_CLI_CONCAT2(a, b)
/// Registers a command at static-initialisation time.
#define LIKENESS_COMMAND(...) \
  static const ::likeness::cli::CommandRegistrar LIKENESS_CLI_CONCAT(likeness_command_, __LINE__)(__VA_ARGS__)
