#include <iostream>

#include "app/cli/cli.h"
#include "engine/io/runtime.h"

int main(int argc, char** argv) {
  likeness::init_runtime();
  return likeness::cli::run_cli(argc, argv, std::cout, std::cerr);
}
