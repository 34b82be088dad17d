#include "engine/core/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>

#include "engine/core/error.h"

namespace likeness {
namespace fs = std::filesystem;
namespace {

void write_all(int fd, const char* data, size_t size, const std::string& path) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw InputError(at_file(path, "cannot write: " + os_error_text()));
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
}

fs::path temp_name_for(const fs::path& path) {
  static std::atomic<unsigned> counter{0};
  std::string name = ".";
  name += path.filename().string();
  name += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  return path.parent_path() / name;
}

void sync_dir(const fs::path& dir) {
  int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace

void write_file_atomic(const fs::path& path, std::string_view bytes) {
  std::error_code ec;
  if (!path.parent_path().empty()) fs::create_directories(path.parent_path(), ec);
  const fs::path tmp = temp_name_for(path);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw InputError(at_file(path.string(), "cannot create: " + os_error_text()));
  try {
    write_all(fd, bytes.data(), bytes.size(), path.string());
    if (::fsync(fd) != 0) throw InputError(at_file(path.string(), "cannot sync: " + os_error_text()));
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string why = os_error_text();
    ::unlink(tmp.c_str());
    throw InputError(at_file(path.string(), "cannot replace: " + why));
  }
  sync_dir(path.parent_path());
}

void write_file_atomic(const fs::path& path, const std::function<void(std::ostream&)>& write) {
  std::ostringstream buffer;
  write(buffer);
  write_file_atomic(path, buffer.view());
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(at_file(path.string(), "cannot open: " + os_error_text()));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw InputError(at_file(path.string(), "cannot read: " + os_error_text()));
  return std::move(buffer).str();
}

}  // namespace likeness
