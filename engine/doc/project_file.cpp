#include "engine/doc/project_file.h"

#include <cstring>
#include <map>

#include "engine/doc/block_codec.h"

namespace likeness::doc {

namespace {

constexpr char kMagic[16] = {'\x89', 'L', 'I', 'K', 'E', 'N', 'E', 'S', 'S', 'P', 'R', 'J', '\r', '\n', '\x1a', '\n'};
constexpr char kFooterMagic[8] = {'L', 'K', 'P', 'R', 'J', 'E', 'N', 'D'};
constexpr std::size_t kHeaderSize = 32, kChunkHeaderSize = 32, kFooterSize = 32;
// Manifests are JSON for a few hundred steps: anything beyond this is damage, not data.
constexpr std::uint64_t kMaxManifest = 512ull << 20;

void put_le(std::string& s, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::uint64_t get_le(std::string_view s, std::size_t at, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(s[at + i])) << (8 * i);
  return v;
}

bool known_tag(std::uint32_t tag) {
  return tag == static_cast<std::uint32_t>(ChunkTag::Block) || tag == static_cast<std::uint32_t>(ChunkTag::Step) ||
         tag == static_cast<std::uint32_t>(ChunkTag::Manifest);
}

struct ChunkHeader {
  std::uint32_t tag = 0, flags = 0, crc = 0;
  std::uint64_t id = 0, length = 0;
};

// Parses a 32-byte chunk header; false if its own checksum fails.
bool parse_chunk_header(std::string_view bytes, ChunkHeader& h) {
  if (bytes.size() < kChunkHeaderSize) return false;
  if (crc32_of(bytes.substr(0, 28)) != static_cast<std::uint32_t>(get_le(bytes, 28, 4))) return false;
  h.tag = static_cast<std::uint32_t>(get_le(bytes, 0, 4));
  h.flags = static_cast<std::uint32_t>(get_le(bytes, 4, 4));
  h.id = get_le(bytes, 8, 8);
  h.length = get_le(bytes, 16, 8);
  h.crc = static_cast<std::uint32_t>(get_le(bytes, 24, 4));
  return true;
}

[[noreturn]] void fail(const std::string& path, const std::string& what, bool recoverable) {
  throw ProjectError(at_file(path, what), recoverable);
}

// Checks the 32-byte file header; returns the version.
std::uint32_t check_header(const FileSource& file) {
  if (file.size() < kHeaderSize) fail(file.path(), "not a Likeness project (only " + std::to_string(file.size()) + " bytes)", false);
  const std::string head = file.read(0, kHeaderSize);
  if (std::memcmp(head.data(), kMagic, sizeof kMagic) != 0) fail(file.path(), "not a Likeness project (wrong magic bytes)", false);
  const auto version = static_cast<std::uint32_t>(get_le(head, 16, 4));
  if (version == 0) fail(file.path(), "damaged header: format version 0", true);
  if (version > kProjectFormatVersion)
    fail(file.path(),
         "written by a newer Likeness (project format version " + std::to_string(version) + "; this build reads up to version " +
             std::to_string(kProjectFormatVersion) + "): update Likeness to open it",
         false);
  return version;
}

ChunkTag tag_from_name(const std::string& name, const std::string& where) {
  if (name == "BLCK") return ChunkTag::Block;
  if (name == "STEP") return ChunkTag::Step;
  if (name == "MANI") return ChunkTag::Manifest;
  throw ProjectError(where + ": unknown chunk tag '" + name + "'", true);
}

}  // namespace

std::string to_string(ChunkTag tag) {
  const auto v = static_cast<std::uint32_t>(tag);
  if (known_tag(v)) {
    std::string s(4, ' ');
    for (int i = 0; i < 4; ++i) s[static_cast<std::size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xff);
    return s;
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

ProjectFileWriter::ProjectFileWriter(const std::filesystem::path& path) : out_(path) {
  std::string header(kMagic, sizeof kMagic);
  put_le(header, kProjectFormatVersion, 4);
  put_le(header, 0, 4);
  put_le(header, 0, 8);
  out_.write(header);
}

void ProjectFileWriter::write_chunk_header(ChunkTag tag, std::uint64_t id, std::uint64_t length, std::uint32_t crc) {
  std::string h;
  put_le(h, static_cast<std::uint32_t>(tag), 4);
  put_le(h, 0, 4);
  put_le(h, id, 8);
  put_le(h, length, 8);
  put_le(h, crc, 4);
  put_le(h, crc32_of(h), 4);
  out_.write(h);
}

ChunkRecord ProjectFileWriter::add(ChunkTag tag, std::uint64_t id, std::string_view payload) {
  ChunkRecord r;
  r.tag = tag;
  r.id = id;
  r.length = payload.size();
  r.crc = crc32_of(payload);
  write_chunk_header(tag, id, r.length, r.crc);
  r.offset = out_.offset();
  out_.write(payload);
  chunks_.push_back(r);
  return r;
}

ChunkRecord ProjectFileWriter::finish(Json manifest) {
  Json index = Json::array();
  for (const ChunkRecord& c : chunks_) index.push_back({to_string(c.tag), c.id, c.offset, c.length, c.crc});
  manifest["chunks"] = std::move(index);
  const std::string text = manifest.dump();
  const std::uint64_t manifest_chunk = out_.offset();
  ChunkRecord r = add(ChunkTag::Manifest, 0, text);
  std::string footer;
  put_le(footer, manifest_chunk, 8);
  put_le(footer, out_.offset() + kFooterSize, 8);
  put_le(footer, r.crc, 4);
  put_le(footer, kProjectFormatVersion, 4);
  footer.append(kFooterMagic, sizeof kFooterMagic);
  out_.write(footer);
  out_.flush_to_file();
  file_ = FileSource::open(out_.temporary(), out_.target().string());
  out_.commit();
  return r;
}

const ChunkRecord* ProjectFileContents::find(ChunkTag tag, std::uint64_t id) const {
  for (const ChunkRecord& c : chunks)
    if (c.tag == tag && c.id == id) return &c;
  return nullptr;
}

std::string read_chunk(const FileSource& file, const ChunkRecord& record) {
  std::string payload;
  try {
    payload = file.read(record.offset, record.length);
  } catch (const InputError&) {
    fail(file.path(), "truncated: chunk " + to_string(record.tag) + " " + std::to_string(record.id) + " at byte " +
                          std::to_string(record.offset) + " runs past the end of the file",
         true);
  }
  if (crc32_of(payload) != record.crc)
    fail(file.path(), "checksum mismatch in chunk " + to_string(record.tag) + " " + std::to_string(record.id) + " at byte " +
                          std::to_string(record.offset) + ": the file is damaged",
         true);
  return payload;
}

ProjectFileContents read_project_file(const std::filesystem::path& path) {
  ProjectFileContents out;
  out.file = FileSource::open(path);
  const FileSource& file = *out.file;
  check_header(file);
  if (file.size() < kHeaderSize + kFooterSize)
    fail(file.path(), "truncated: " + std::to_string(file.size()) + " bytes, the end marker is missing", true);
  const std::string footer = file.read(file.size() - kFooterSize, kFooterSize);
  if (std::memcmp(footer.data() + 24, kFooterMagic, sizeof kFooterMagic) != 0)
    fail(file.path(), "truncated or damaged: the end marker is missing (the file ends at byte " + std::to_string(file.size()) + ")",
         true);
  const std::uint64_t manifest_at = get_le(footer, 0, 8), recorded_size = get_le(footer, 8, 8);
  const auto footer_version = static_cast<std::uint32_t>(get_le(footer, 20, 4));
  if (recorded_size != file.size())
    fail(file.path(), "damaged: the end marker says " + std::to_string(recorded_size) + " bytes, the file has " +
                          std::to_string(file.size()),
         true);
  if (footer_version > kProjectFormatVersion)
    fail(file.path(), "written by a newer Likeness (project format version " + std::to_string(footer_version) +
                          "; this build reads up to version " + std::to_string(kProjectFormatVersion) + ")",
         false);
  if (manifest_at < kHeaderSize || manifest_at + kChunkHeaderSize > file.size() - kFooterSize)
    fail(file.path(), "damaged: the manifest offset " + std::to_string(manifest_at) + " is out of range", true);
  ChunkHeader mh;
  if (!parse_chunk_header(file.read(manifest_at, kChunkHeaderSize), mh) || mh.tag != static_cast<std::uint32_t>(ChunkTag::Manifest))
    fail(file.path(), "damaged: no valid manifest chunk at byte " + std::to_string(manifest_at), true);
  if (mh.length > kMaxManifest) fail(file.path(), "damaged: manifest length " + std::to_string(mh.length) + " is implausible", true);
  ChunkRecord manifest_record{ChunkTag::Manifest, 0, manifest_at + kChunkHeaderSize, mh.length, mh.crc};
  if (manifest_record.offset + manifest_record.length != file.size() - kFooterSize)
    fail(file.path(), "damaged: the manifest does not end where the footer starts", true);
  const std::string text = read_chunk(file, manifest_record);
  try {
    out.manifest = Json::parse(text);
  } catch (const Json::parse_error& e) {
    fail(file.path(), std::string("the manifest is not valid JSON: ") + e.what(), true);
  }
  const std::string where = file.path() + ": manifest";
  try {
    if (!out.manifest.is_object()) throw InputError(where + ": not a JSON object");
    const std::string format = json_field<std::string>(out.manifest, "format", where);
    if (format != "likeness-project") throw InputError(where + ": field 'format' is '" + format + "', not 'likeness-project'");
    const auto version = json_field<std::uint32_t>(out.manifest, "version", where);
    if (version > kProjectFormatVersion)
      fail(file.path(), "written by a newer Likeness (manifest version " + std::to_string(version) + "; this build reads up to version " +
                            std::to_string(kProjectFormatVersion) + ")",
           false);
    const Json index = json_field<Json>(out.manifest, "chunks", where);
    if (!index.is_array()) throw InputError(where + ": field 'chunks' is not a list");
    std::map<std::pair<std::uint32_t, std::uint64_t>, bool> seen;
    for (const Json& entry : index) {
      if (!entry.is_array() || entry.size() != 5) throw InputError(where + ": a 'chunks' entry is not [tag, id, offset, length, crc]");
      ChunkRecord r;
      r.tag = tag_from_name(entry[0].get<std::string>(), where);
      r.id = entry[1].get<std::uint64_t>();
      r.offset = entry[2].get<std::uint64_t>();
      r.length = entry[3].get<std::uint64_t>();
      r.crc = entry[4].get<std::uint32_t>();
      if (r.offset < kHeaderSize + kChunkHeaderSize || r.offset > manifest_at || r.length > manifest_at - r.offset)
        fail(file.path(), "damaged: chunk " + to_string(r.tag) + " " + std::to_string(r.id) + " lies outside the data (byte " +
                              std::to_string(r.offset) + ")",
             true);
      if (!seen.emplace(std::make_pair(static_cast<std::uint32_t>(r.tag), r.id), true).second)
        throw InputError(where + ": chunk " + to_string(r.tag) + " " + std::to_string(r.id) + " is listed twice");
      out.chunks.push_back(r);
    }
  } catch (const ProjectError&) {
    throw;
  } catch (const Json::exception& e) {
    fail(file.path(), std::string("the manifest's chunk index is malformed: ") + e.what(), true);
  } catch (const InputError& e) {
    throw ProjectError(e.what(), true);
  }
  // Every chunk's header must agree with the index and its payload with its checksum.
  for (const ChunkRecord& r : out.chunks) {
    ChunkHeader h;
    if (!parse_chunk_header(file.read(r.offset - kChunkHeaderSize, kChunkHeaderSize), h) || h.tag != static_cast<std::uint32_t>(r.tag) ||
        h.id != r.id || h.length != r.length || h.crc != r.crc)
      fail(file.path(), "damaged: the header of chunk " + to_string(r.tag) + " " + std::to_string(r.id) + " at byte " +
                            std::to_string(r.offset - kChunkHeaderSize) + " does not match the manifest",
           true);
    read_chunk(file, r);
  }
  return out;
}

ProjectScan scan_project_file(const std::filesystem::path& path) {
  ProjectScan scan;
  scan.file = FileSource::open(path);
  const FileSource& file = *scan.file;
  check_header(file);
  const std::uint64_t size = file.size();
  std::uint64_t at = kHeaderSize;
  // Read the whole file once (projects are at most a few hundred MB); damaged stretches are then
  // searched for the next valid chunk header byte by byte.
  const std::string bytes = file.read(0, size);
  auto view = std::string_view(bytes);
  bool resyncing = false;
  std::uint64_t damaged_from = 0;
  while (at + kChunkHeaderSize <= size) {
    ChunkHeader h;
    if (!parse_chunk_header(view.substr(at, kChunkHeaderSize), h) || !known_tag(h.tag)) {
      // The footer (or the file's end) is not a chunk: stop there quietly.
      if (at + kFooterSize == size && std::memcmp(bytes.data() + at + 24, kFooterMagic, sizeof kFooterMagic) == 0) break;
      if (!resyncing) {
        resyncing = true;
        damaged_from = at;
      }
      ++at;
      continue;
    }
    if (resyncing) {
      scan.problems.push_back("bytes " + std::to_string(damaged_from) + ".." + std::to_string(at) + " are damaged and were skipped");
      resyncing = false;
    }
    const std::uint64_t payload = at + kChunkHeaderSize;
    if (h.length > size - payload) {
      scan.problems.push_back("chunk " + to_string(static_cast<ChunkTag>(h.tag)) + " " + std::to_string(h.id) + " at byte " +
                              std::to_string(at) + " is cut off: the file is truncated");
      at = size;
      break;
    }
    ChunkRecord r{static_cast<ChunkTag>(h.tag), h.id, payload, h.length, h.crc};
    if (crc32_of(view.substr(payload, h.length)) != h.crc) {
      scan.problems.push_back("chunk " + to_string(r.tag) + " " + std::to_string(r.id) + " at byte " + std::to_string(at) +
                              " fails its checksum and was skipped");
    } else if (r.tag == ChunkTag::Manifest) {
      try {
        scan.manifest = Json::parse(view.substr(payload, h.length));
      } catch (const Json::parse_error& e) {
        scan.problems.push_back(std::string("the manifest is not valid JSON: ") + e.what());
      }
    } else {
      scan.chunks.push_back(r);
    }
    at = payload + h.length;
  }
  if (resyncing) scan.problems.push_back("bytes " + std::to_string(damaged_from) + ".." + std::to_string(size) + " are damaged");
  else if (at < size && !(size - at == kFooterSize && std::memcmp(bytes.data() + at + 24, kFooterMagic, sizeof kFooterMagic) == 0))
    scan.problems.push_back("the file ends inside a chunk header at byte " + std::to_string(at) + ": it is truncated");
  if (!scan.manifest) scan.problems.push_back("no intact manifest: the history was rebuilt from the step records");
  return scan;
}

}  // namespace likeness::doc
