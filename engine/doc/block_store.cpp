#include "engine/doc/block_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <unordered_set>

#include "engine/core/error.h"

namespace likeness::doc {

std::shared_ptr<const FileSource> FileSource::open(const std::filesystem::path& path, const std::string& name) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw InputError(at_file(path.string(), "cannot open: " + os_error_text()));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    std::string why = os_error_text();
    ::close(fd);
    throw InputError(at_file(path.string(), "cannot stat: " + why));
  }
  return std::shared_ptr<const FileSource>(
      new FileSource(name.empty() ? path.string() : name, fd, static_cast<std::uint64_t>(st.st_size)));
}

FileSource::~FileSource() {
  if (fd_ >= 0) ::close(fd_);
}

std::string FileSource::read(std::uint64_t offset, std::uint64_t length) const {
  if (offset > size_ || length > size_ - offset)
    throw InputError(at_file(path_, "truncated: needs bytes " + std::to_string(offset) + ".." + std::to_string(offset + length) +
                                        " but the file has " + std::to_string(size_)));
  std::string out(length, '\0');
  std::uint64_t done = 0;
  while (done < length) {
    ssize_t n = ::pread(fd_, out.data() + done, length - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw InputError(at_file(path_, "cannot read: " + os_error_text()));
    }
    if (n == 0) throw InputError(at_file(path_, "truncated at byte " + std::to_string(offset + done)));
    done += static_cast<std::uint64_t>(n);
  }
  return out;
}

namespace {

void put_u32(std::string& s, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put_u64(std::string& s, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
std::uint64_t get_le(const std::string& s, std::size_t at, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(s[at + i])) << (8 * i);
  return v;
}

}  // namespace

std::string Block::stored_bytes() const {
  if (stored) return *stored;
  if (!file) throw InputError("block " + std::to_string(id) + " has no data");
  std::string bytes = file->read(offset, length);
  if (crc32_of(bytes) != crc)
    throw InputError(at_file(file->path(), "block " + std::to_string(id) + " fails its checksum (the file changed on disk?)"));
  return bytes.substr(kBlockHeaderSize);
}

void Block::decode(void* out, const std::string& source) const {
  const std::string bytes = stored_bytes();
  decode_block(bytes, codec, element_size, out, raw_size, source + ": block " + std::to_string(id));
}

std::string Block::payload() const {
  std::string out;
  const std::string body = stored_bytes();
  out.reserve(kBlockHeaderSize + body.size());
  out.push_back(static_cast<char>(codec));
  out.push_back(static_cast<char>(element_size));
  out.push_back(0);
  out.push_back(0);
  put_u32(out, raw_size);
  put_u64(out, hash);
  out += body;
  return out;
}

Block Block::from_payload(std::uint64_t id, const std::string& payload, const std::string& source) {
  if (payload.size() < kBlockHeaderSize)
    throw InputError(source + ": block " + std::to_string(id) + " is shorter than its header");
  Block b;
  b.id = id;
  const auto codec = static_cast<unsigned char>(payload[0]);
  if (codec > static_cast<unsigned char>(BlockCodec::ShuffleDeflate))
    throw InputError(source + ": block " + std::to_string(id) + " uses unknown codec " + std::to_string(codec));
  b.codec = static_cast<BlockCodec>(codec);
  b.element_size = static_cast<std::uint8_t>(payload[1]);
  if (b.element_size != 1 && b.element_size != 2 && b.element_size != 4 && b.element_size != 8)
    throw InputError(source + ": block " + std::to_string(id) + " has element size " + std::to_string(b.element_size));
  b.raw_size = static_cast<std::uint32_t>(get_le(payload, 4, 4));
  b.hash = get_le(payload, 8, 8);
  return b;
}

PreparedBlock prepare_block(const void* data, std::size_t size, std::size_t element_size, BlockCodec codec) {
  if (size > 0xffffffffu) throw Error(ExitCode::Failure, "history block larger than 4 GB");
  PreparedBlock p;
  p.codec = codec;
  p.element_size = static_cast<std::uint8_t>(element_size);
  if (codec != BlockCodec::Raw && all_zero(data, size)) {
    p.zero = true;
    return p;
  }
  p.raw.assign(static_cast<const char*>(data), size);
  p.hash = content_hash(data, size);
  p.encoded = encode_block(data, size, element_size, codec);
  return p;
}

std::uint64_t BlockStore::put(const void* data, std::size_t size, std::size_t element_size, BlockCodec codec) {
  return put_prepared(prepare_block(data, size, element_size, codec));
}

std::uint64_t BlockStore::put_prepared(PreparedBlock&& prepared) {
  if (prepared.zero) return kZeroBlock;
  const std::size_t size = prepared.raw.size();
  auto [first, last] = by_hash_.equal_range(prepared.hash);
  for (auto it = first; it != last; ++it) {
    const auto& candidate = blocks_.at(it->second);
    if (candidate->raw_size != size || candidate->codec != prepared.codec) continue;
    std::string decoded(size, '\0');
    candidate->decode(decoded.data(), "history");
    if (decoded == prepared.raw) return candidate->id;
  }
  auto block = std::make_shared<Block>();
  block->id = next_id_++;
  block->hash = prepared.hash;
  block->raw_size = static_cast<std::uint32_t>(size);
  block->codec = prepared.codec;
  block->element_size = prepared.element_size;
  block->stored = std::make_shared<const std::string>(std::move(prepared.encoded));
  resident_bytes_ += block->stored->size();
  by_hash_.emplace(block->hash, block->id);
  const std::uint64_t id = block->id;
  blocks_.emplace(id, std::move(block));
  return id;
}

std::shared_ptr<const Block> BlockStore::get(std::uint64_t id) const {
  auto it = blocks_.find(id);
  if (it == blocks_.end()) throw InputError("history refers to block " + std::to_string(id) + ", which is missing");
  return it->second;
}

void BlockStore::decode(std::uint64_t id, void* out, std::size_t size, const std::string& source) const {
  if (id == kZeroBlock) {
    std::memset(out, 0, size);
    return;
  }
  auto block = get(id);
  if (block->raw_size != size)
    throw InputError(source + ": block " + std::to_string(id) + " holds " + std::to_string(block->raw_size) + " bytes where " +
                     std::to_string(size) + " are needed");
  block->decode(out, source);
}

void BlockStore::insert(std::shared_ptr<const Block> block) {
  auto it = blocks_.find(block->id);
  if (it != blocks_.end()) {
    if (it->second->stored) resident_bytes_ -= it->second->stored->size();
    it->second = block;
  } else {
    by_hash_.emplace(block->hash, block->id);
    blocks_.emplace(block->id, block);
  }
  if (block->stored) resident_bytes_ += block->stored->size();
  next_id_ = std::max(next_id_, block->id + 1);
}

void BlockStore::retain(const std::vector<std::uint64_t>& keep) {
  std::unordered_set<std::uint64_t> live(keep.begin(), keep.end());
  for (auto it = blocks_.begin(); it != blocks_.end();) {
    if (live.count(it->first)) {
      ++it;
      continue;
    }
    if (it->second->stored) resident_bytes_ -= it->second->stored->size();
    auto [first, last] = by_hash_.equal_range(it->second->hash);
    for (auto h = first; h != last; ++h)
      if (h->second == it->first) {
        by_hash_.erase(h);
        break;
      }
    it = blocks_.erase(it);
  }
}

}  // namespace likeness::doc
