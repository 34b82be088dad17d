#include "engine/doc/atomic_writer.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

#include "engine/core/error.h"

namespace likeness::doc {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kBufferSize = 4u << 20;

std::string temp_prefix(const fs::path& target) { return "." + target.filename().string() + ".tmp-"; }

void sync_folder(const fs::path& folder) {
  int fd = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace

int remove_stale_temporaries(const fs::path& target) {
  const fs::path folder = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  const std::string prefix = temp_prefix(target);
  int removed = 0;
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    const std::string rest = name.substr(prefix.size());
    const std::size_t dash = rest.find('-');
    long pid = 0;
    try {
      pid = std::stol(rest.substr(0, dash));
    } catch (const std::exception&) {
      continue;
    }
    if (pid <= 0 || pid == ::getpid()) continue;
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;  // still running (or not ours to judge)
    std::error_code rm;
    if (fs::remove(it->path(), rm)) ++removed;
  }
  return removed;
}

AtomicFileWriter::AtomicFileWriter(fs::path target) : target_(std::move(target)) {
  static std::atomic<unsigned> counter{0};
  std::error_code ec;
  if (!target_.parent_path().empty()) fs::create_directories(target_.parent_path(), ec);
  remove_stale_temporaries(target_);
  temporary_ = target_.parent_path() /
               (temp_prefix(target_) + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  fd_ = ::open(temporary_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) throw InputError(at_file(target_.string(), "cannot create a temporary file beside it: " + os_error_text()));
  buffer_.reserve(kBufferSize);
}

AtomicFileWriter::~AtomicFileWriter() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(temporary_.c_str());
}

void AtomicFileWriter::flush() {
  const char* data = buffer_.data();
  std::size_t size = buffer_.size();
  while (size > 0) {
    ssize_t n = ::write(fd_, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw InputError(at_file(target_.string(), "cannot write: " + os_error_text()));
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  buffer_.clear();
}

void AtomicFileWriter::write(std::string_view bytes) {
  if (committed_) throw InputError(at_file(target_.string(), "write after commit"));
  offset_ += bytes.size();
  if (buffer_.size() + bytes.size() > kBufferSize) flush();
  if (bytes.size() >= kBufferSize) {
    buffer_.assign(bytes);
    flush();
  } else {
    buffer_.append(bytes);
  }
}

void AtomicFileWriter::commit() {
  if (committed_) return;
  flush();
  if (::fsync(fd_) != 0) throw InputError(at_file(target_.string(), "cannot sync: " + os_error_text()));
  if (::close(fd_) != 0) {
    fd_ = -1;
    throw InputError(at_file(target_.string(), "cannot close: " + os_error_text()));
  }
  fd_ = -1;
  if (::rename(temporary_.c_str(), target_.c_str()) != 0)
    throw InputError(at_file(target_.string(), "cannot replace: " + os_error_text()));
  committed_ = true;
  sync_folder(target_.parent_path());
}

}  // namespace likeness::doc
