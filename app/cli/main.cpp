#include <iostream>

#include "app/cli/cli.h"

int main(int argc, char** argv) { return likeness::cli::run_cli(argc, argv, std::cout, std::cerr); }
