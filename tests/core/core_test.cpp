#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/core/paths.h"
#include "engine/core/strings.h"

namespace fs = std::filesystem;
using namespace likeness;

TEST(Strings, SplitTrimLower) {
  EXPECT_EQ(split("a,b,,c", ','), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(split("a,,c", ',', true), (std::vector<std::string>{"a", "", "c"}));
  EXPECT_EQ(trim("  hi \n"), "hi");
  EXPECT_EQ(to_lower_ascii("MiXeD Ünï"), "mixed Ünï");
}

TEST(Strings, Utf8Validation) {
  EXPECT_TRUE(is_valid_utf8("plain"));
  EXPECT_TRUE(is_valid_utf8("面孔 😀 café"));
  EXPECT_FALSE(is_valid_utf8("\xC3"));          // truncated sequence
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));      // overlong
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));  // surrogate
  EXPECT_FALSE(is_valid_utf8("\xF8\x88\x80\x80\x80"));
}

TEST(Strings, EditDistanceSuggestions) {
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  auto near = closest_words("noze", {"nose", "eyes", "chin"});
  ASSERT_FALSE(near.empty());
  EXPECT_EQ(near[0], "nose");
}

TEST(AtomicFile, WritesAndReplaces) {
  fs::path dir = fs::temp_directory_path() / "likeness_atomic_test";
  fs::remove_all(dir);
  fs::path file = dir / "sub" / "a.txt";
  write_file_atomic(file, "first");
  EXPECT_EQ(read_file(file), "first");
  write_file_atomic(file, "second");
  EXPECT_EQ(read_file(file), "second");
  // A writer that throws leaves the old content and no temporary files.
  EXPECT_THROW(write_file_atomic(file, [](std::ostream& out) {
                 out << "partial";
                 throw InputError("boom");
               }),
               InputError);
  EXPECT_EQ(read_file(file), "second");
  int entries = 0;
  for ([[maybe_unused]] auto& e : fs::directory_iterator(file.parent_path())) ++entries;
  EXPECT_EQ(entries, 1);
  fs::remove_all(dir);
}

TEST(AtomicFile, ReadMissingNamesFile) {
  try {
    read_file("/nonexistent/likeness/file.txt");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/likeness/file.txt"), std::string::npos);
    EXPECT_EQ(e.code(), ExitCode::BadInput);
  }
}

TEST(Paths, AssetSearchOrder) {
  fs::path dir = fs::temp_directory_path() / "likeness_assets_test";
  fs::create_directories(dir / "probe");
  write_file_atomic(dir / "probe" / "x.txt", "x");
  ::setenv("LIKENESS_ASSETS", ("/nonexistent:" + dir.string()).c_str(), 1);
  auto path = asset_search_path();
  ASSERT_GE(path.size(), 5u);
  EXPECT_EQ(path[0], fs::path("/nonexistent"));
  EXPECT_EQ(path[1], dir);
  EXPECT_EQ(path[2].filename(), "assets");
  EXPECT_EQ(path[3].parent_path().filename(), "shared");
  auto found = find_asset("probe/x.txt");
  ASSERT_TRUE(found);
  EXPECT_EQ(*found, dir / "probe" / "x.txt");
  try {
    require_asset("probe/missing.bin");
    FAIL();
  } catch (const AssetError& e) {
    EXPECT_NE(std::string(e.what()).find("probe/missing.bin"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find(dir.string()), std::string::npos);
    EXPECT_EQ(e.code(), ExitCode::MissingAsset);
  }
  ::unsetenv("LIKENESS_ASSETS");
  fs::remove_all(dir);
}

TEST(Paths, ResourcesFound) {
  EXPECT_TRUE(fs::exists(resource_dir() / "README.md"));
}
