// Project files: exact round trips are in document_test.cpp; here every kind of damage fails with
// a clear error naming what is wrong, and recovery salvages what is intact.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/doc/block_codec.h"
#include "engine/doc/document.h"
#include "tests/doc/doc_fixtures.h"

using namespace likeness;
using namespace likeness::doc;
namespace fs = std::filesystem;

namespace {

fs::path temp_path(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / "likeness_project_test";
  fs::create_directories(dir);
  fs::remove(dir / name);
  return dir / name;
}

// A saved project with 6 steps (a branch included) and thumbnails.
std::string sample_project_bytes() {
  static std::string bytes = [] {
    const fs::path path = temp_path("sample.likeness");
    Document doc = Document::create(test::step_state(0), {}, test::fake_png(0));
    for (int i = 1; i <= 5; ++i) {
      doc.commit_step(StepKind::Edit, test::step_state(i), {{"instruction", "edit " + std::to_string(i)}}, test::fake_png(i));
      if (i == 3) doc.undo();
    }
    doc.save_as(path);
    return read_file(path);
  }();
  return bytes;
}

std::uint64_t le(const std::string& s, std::size_t at, int n) {
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(s[at + i])) << (8 * i);
  return v;
}
void put(std::string& s, std::uint64_t v, int n) {
  for (int i = 0; i < n; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// The manifest text of a project file (by the layout in docs/formats.md).
std::string manifest_of(const std::string& file) {
  const std::uint64_t at = le(file, file.size() - 32, 8);
  const std::uint64_t length = le(file, at + 16, 8);
  return file.substr(at + 32, length);
}

// The same file with its manifest chunk replaced by `text` (checksums recomputed).
std::string with_manifest(const std::string& file, const std::string& text) {
  const std::uint64_t at = le(file, file.size() - 32, 8);
  std::string out = file.substr(0, at);
  std::string header;
  put(header, 0x494e414d, 4);
  put(header, 0, 4);
  put(header, 0, 8);
  put(header, text.size(), 8);
  put(header, crc32_of(text), 4);
  put(header, crc32_of(header), 4);
  out += header + text;
  put(out, at, 8);
  put(out, out.size() + 24, 8);
  put(out, crc32_of(text), 4);
  put(out, le(file, file.size() - 12, 4), 4);
  out += "LKPRJEND";
  return out;
}

// Writes bytes to a file and expects opening it to fail with `needle` in the message.
ProjectError expect_open_error(const std::string& name, const std::string& bytes, const std::string& needle) {
  const fs::path path = temp_path(name);
  write_file_atomic(path, bytes);
  try {
    Document::open(path);
    ADD_FAILURE() << name << ": opened; expected an error with '" << needle << "'";
  } catch (const ProjectError& e) {
    EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << "names the file: " << e.what();
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << name << ": " << e.what();
    return e;
  } catch (const std::exception& e) {
    ADD_FAILURE() << name << ": threw something other than ProjectError: " << e.what();
  }
  return ProjectError("", false);
}

}  // namespace

TEST(ProjectFile, IntactFileOpens) {
  const fs::path path = temp_path("intact.likeness");
  write_file_atomic(path, sample_project_bytes());
  Document doc = Document::open(path);
  EXPECT_EQ(doc.step_count(), 6);
  EXPECT_EQ(doc.current_step(), 5);
  EXPECT_EQ(doc.step(4).parent, 2) << "step 4 branched from 2 after the undo";
  Json manifest = Json::parse(manifest_of(sample_project_bytes()));
  EXPECT_EQ(manifest["format"], "likeness-project");
  EXPECT_EQ(manifest["version"], kProjectFormatVersion);
  EXPECT_EQ(manifest["steps"].size(), 6u);
}

TEST(ProjectFile, TruncatedFilesFailCleanlyAndRecoverTheirEarlySteps) {
  const std::string bytes = sample_project_bytes();
  int previous_recovered = -1;
  for (double fraction : {0.0, 0.00001, 0.1, 0.35, 0.6, 0.9, 0.999}) {
    std::size_t cut = static_cast<std::size_t>(static_cast<double>(bytes.size()) * fraction);
    const std::string name = "truncated-" + std::to_string(cut) + ".likeness";
    ProjectError e = expect_open_error(name, bytes.substr(0, cut), cut < 32 ? "not a Likeness project" : "truncated");
    if (cut < 32) {
      EXPECT_FALSE(e.recoverable());
      continue;
    }
    EXPECT_TRUE(e.recoverable());
    Recovery r = recover_project(fs::temp_directory_path() / "likeness_project_test" / name);
    EXPECT_FALSE(r.problems.empty());
    EXPECT_GE(r.steps_recovered, previous_recovered) << "a longer prefix never recovers less";
    previous_recovered = r.steps_recovered;
    if (r.document) {
      for (int i = 0; i < r.document->step_count(); ++i)
        EXPECT_TRUE(state::equal(r.document->state_at(i), test::step_state(i))) << "step " << i << " of a cut at " << cut;
      EXPECT_NE(r.document->origin_note().find("recovered"), std::string::npos);
    }
  }
  EXPECT_GE(previous_recovered, 5) << "cut in the manifest: every step is still there";
  // Cut exactly before the footer.
  expect_open_error("nofooter.likeness", bytes.substr(0, bytes.size() - 32), "end marker");
}

TEST(ProjectFile, BadChecksumNamesTheChunk) {
  std::string bytes = sample_project_bytes();
  // Damage a byte in the middle of the first block of step 5 (the last step's own blocks come
  // just before its step record).
  Json manifest = Json::parse(manifest_of(bytes));
  std::uint64_t victim = 0, victim_id = 0;
  std::vector<std::uint64_t> step5_blocks;
  for (const auto& t : manifest["steps"][5]["state"]["tensors"])
    for (auto id : t["blocks"]) step5_blocks.push_back(id.get<std::uint64_t>());
  for (const auto& c : manifest["chunks"])
    if (c[0] == "BLCK" && c[1].get<std::uint64_t>() == step5_blocks.back() && step5_blocks.back() != 0) {
      victim = c[2].get<std::uint64_t>() + c[3].get<std::uint64_t>() / 2;
      victim_id = c[1];
    }
  ASSERT_GT(victim, 0u);
  bytes[victim] ^= 0x40;
  ProjectError e = expect_open_error("badcrc.likeness", bytes, "checksum mismatch in chunk BLCK " + std::to_string(victim_id));
  EXPECT_TRUE(e.recoverable());
  Recovery r = recover_project(fs::temp_directory_path() / "likeness_project_test" / "badcrc.likeness");
  ASSERT_TRUE(r.document);
  EXPECT_EQ(r.steps_found, 6);
  EXPECT_EQ(r.steps_recovered, 5) << "only the step that needs the damaged block is lost";
  bool named = false;
  for (const auto& p : r.problems) named = named || p.find("fails its checksum") != std::string::npos;
  EXPECT_TRUE(named);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(state::equal(r.document->state_at(i), test::step_state(i)));
  // The recovered document can be saved as a clean project.
  const fs::path saved = temp_path("recovered.likeness");
  r.document->save_as(saved);
  EXPECT_EQ(Document::open(saved).step_count(), 5);
}

TEST(ProjectFile, MissingPayloadNamesTheBlock) {
  const std::string bytes = sample_project_bytes();
  Json manifest = Json::parse(manifest_of(bytes));
  const std::uint64_t needed = manifest["steps"][2]["state"]["tensors"][0]["blocks"][0];
  Json chunks = Json::array();
  for (const auto& c : manifest["chunks"])
    if (!(c[0] == "BLCK" && c[1] == needed)) chunks.push_back(c);
  manifest["chunks"] = chunks;
  ProjectError e = expect_open_error("missing.likeness", with_manifest(bytes, manifest.dump()),
                                     "needs block " + std::to_string(needed) + ", which is missing");
  EXPECT_TRUE(e.recoverable());
  // A chunk index that points outside the file.
  manifest = Json::parse(manifest_of(bytes));
  manifest["chunks"][0][2] = bytes.size() * 4;
  expect_open_error("outside.likeness", with_manifest(bytes, manifest.dump()), "outside the data");
}

TEST(ProjectFile, NewerVersionsAreRefusedClearly) {
  std::string bytes = sample_project_bytes();
  std::string header_v2 = bytes;
  header_v2[16] = 2;
  ProjectError e = expect_open_error("v2header.likeness", header_v2, "newer Likeness");
  EXPECT_FALSE(e.recoverable());
  EXPECT_NE(std::string(e.what()).find("version 2"), std::string::npos);
  Json manifest = Json::parse(manifest_of(bytes));
  manifest["version"] = 7;
  expect_open_error("v7manifest.likeness", with_manifest(bytes, manifest.dump()), "manifest version 7");
  EXPECT_THROW(recover_project(fs::temp_directory_path() / "likeness_project_test" / "v2header.likeness"), ProjectError);
}

TEST(ProjectFile, GarbageManifestFailsAndStepsAreRecovered) {
  const std::string bytes = sample_project_bytes();
  expect_open_error("garbage.likeness", with_manifest(bytes, "{\"format\": \"likeness-project\", \"steps\": [1, 2"), "not valid JSON");
  Recovery r = recover_project(fs::temp_directory_path() / "likeness_project_test" / "garbage.likeness");
  ASSERT_TRUE(r.document);
  EXPECT_EQ(r.steps_recovered, 6) << "step records carry the history without the manifest";
  EXPECT_EQ(r.document->step(4).parent, 2);
  for (int i = 0; i < 6; ++i) EXPECT_TRUE(state::equal(r.document->state_at(i), test::step_state(i)));

  Json manifest = Json::parse(manifest_of(bytes));
  manifest.erase("steps");
  expect_open_error("nosteps.likeness", with_manifest(bytes, manifest.dump()), "'steps'");
  manifest = Json::parse(manifest_of(bytes));
  manifest["format"] = "something-else";
  expect_open_error("format.likeness", with_manifest(bytes, manifest.dump()), "likeness-project");
  manifest = Json::parse(manifest_of(bytes));
  manifest["steps"][5]["state"]["metadata"]["texture_resolution"] = "huge";
  expect_open_error("meta.likeness", with_manifest(bytes, manifest.dump()), "texture_resolution");
  manifest = Json::parse(manifest_of(bytes));
  manifest["steps"][3]["kind"] = "teleport";
  expect_open_error("kind.likeness", with_manifest(bytes, manifest.dump()), "teleport");
  manifest = Json::parse(manifest_of(bytes));
  manifest["current_step"] = 99;
  expect_open_error("current.likeness", with_manifest(bytes, manifest.dump()), "current step 99");
  expect_open_error("array.likeness", with_manifest(bytes, "[1, 2, 3]"), "not a JSON object");
}

TEST(ProjectFile, NotAProjectAtAll) {
  ProjectError e = expect_open_error("text.likeness", std::string(200, 'x'), "not a Likeness project");
  EXPECT_FALSE(e.recoverable());
  expect_open_error("empty.likeness", "", "not a Likeness project");
  EXPECT_THROW(Document::open(temp_path("does-not-exist.likeness")), InputError);
}

TEST(ProjectFile, DamageInTheMiddleIsSkippedByTheScan) {
  std::string bytes = sample_project_bytes();
  // Overwrite 300 bytes in the middle (headers included): the scan resynchronises after them.
  for (std::size_t i = bytes.size() / 2; i < bytes.size() / 2 + 300; ++i) bytes[i] = '\x55';
  const fs::path path = temp_path("smashed.likeness");
  write_file_atomic(path, bytes);
  EXPECT_THROW(Document::open(path), ProjectError);
  Recovery r = recover_project(path);
  ASSERT_TRUE(r.document);
  EXPECT_GE(r.steps_recovered, 1);
  EXPECT_LT(r.steps_recovered, 6);
  bool skipped = false;
  for (const auto& p : r.problems) skipped = skipped || p.find("damaged") != std::string::npos || p.find("checksum") != std::string::npos;
  EXPECT_TRUE(skipped);
}
