#pragma once
// Runs a shell command for CLI tests and captures its exit code, stdout and stderr.
#include <string>

namespace likeness::test {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Runs `command` with /bin/sh; `env` is prefixed as VAR=value assignments.
CommandResult run_command(const std::string& command, const std::string& env = "");

/// The `likeness` binary of this build, quoted for the shell.
std::string likeness_bin();

}  // namespace likeness::test
