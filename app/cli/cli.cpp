#include "app/cli/cli.h"

#include <iostream>

#include "engine/core/error.h"
#include "engine/core/strings.h"
#include "likeness_build_config.h"

namespace likeness::cli {

std::map<std::string, Command>& command_registry() {
  static std::map<std::string, Command> registry;
  return registry;
}

CommandRegistrar::CommandRegistrar(Command command) {
  std::string path = command.path;
  command_registry()[path] = std::move(command);
}

std::string Args::get(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

long Args::get_int(const std::string& name, long fallback, long min, long max) const {
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  std::size_t used = 0;
  long value = 0;
  try {
    value = std::stol(it->second, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != it->second.size())
    throw UsageError("--" + name + " needs a whole number, got '" + it->second + "'");
  if (value < min || value > max)
    throw UsageError("--" + name + " must be between " + std::to_string(min) + " and " + std::to_string(max) +
                     ", got " + it->second);
  return value;
}

double Args::get_double(const std::string& name, double fallback, double min, double max) const {
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(it->second, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != it->second.size()) throw UsageError("--" + name + " needs a number, got '" + it->second + "'");
  if (value < min || value > max)
    throw UsageError("--" + name + " must be between " + format_number(min, 3) + " and " + format_number(max, 3) +
                     ", got " + it->second);
  return value;
}

const std::string& Args::positional(std::size_t i, const std::string& what) const {
  if (i >= positional_.size()) throw UsageError("missing " + what);
  return positional_[i];
}

Args parse_args(const Command& command, const std::vector<std::string>& argv) {
  Args args;
  bool options_done = false;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (options_done || a.size() < 2 || a[0] != '-' || a == "-") {
      args.positional_.push_back(a);
      continue;
    }
    if (a == "--") {
      options_done = true;
      continue;
    }
    std::string name = a.substr(a[1] == '-' ? 2 : 1);
    std::optional<std::string> inline_value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const OptionSpec* spec = nullptr;
    for (const OptionSpec& o : command.options)
      if (o.name == name) spec = &o;
    if (!spec) {
      std::vector<std::string> names;
      for (const OptionSpec& o : command.options) names.push_back(o.name);
      auto near = closest_words(name, names, 1);
      throw UsageError("unknown option '" + a + "' for 'likeness " + command.path + "'" +
                       (near.empty() ? "" : " (did you mean --" + near[0] + "?)"));
    }
    if (spec->value_name.empty()) {
      if (inline_value) throw UsageError("--" + name + " takes no value");
      args.flags_[name] = true;
    } else if (inline_value) {
      args.values_[name] = *inline_value;
    } else {
      if (i + 1 >= argv.size()) throw UsageError("--" + name + " needs a value (" + spec->value_name + ")");
      args.values_[name] = argv[++i];
    }
  }
  return args;
}

void print_json(const Output& output, const nlohmann::json& value) { *output.out << value.dump(2) << "\n"; }

namespace {

void print_command_help(const Command& c, std::ostream& out) {
  out << "Usage: likeness " << c.path << (c.options.empty() ? "" : " [options]") << (c.usage.empty() ? "" : " " + c.usage)
      << "\n\n"
      << c.summary << "\n";
  if (!c.help.empty()) out << "\n" << c.help << "\n";
  out << "\nOptions:\n";
  for (const OptionSpec& o : c.options) {
    std::string left = "  --" + o.name + (o.value_name.empty() ? "" : " " + o.value_name);
    out << left << std::string(left.size() < 26 ? 26 - left.size() : 1, ' ') << o.help;
    if (!o.default_value.empty()) out << " (default " << o.default_value << ")";
    out << "\n";
  }
}

void print_overview(std::ostream& out) {
  out << "likeness " << LIKENESS_VERSION << ": describe a face in words, get a 3D head.\n\n"
      << "Usage: likeness COMMAND [options] [arguments]\n\nCommands:\n";
  for (const auto& [path, c] : command_registry()) {
    std::string left = "  " + path;
    out << left << std::string(left.size() < 24 ? 24 - left.size() : 1, ' ') << c.summary << "\n";
  }
  out << "\nRun 'likeness COMMAND --help' for a command's options.\n"
      << "Exit codes: 0 ok, 1 internal failure, 2 usage, 3 bad input, 4 missing asset, 5 cancelled.\n";
}

}  // namespace

int run_cli(int argc, char** argv, std::ostream& out, std::ostream& err) {
  std::vector<std::string> words(argv + 1, argv + argc);
  if (words.empty() || words[0] == "--help" || words[0] == "-h" || words[0] == "help") {
    print_overview(words.empty() ? err : out);
    return words.empty() ? static_cast<int>(ExitCode::Usage) : 0;
  }
  if (words[0] == "--version") {
    out << "likeness " << LIKENESS_VERSION << "\n";
    return 0;
  }
  // Longest registered path that prefixes the words ("assets import-ict" before "assets").
  const Command* command = nullptr;
  std::size_t used = 0;
  for (const auto& [path, c] : command_registry()) {
    auto parts = split(path, ' ');
    if (parts.size() <= words.size() && std::equal(parts.begin(), parts.end(), words.begin()) && parts.size() > used) {
      command = &c;
      used = parts.size();
    }
  }
  if (!command) {
    std::vector<std::string> names;
    for (const auto& [path, c] : command_registry()) names.push_back(split(path, ' ')[0]);
    auto near = closest_words(words[0], names, 1);
    err << "likeness: unknown command '" << words[0] << "'" << (near.empty() ? "" : " (did you mean '" + near[0] + "'?)")
        << "\nRun 'likeness --help' for the list.\n";
    return static_cast<int>(ExitCode::Usage);
  }
  std::vector<std::string> rest(words.begin() + static_cast<long>(used), words.end());
  for (const std::string& w : rest)
    if (w == "--help" || w == "-h") {
      print_command_help(*command, out);
      return 0;
    }
  Output output{false, &out, &err};
  try {
    Args args = parse_args(*command, rest);
    output.json = args.flag("json");
    return command->run(args, output);
  } catch (const Error& e) {
    err << "likeness " << command->path << ": " << e.what() << "\n";
    if (e.code() == ExitCode::Usage) err << "Run 'likeness " << command->path << " --help' for usage.\n";
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    err << "likeness " << command->path << ": internal error: " << e.what() << "\n";
    return static_cast<int>(ExitCode::Failure);
  }
}

}  // namespace likeness::cli
