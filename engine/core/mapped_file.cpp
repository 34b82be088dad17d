#include "engine/core/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/core/error.h"

namespace likeness {

std::shared_ptr<MappedFile> MappedFile::open(const std::filesystem::path& path) {
  const std::string name = path.string();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw InputError(at_file(name, "cannot open: " + os_error_text()));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    std::string why = os_error_text();
    ::close(fd);
    throw InputError(at_file(name, "cannot stat: " + why));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    throw InputError(at_file(name, "not a regular file"));
  }
  const auto size = static_cast<std::size_t>(st.st_size);
  const std::uint8_t* data = nullptr;
  if (size > 0) {
    void* mapped = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (mapped == MAP_FAILED) {
      std::string why = os_error_text();
      ::close(fd);
      throw InputError(at_file(name, "cannot map: " + why));
    }
    data = static_cast<const std::uint8_t*>(mapped);
  }
  ::close(fd);
  return std::shared_ptr<MappedFile>(new MappedFile(name, data, size));
}

MappedFile::~MappedFile() {
  if (data_ && size_ > 0) ::munmap(const_cast<std::uint8_t*>(data_), size_);
}

}  // namespace likeness
