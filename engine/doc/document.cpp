#include "engine/doc/document.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include "engine/core/error.h"
#include "engine/doc/block_store.h"

namespace likeness::doc {
namespace fs = std::filesystem;

class DocumentSnapshot {
public:
  std::vector<StepRecord> steps;
  int current = 0;
  std::map<std::uint64_t, std::shared_ptr<const Block>> blocks;
  std::uint64_t revision = 0;
  std::string origin;
};

std::uint64_t snapshot_revision(const DocumentSnapshot& snapshot) { return snapshot.revision; }

namespace {

constexpr char kPngSignature[] = "\x89PNG\r\n\x1a\n";

std::string project_generator() { return "Likeness " LIKENESS_DOC_VERSION; }

Json step_to_json(const StepRecord& r) {
  return {{"id", r.info.id},       {"parent", r.info.parent}, {"kind", to_string(r.info.kind)},
          {"label", r.info.label}, {"cause", r.info.cause},   {"time", r.info.time},
          {"thumbnail", r.thumbnail}, {"redo_child", r.redo_child}, {"state", to_json(r.state)}};
}

StepRecord step_from_json(const Json& j, const std::string& source) {
  StepRecord r;
  r.info.id = json_field<int>(j, "id", source);
  const std::string where = source + ": step " + std::to_string(r.info.id);
  r.info.parent = json_field<int>(j, "parent", where);
  const std::string kind = json_field<std::string>(j, "kind", where);
  auto k = step_kind_from_name(kind);
  if (!k) throw_json_error(where, "kind", "'" + kind + "' is not a step kind");
  r.info.kind = *k;
  r.info.label = json_field_or<std::string>(j, "label", "", where);
  r.info.cause = json_field_or<Json>(j, "cause", Json::object(), where);
  r.info.time = json_field_or<std::string>(j, "time", "", where);
  r.thumbnail = json_field_or<std::uint64_t>(j, "thumbnail", 0, where);
  r.redo_child = json_field_or<int>(j, "redo_child", -1, where);
  r.state = stored_state_from_json(json_field<Json>(j, "state", where), where);
  return r;
}

// The FaceState member holding the tensor FaceState::tensors() names `name`.
at::Tensor* tensor_slot(state::FaceState& s, const std::string& name) {
  for (auto [n, slot] : {std::pair<const char*, at::Tensor*>{"identity", &s.identity}, {"expression", &s.expression},
                         {"pose", &s.pose}, {"displacement", &s.displacement}, {"appearance", &s.appearance},
                         {"albedo_residual", &s.albedo_residual}, {"normal_residual", &s.normal_residual},
                         {"painted_mask", &s.painted_mask}})
    if (name == n) return slot;
  throw InputError("state field '" + name + "' is unknown to the document");
}

void check_thumbnail(const std::string& png) {
  if (!png.empty() && png.compare(0, 8, std::string(kPngSignature, 8)) != 0)
    throw InputError("thumbnail: not PNG bytes (the PNG signature is missing)");
}

std::shared_ptr<const Block> file_block(std::uint64_t id, const std::shared_ptr<const FileSource>& file, const ChunkRecord& r) {
  auto b = std::make_shared<Block>(Block::from_payload(id, file->read(r.offset, kBlockHeaderSize + 0), file->path()));
  b->file = file;
  b->offset = r.offset;
  b->length = r.length;
  b->crc = r.crc;
  return b;
}

}  // namespace

struct Document::Impl {
  mutable std::mutex mutex;
  History history;
  BlockStore store;
  std::shared_ptr<const state::FaceState> current;  // decoded state of step `decoded`
  int decoded = -1;
  fs::path path;
  std::uint64_t revision = 1, saved_revision = 0;
  std::string origin;

  std::string source() const { return path.empty() ? std::string("untitled document") : path.string(); }

  // Decodes step `id`, using the decoded current state as a base.
  std::shared_ptr<const state::FaceState> decode(int id) const {
    const StepRecord& target = history.step(id);
    const StepRecord* base = decoded >= 0 ? &history.step(decoded) : nullptr;
    return std::make_shared<const state::FaceState>(decode_state(target.state, store, source() + ": step " + std::to_string(id),
                                                                 base ? &base->state : nullptr, base ? current.get() : nullptr));
  }

  void move_to(int id) {
    if (id == decoded) return;
    current = decode(id);
    decoded = id;
  }

  std::shared_ptr<const state::FaceState> state_view() {
    if (decoded != history.current()) move_to(history.current());
    return current;
  }
};

Document::Document(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Document::Document(Document&&) noexcept = default;
Document& Document::operator=(Document&&) noexcept = default;
Document::~Document() = default;

Document Document::create(const state::FaceState& initial, Json cause, std::string thumbnail_png) {
  if (cause.is_null()) cause = Json::object();
  if (!cause.is_object()) throw InputError("step cause: must be a JSON object");
  initial.validate("initial state");
  check_thumbnail(thumbnail_png);
  auto impl = std::make_unique<Impl>();
  auto state = std::make_shared<const state::FaceState>(initial.clone());
  StepRecord r;
  r.info.kind = StepKind::Create;
  r.info.label = label_from_cause(StepKind::Create, cause);
  r.info.cause = std::move(cause);
  r.info.time = utc_now_iso8601();
  r.state = encode_state(*state, impl->store);
  if (!thumbnail_png.empty()) r.thumbnail = impl->store.put(thumbnail_png.data(), thumbnail_png.size(), 1, BlockCodec::Raw);
  impl->history.append(std::move(r));
  impl->current = std::move(state);
  impl->decoded = 0;
  return Document(std::move(impl));
}

Document Document::open(const fs::path& path) {
  ProjectFileContents contents = read_project_file(path);
  const std::string source = path.string();
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  std::vector<StepRecord> records;
  int current = 0;
  try {
    const Json steps = json_field<Json>(contents.manifest, "steps", source + ": manifest");
    if (!steps.is_array()) throw_json_error(source + ": manifest", "steps", "expected a list");
    for (const Json& s : steps) records.push_back(step_from_json(s, source));
    current = json_field<int>(contents.manifest, "current_step", source + ": manifest");
    impl->origin = json_field_or<std::string>(contents.manifest, "origin", "", source + ": manifest");
    impl->history = History::from_records(std::move(records), current, source);
  } catch (const ProjectError&) {
    throw;
  } catch (const InputError& e) {
    throw ProjectError(e.what(), true);
  }
  for (const ChunkRecord& r : contents.chunks)
    if (r.tag == ChunkTag::Block) impl->store.insert(file_block(r.id, contents.file, r));
  for (const StepRecord& r : impl->history.steps()) {
    std::vector<std::uint64_t> ids = r.state.block_ids();
    if (r.thumbnail) ids.push_back(r.thumbnail);
    for (std::uint64_t id : ids)
      if (!impl->store.contains(id))
        throw ProjectError(at_file(source, "step " + std::to_string(r.info.id) + " needs block " + std::to_string(id) +
                                               ", which is missing from the file"),
                           true);
  }
  try {
    impl->move_to(impl->history.current());
  } catch (const ProjectError&) {
    throw;
  } catch (const InputError& e) {
    throw ProjectError(e.what(), true);
  }
  impl->saved_revision = impl->revision;
  return Document(std::move(impl));
}

fs::path Document::path() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->path;
}

int Document::current_step() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->history.current();
}

int Document::step_count() const {
  std::lock_guard lock(impl_->mutex);
  return static_cast<int>(impl_->history.steps().size());
}

StepInfo Document::step(int id) const {
  std::lock_guard lock(impl_->mutex);
  StepInfo info = impl_->history.step(id).info;
  info.has_thumbnail = impl_->history.step(id).thumbnail != 0;
  return info;
}

std::vector<StepInfo> Document::steps() const {
  std::lock_guard lock(impl_->mutex);
  std::vector<StepInfo> out;
  for (const StepRecord& r : impl_->history.steps()) {
    out.push_back(r.info);
    out.back().has_thumbnail = r.thumbnail != 0;
  }
  return out;
}

std::vector<int> Document::lineage(int id) const {
  std::lock_guard lock(impl_->mutex);
  return impl_->history.lineage(id);
}

bool Document::can_undo() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->history.can_undo();
}

bool Document::can_redo() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->history.can_redo();
}

state::FaceState Document::current_state() const { return current_state_view()->clone(); }

std::shared_ptr<const state::FaceState> Document::current_state_view() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->state_view();
}

state::FaceState Document::state_at(int id) const {
  std::lock_guard lock(impl_->mutex);
  if (id == impl_->decoded) return impl_->current->clone();
  return impl_->decode(id)->clone();
}

std::string Document::thumbnail(int id) const {
  std::lock_guard lock(impl_->mutex);
  const std::uint64_t block = impl_->history.step(id).thumbnail;
  if (block == 0) return {};
  auto b = impl_->store.get(block);
  std::string png(b->raw_size, '\0');
  b->decode(png.data(), impl_->source());
  return png;
}

int Document::commit_step(StepKind kind, const state::FaceState& state, Json cause, std::string thumbnail_png) {
  if (cause.is_null()) cause = Json::object();
  if (!cause.is_object()) throw InputError("step cause: must be a JSON object");
  state.validate("new step");
  check_thumbnail(thumbnail_png);
  std::lock_guard lock(impl_->mutex);
  auto base = impl_->state_view();
  const StepRecord& parent = impl_->history.step(impl_->history.current());
  StepRecord r;
  r.info.kind = kind;
  r.info.label = label_from_cause(kind, cause);
  r.info.cause = std::move(cause);
  r.info.time = utc_now_iso8601();
  r.state = encode_state(state, impl_->store, &parent.state, base.get());
  // The document's own copy: tensors whose blocks did not change are shared with the parent's
  // decoded state, the others copied, so the caller's tensors are never aliased.
  auto owned = std::make_shared<state::FaceState>(state);
  for (const StoredTensor& t : r.state.tensors) {
    at::Tensor* slot = tensor_slot(*owned, t.name);
    const StoredTensor* p = nullptr;
    for (const StoredTensor& pt : parent.state.tensors)
      if (pt.name == t.name) p = &pt;
    at::Tensor shared = p && p->blocks == t.blocks && p->shape == t.shape ? *tensor_slot(const_cast<state::FaceState&>(*base), t.name)
                                                                         : at::Tensor();
    *slot = shared.defined() ? shared : slot->detach().to(at::kFloat).contiguous().clone();
  }
  if (!thumbnail_png.empty()) r.thumbnail = impl_->store.put(thumbnail_png.data(), thumbnail_png.size(), 1, BlockCodec::Raw);
  const int id = impl_->history.append(std::move(r));
  impl_->current = std::move(owned);
  impl_->decoded = id;
  ++impl_->revision;
  return id;
}

bool Document::undo() {
  std::lock_guard lock(impl_->mutex);
  if (!impl_->history.can_undo()) return false;
  const int target = impl_->history.step(impl_->history.current()).info.parent;
  impl_->move_to(target);  // decode first: a failure leaves the document where it was
  impl_->history.undo();
  ++impl_->revision;
  return true;
}

bool Document::redo() {
  std::lock_guard lock(impl_->mutex);
  if (!impl_->history.can_redo()) return false;
  const int target = impl_->history.step(impl_->history.current()).redo_child;
  impl_->move_to(target);
  impl_->history.redo();
  ++impl_->revision;
  return true;
}

void Document::checkout(int id) {
  std::lock_guard lock(impl_->mutex);
  impl_->history.step(id);
  impl_->move_to(id);
  impl_->history.checkout(id);
  ++impl_->revision;
}

std::shared_ptr<const DocumentSnapshot> Document::snapshot() const {
  std::lock_guard lock(impl_->mutex);
  auto snap = std::make_shared<DocumentSnapshot>();
  snap->steps = impl_->history.steps();
  snap->current = impl_->history.current();
  snap->revision = impl_->revision;
  snap->origin = impl_->origin;
  for (const StepRecord& r : snap->steps) {
    for (std::uint64_t id : r.state.block_ids()) snap->blocks.emplace(id, impl_->store.get(id));
    if (r.thumbnail) snap->blocks.emplace(r.thumbnail, impl_->store.get(r.thumbnail));
  }
  return snap;
}

void Document::save() {
  const fs::path target = path();
  if (target.empty()) throw InputError("untitled document: choose a file name (save_as)");
  save_as(target);
}

void Document::save_as(const fs::path& target) {
  auto snap = snapshot();
  SavedProject saved = write_project(*snap, target);
  mark_saved(saved);
}

void Document::set_path(const fs::path& target) {
  std::lock_guard lock(impl_->mutex);
  impl_->path = target;
  impl_->saved_revision = 0;
}

void Document::mark_saved(const SavedProject& saved) {
  std::lock_guard lock(impl_->mutex);
  for (const ChunkRecord& r : saved.blocks) {
    if (!impl_->store.contains(r.id)) continue;
    auto old = impl_->store.get(r.id);
    auto b = std::make_shared<Block>(*old);
    b->stored.reset();
    b->file = saved.file;
    b->offset = r.offset;
    b->length = r.length;
    b->crc = r.crc;
    impl_->store.insert(std::move(b));
  }
  impl_->path = saved.path;
  impl_->origin.clear();
  if (saved.revision > impl_->saved_revision) impl_->saved_revision = saved.revision;
}

std::uint64_t Document::revision() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->revision;
}

bool Document::modified() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->saved_revision != impl_->revision;
}

MemoryUse Document::memory_use() const {
  std::lock_guard lock(impl_->mutex);
  MemoryUse m;
  m.resident_blocks = impl_->store.resident_bytes();
  m.blocks = impl_->store.size();
  if (impl_->current) m.current_state = impl_->current->bytes();
  return m;
}

std::string Document::origin_note() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->origin;
}

SavedProject write_project(const DocumentSnapshot& snapshot, const fs::path& path, const std::string& autosave_of) {
  ProjectFileWriter writer(path);
  SavedProject saved;
  saved.path = path;
  saved.revision = snapshot.revision;
  std::set<std::uint64_t> written;
  Json steps = Json::array();
  // Each step's blocks, then the step itself: a file cut short still holds whole early steps.
  for (const StepRecord& r : snapshot.steps) {
    std::vector<std::uint64_t> ids = r.state.block_ids();
    if (r.thumbnail) ids.push_back(r.thumbnail);
    for (std::uint64_t id : ids) {
      if (!written.insert(id).second) continue;
      saved.blocks.push_back(writer.add(ChunkTag::Block, id, snapshot.blocks.at(id)->payload()));
    }
    Json j = step_to_json(r);
    writer.add(ChunkTag::Step, static_cast<std::uint64_t>(r.info.id), j.dump());
    steps.push_back(std::move(j));
  }
  Json manifest = {{"format", "likeness-project"},
                   {"version", kProjectFormatVersion},
                   {"generator", project_generator()},
                   {"saved_at", utc_now_iso8601()},
                   {"current_step", snapshot.current},
                   {"steps", std::move(steps)}};
  if (!autosave_of.empty()) manifest["autosave_of"] = autosave_of;
  if (!snapshot.origin.empty()) manifest["origin"] = snapshot.origin;
  writer.finish(std::move(manifest));
  saved.file = writer.file();
  saved.bytes = saved.file->size();
  return saved;
}

// --- Recovery ------------------------------------------------------------------------------

struct DocumentAccess {
  static std::unique_ptr<Document::Impl> new_impl() { return std::make_unique<Document::Impl>(); }
  static Document make(std::unique_ptr<Document::Impl> impl) { return Document(std::move(impl)); }
};

Recovery recover_project(const fs::path& path) {
  Recovery out;
  ProjectScan scan = scan_project_file(path);
  out.problems = scan.problems;
  const std::string source = path.string();
  auto impl = DocumentAccess::new_impl();
  std::map<std::uint64_t, ChunkRecord> block_chunks;
  std::map<int, StepRecord> found;
  for (const ChunkRecord& c : scan.chunks) {
    if (c.tag == ChunkTag::Block) {
      try {
        impl->store.insert(file_block(c.id, scan.file, c));
        block_chunks[c.id] = c;
      } catch (const InputError& e) {
        out.problems.push_back(e.what());
      }
    } else if (c.tag == ChunkTag::Step) {
      try {
        StepRecord r = step_from_json(Json::parse(scan.file->read(c.offset, c.length)), source);
        found[r.info.id] = std::move(r);
      } catch (const std::exception& e) {
        out.problems.push_back("step record " + std::to_string(c.id) + " is unreadable: " + e.what());
      }
    }
  }
  int manifest_current = -1;
  if (scan.manifest && scan.manifest->is_object() && scan.manifest->contains("current_step") &&
      (*scan.manifest)["current_step"].is_number_integer())
    manifest_current = (*scan.manifest)["current_step"].get<int>();
  out.steps_found = static_cast<int>(found.size());

  // Keep the steps whose blocks are all intact and whose state decodes.
  std::map<int, int> new_id;  // old id -> new id
  std::vector<StepRecord> kept;
  std::shared_ptr<const state::FaceState> previous;  // decoded state of kept.back()
  for (auto& [old_id, r] : found) {
    bool complete = true;
    for (std::uint64_t id : r.state.block_ids())
      if (!impl->store.contains(id)) {
        out.problems.push_back("step " + std::to_string(old_id) + " lost block " + std::to_string(id) + " and cannot be rebuilt");
        complete = false;
        break;
      }
    if (!complete) continue;
    try {
      previous = std::make_shared<const state::FaceState>(
          decode_state(r.state, impl->store, source + ": step " + std::to_string(old_id), kept.empty() ? nullptr : &kept.back().state,
                       kept.empty() ? nullptr : previous.get()));
    } catch (const InputError& e) {
      out.problems.push_back(e.what());
      continue;
    }
    if (r.thumbnail && !impl->store.contains(r.thumbnail)) {
      out.problems.push_back("step " + std::to_string(old_id) + " lost its thumbnail");
      r.thumbnail = 0;
    }
    // Re-link to the nearest kept ancestor (through records found but not kept).
    int parent = r.info.parent;
    while (parent >= 0 && !new_id.count(parent)) {
      auto it = found.find(parent);
      parent = it == found.end() ? -1 : it->second.info.parent;
    }
    const int id = static_cast<int>(kept.size());
    new_id[old_id] = id;
    r.info.id = id;
    r.info.parent = parent >= 0 ? new_id[parent] : (id == 0 ? -1 : 0);
    if (parent < 0 && id > 0) out.problems.push_back("step " + std::to_string(old_id) + " lost its parent and was attached to the first step");
    r.redo_child = -1;
    kept.push_back(std::move(r));
  }
  // Recompute redo targets within the kept steps.
  out.steps_recovered = static_cast<int>(kept.size());
  if (kept.empty()) {
    out.problems.push_back("no step could be recovered");
    return out;
  }
  int current = static_cast<int>(kept.size()) - 1;
  if (manifest_current >= 0 && new_id.count(manifest_current)) current = new_id[manifest_current];
  impl->history = History::from_records(std::move(kept), current, source);
  std::vector<std::uint64_t> live;
  for (const StepRecord& r : impl->history.steps()) {
    for (std::uint64_t id : r.state.block_ids()) live.push_back(id);
    if (r.thumbnail) live.push_back(r.thumbnail);
  }
  impl->store.retain(live);
  impl->origin = "recovered from " + source;
  impl->move_to(impl->history.current());
  out.document = DocumentAccess::make(std::move(impl));
  return out;
}

}  // namespace likeness::doc
