#include "engine/doc/history.h"

#include <ctime>

#include "engine/core/error.h"

namespace likeness::doc {

namespace {
constexpr std::pair<StepKind, const char*> kKindNames[] = {
    {StepKind::Create, "create"}, {StepKind::Generate, "generate"}, {StepKind::Edit, "edit"},
    {StepKind::Slider, "slider"}, {StepKind::MaskPaint, "mask"},    {StepKind::Import, "import"},
};
}  // namespace

const char* to_string(StepKind kind) {
  for (const auto& [k, name] : kKindNames)
    if (k == kind) return name;
  return "unknown";
}

std::optional<StepKind> step_kind_from_name(const std::string& name) {
  for (const auto& [k, n] : kKindNames)
    if (name == n) return k;
  return std::nullopt;
}

const StepRecord& History::step(int id) const {
  if (id < 0 || id >= static_cast<int>(steps_.size()))
    throw InputError("no step " + std::to_string(id) + " (the history has steps 0.." + std::to_string(int(steps_.size()) - 1) + ")");
  return steps_[static_cast<std::size_t>(id)];
}

int History::append(StepRecord record) {
  const int id = static_cast<int>(steps_.size());
  record.info.id = id;
  record.info.parent = current_;
  record.info.children.clear();
  record.redo_child = -1;
  if (current_ >= 0) {
    StepRecord& parent = steps_[static_cast<std::size_t>(current_)];
    parent.info.children.push_back(id);
    parent.redo_child = id;
  }
  steps_.push_back(std::move(record));
  current_ = id;
  return id;
}

bool History::can_undo() const { return current_ >= 0 && steps_[static_cast<std::size_t>(current_)].info.parent >= 0; }

bool History::can_redo() const { return current_ >= 0 && steps_[static_cast<std::size_t>(current_)].redo_child >= 0; }

bool History::undo() {
  if (!can_undo()) return false;
  current_ = steps_[static_cast<std::size_t>(current_)].info.parent;
  return true;
}

bool History::redo() {
  if (!can_redo()) return false;
  current_ = steps_[static_cast<std::size_t>(current_)].redo_child;
  return true;
}

void History::checkout(int id) {
  step(id);
  current_ = id;
  // Redo from every ancestor leads back along this path.
  for (int child = id, parent = steps_[static_cast<std::size_t>(id)].info.parent; parent >= 0;
       child = parent, parent = steps_[static_cast<std::size_t>(parent)].info.parent)
    steps_[static_cast<std::size_t>(parent)].redo_child = child;
}

std::vector<int> History::lineage(int id) const {
  step(id);
  std::vector<int> path;
  for (int s = id; s >= 0; s = steps_[static_cast<std::size_t>(s)].info.parent) path.insert(path.begin(), s);
  return path;
}

History History::from_records(std::vector<StepRecord> records, int current, const std::string& source) {
  History h;
  for (std::size_t i = 0; i < records.size(); ++i) {
    StepRecord& r = records[i];
    if (r.info.id != static_cast<int>(i))
      throw InputError(source + ": step " + std::to_string(i) + " has id " + std::to_string(r.info.id));
    if (r.info.parent >= static_cast<int>(i) || r.info.parent < -1 || (i > 0 && r.info.parent < 0) || (i == 0 && r.info.parent != -1))
      throw InputError(source + ": step " + std::to_string(i) + " has parent " + std::to_string(r.info.parent) +
                       ", which is not an earlier step");
    r.info.children.clear();
    if (r.info.parent >= 0) records[static_cast<std::size_t>(r.info.parent)].info.children.push_back(r.info.id);
  }
  for (StepRecord& r : records) {
    bool ok = r.redo_child == -1;
    for (int c : r.info.children) ok = ok || c == r.redo_child;
    if (!ok) r.redo_child = r.info.children.empty() ? -1 : r.info.children.back();
  }
  if (records.empty()) throw InputError(source + ": the history has no steps");
  if (current < 0 || current >= static_cast<int>(records.size()))
    throw InputError(source + ": current step " + std::to_string(current) + " is not a step");
  h.steps_ = std::move(records);
  h.current_ = current;
  return h;
}

std::string label_from_cause(StepKind kind, const Json& cause) {
  auto text = [&](const char* key) -> std::string {
    if (cause.is_object() && cause.contains(key) && cause[key].is_string()) return cause[key].get<std::string>();
    return {};
  };
  for (const char* key : {"label", "prompt", "instruction"}) {
    std::string t = text(key);
    if (!t.empty()) return t;
  }
  std::string label = to_string(kind);
  for (const char* key : {"changes", "parameters"}) {
    if (!cause.is_object() || !cause.contains(key) || !cause[key].is_object()) continue;
    std::string names;
    for (auto it = cause[key].begin(); it != cause[key].end(); ++it) names += (names.empty() ? "" : ", ") + it.key();
    if (!names.empty()) return label + ": " + names;
  }
  return label;
}

std::string utc_now_iso8601() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace likeness::doc
