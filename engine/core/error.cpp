#include "engine/core/error.h"

#include <cerrno>
#include <cstring>

namespace likeness {

std::string at_file(const std::string& path, const std::string& message) {
  return path + ": " + message;
}

std::string os_error_text() {
  return std::strerror(errno);
}

}  // namespace likeness
