#include "tests/cli/run_command.h"

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace likeness::test {

std::string likeness_bin() { return std::string("'") + LIKENESS_BIN_DIR + "/likeness'"; }

CommandResult run_command(const std::string& command, const std::string& env) {
  static int counter = 0;
  auto dir = std::filesystem::temp_directory_path();
  std::string err_file = (dir / ("likeness_cli_err_" + std::to_string(::getpid()) + "_" + std::to_string(counter++))).string();
  std::string full = env + " " + command + " 2>'" + err_file + "'";
  CommandResult result;
  FILE* pipe = ::popen(full.c_str(), "r");
  if (!pipe) return result;
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.out.append(buffer, n);
  int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream err(err_file);
  std::stringstream ss;
  ss << err.rdbuf();
  result.err = ss.str();
  std::filesystem::remove(err_file);
  return result;
}

}  // namespace likeness::test
