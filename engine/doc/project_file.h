#pragma once
// The .likeness container: a 32-byte header, self-describing chunks, a JSON manifest chunk and a
// 32-byte footer that points at it (docs/formats.md has the byte layout).
//
//   header   magic "\x89LIKENESSPRJ\r\n\x1a\n", u32 version, u32 flags, u64 reserved
//   chunk    u32 tag, u32 flags, u64 id, u64 length, u32 payload CRC-32, u32 header CRC-32,
//            then `length` payload bytes
//   footer   u64 manifest chunk offset, u64 file size, u32 manifest CRC-32, u32 version,
//            "LKPRJEND"
//
// Everything is little-endian. Every chunk carries its own checksums, so a damaged or truncated
// file can still be scanned chunk by chunk for what is intact (scan_project_file).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/error.h"
#include "engine/core/json_util.h"
#include "engine/doc/atomic_writer.h"
#include "engine/doc/block_store.h"

namespace likeness::doc {

/// The container and manifest version this build writes and the newest it reads.
inline constexpr std::uint32_t kProjectFormatVersion = 1;
/// The usual file extension.
inline constexpr const char* kProjectExtension = ".likeness";

/// Kinds of chunk.
enum class ChunkTag : std::uint32_t {
  Block = 0x4b434c42,     ///< "BLCK": one history block (header + encoded bytes)
  Step = 0x50455453,      ///< "STEP": one step's JSON (for recovery without the manifest)
  Manifest = 0x494e414d,  ///< "MANI": the manifest JSON
};

/// "BLCK", "STEP", "MANI" (or "0x..." for unknown tags).
std::string to_string(ChunkTag tag);

/// Where a chunk's payload lies in a file.
struct ChunkRecord {
  ChunkTag tag = ChunkTag::Block;
  std::uint64_t id = 0;
  std::uint64_t offset = 0;  ///< of the payload (the chunk header is 32 bytes before it)
  std::uint64_t length = 0;
  std::uint32_t crc = 0;     ///< CRC-32 of the payload
};

/// A project file that cannot be opened as it is. `recoverable` says whether scanning it for
/// intact steps (recover_project) may help: true for damage, false for a newer format or a file
/// that is not a project at all.
class ProjectError : public InputError {
public:
  ProjectError(const std::string& message, bool recoverable) : InputError(message), recoverable_(recoverable) {}
  bool recoverable() const { return recoverable_; }

private:
  bool recoverable_;
};

/// Streams chunks into a new project file; finish() writes the manifest and footer and commits the
/// file atomically (until then the target is untouched).
class ProjectFileWriter {
public:
  explicit ProjectFileWriter(const std::filesystem::path& path);
  /// Appends a chunk; returns where its payload lies.
  ChunkRecord add(ChunkTag tag, std::uint64_t id, std::string_view payload);
  /// Writes `manifest` (its "chunks" index is filled in from the chunks added), the footer, and
  /// commits. Returns the manifest's record.
  ChunkRecord finish(Json manifest);
  const std::vector<ChunkRecord>& chunks() const { return chunks_; }
  /// After finish(): the written file, opened for reading before it was renamed into place (so it
  /// is this file even if another writer replaces the path later).
  std::shared_ptr<const FileSource> file() const { return file_; }

private:
  void write_chunk_header(ChunkTag tag, std::uint64_t id, std::uint64_t length, std::uint32_t crc);
  AtomicFileWriter out_;
  std::vector<ChunkRecord> chunks_;
  std::shared_ptr<const FileSource> file_;
};

/// A project file checked whole: header, footer, manifest, and every chunk's checksum.
struct ProjectFileContents {
  Json manifest;
  std::vector<ChunkRecord> chunks;  ///< from the manifest's index, all verified
  std::shared_ptr<const FileSource> file;

  /// The record of chunk (tag, id); nullptr if absent.
  const ChunkRecord* find(ChunkTag tag, std::uint64_t id) const;
};

/// Opens and verifies a project file. Throws ProjectError naming the file and what is wrong:
/// not a project, newer version, truncated, bad checksum (naming the chunk), missing chunk,
/// garbage manifest.
ProjectFileContents read_project_file(const std::filesystem::path& path);

/// What a lenient scan of a (possibly damaged) project file found.
struct ProjectScan {
  std::shared_ptr<const FileSource> file;
  std::vector<ChunkRecord> chunks;      ///< intact chunks in file order
  std::optional<Json> manifest;         ///< the last intact, parseable manifest, if any
  std::vector<std::string> problems;    ///< what was wrong, one line each
};

/// Walks the file chunk by chunk, keeping every chunk whose checksums hold and skipping damaged
/// stretches. Throws only if the file cannot be opened or is not a project of a version it reads.
ProjectScan scan_project_file(const std::filesystem::path& path);

/// Reads a chunk's payload and checks its CRC; ProjectError naming the chunk if it fails.
std::string read_chunk(const FileSource& file, const ChunkRecord& record);

}  // namespace likeness::doc
