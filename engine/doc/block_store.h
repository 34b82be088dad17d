#pragma once
// The content-addressed store behind a document's history. Every tensor of every step is cut into
// blocks (see state_codec.h); a block is kept once however many steps share it, compressed, and
// either resident in memory or backed by the project file it was loaded from or last saved to.
// Blocks are immutable and shared by pointer, so a snapshot taken for a background save stays
// valid whatever the document does next.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/doc/block_codec.h"

namespace likeness::doc {

/// An open project file read with pread(): the descriptor keeps the bytes reachable even after an
/// atomic save renames a new file over the path.
class FileSource {
public:
  /// Opens `path`; InputError naming it if it cannot be opened. `name` (default: the path) is
  /// how messages name the file.
  static std::shared_ptr<const FileSource> open(const std::filesystem::path& path, const std::string& name = {});
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;
  ~FileSource();

  /// Reads exactly `length` bytes at `offset`; InputError naming the file if it is shorter.
  std::string read(std::uint64_t offset, std::uint64_t length) const;
  std::uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }

private:
  FileSource(std::string path, int fd, std::uint64_t size) : path_(std::move(path)), fd_(fd), size_(size) {}
  std::string path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

/// Size of the header that precedes a block's stored bytes in a project file.
inline constexpr std::size_t kBlockHeaderSize = 16;

/// One immutable block.
struct Block {
  std::uint64_t id = 0;
  std::uint64_t hash = 0;       ///< content_hash of the raw bytes
  std::uint32_t raw_size = 0;   ///< decoded size in bytes
  BlockCodec codec = BlockCodec::ShuffleDeflate;
  std::uint8_t element_size = 4;

  /// Resident: the encoded bytes. Null when the block lives only in `file`.
  std::shared_ptr<const std::string> stored;
  /// File-backed: the whole chunk payload (header + encoded bytes) at `offset`, `length` bytes,
  /// whose CRC-32 is `crc`.
  std::shared_ptr<const FileSource> file;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  std::uint32_t crc = 0;

  bool resident() const { return stored != nullptr; }
  /// Encoded bytes (read and CRC-checked from the file when not resident).
  std::string stored_bytes() const;
  /// Decodes into `raw_size` bytes at `out`; InputError starting with `source` on corrupt data.
  void decode(void* out, const std::string& source) const;

  /// The chunk payload as written to a project file: 16-byte header, then the encoded bytes.
  std::string payload() const;
  /// Parses a chunk payload (header + encoded bytes); InputError starting with `source`.
  static Block from_payload(std::uint64_t id, const std::string& payload, const std::string& source);
};

/// A block ready to be stored: hashed and encoded, off the document's lock (prepare_block is
/// thread-safe), then added with BlockStore::put_prepared.
struct PreparedBlock {
  std::string raw;      ///< the raw bytes (kept to confirm a hash match byte-wise)
  std::string encoded;  ///< encode_block(raw)
  std::uint64_t hash = 0;
  BlockCodec codec = BlockCodec::ShuffleDeflate;
  std::uint8_t element_size = 4;
  bool zero = false;    ///< all bytes zero: stored as kZeroBlock
};

/// Hashes and encodes raw bytes (all-zero non-raw data is only flagged, not encoded).
PreparedBlock prepare_block(const void* data, std::size_t size, std::size_t element_size, BlockCodec codec);

class BlockStore {
public:
  /// The id of the all-zero block of any size: never stored, decodes to zeros.
  static constexpr std::uint64_t kZeroBlock = 0;

  /// Stores raw bytes and returns the block id: kZeroBlock for all-zero bytes, the id of an
  /// identical block already held, or a new block's id.
  std::uint64_t put(const void* data, std::size_t size, std::size_t element_size, BlockCodec codec);
  /// The same for a block prepared elsewhere (moved from).
  std::uint64_t put_prepared(PreparedBlock&& block);

  /// The block with `id`; InputError if unknown (kZeroBlock is not a stored block).
  std::shared_ptr<const Block> get(std::uint64_t id) const;
  bool contains(std::uint64_t id) const { return blocks_.count(id) > 0; }

  /// Decodes block `id` (kZeroBlock included) into `size` bytes at `out`.
  void decode(std::uint64_t id, void* out, std::size_t size, const std::string& source) const;

  /// Adds a block with its own id (when loading), or replaces the one with that id (when a
  /// resident block becomes file-backed after a save).
  void insert(std::shared_ptr<const Block> block);

  /// Drops blocks that are not in `keep`.
  void retain(const std::vector<std::uint64_t>& keep);

  /// The next id put() would give.
  std::uint64_t next_id() const { return next_id_; }
  std::size_t size() const { return blocks_.size(); }
  /// Bytes of encoded block data held in memory.
  std::size_t resident_bytes() const { return resident_bytes_; }

private:
  std::unordered_map<std::uint64_t, std::shared_ptr<const Block>> blocks_;
  std::unordered_multimap<std::uint64_t, std::uint64_t> by_hash_;
  std::uint64_t next_id_ = 1;
  std::size_t resident_bytes_ = 0;
};

}  // namespace likeness::doc
