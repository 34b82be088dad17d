#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <cstring>
#include <filesystem>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/core/paths.h"
#include "engine/io/safetensors.h"

namespace fs = std::filesystem;
using namespace likeness;
using namespace likeness::io;

namespace {

fs::path temp_file(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / "likeness_safetensors_test";
  fs::create_directories(dir);
  return dir / name;
}

std::string with_header(const std::string& json, const std::string& data) {
  std::string out(8, '\0');
  std::uint64_t n = json.size();
  std::memcpy(out.data(), &n, 8);
  return out + json + data;
}

// Expects opening `bytes` to fail with a message that contains every one of `needles`.
void expect_rejected(const std::string& bytes, const std::vector<std::string>& needles) {
  fs::path path = temp_file("bad.safetensors");
  write_file_atomic(path, bytes);
  try {
    SafetensorsFile::open(path);
    ADD_FAILURE() << "accepted a malformed file; expected: " << needles[0];
  } catch (const InputError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find(path.string()), std::string::npos) << what;
    for (const auto& n : needles) EXPECT_NE(what.find(n), std::string::npos) << "missing '" << n << "' in: " << what;
  }
}

}  // namespace

TEST(Safetensors, RoundTripEveryDtype) {
  std::vector<std::pair<std::string, at::Tensor>> tensors = {
      {"f32", at::randn({3, 4})},
      {"f64", at::randn({2}, at::kDouble)},
      {"f16", at::randn({5, 2}).to(at::kHalf)},
      {"bf16", at::randn({7}).to(at::kBFloat16)},
      {"i64", at::arange(10, at::kLong)},
      {"i32", at::arange(6, at::kInt).reshape({2, 3})},
      {"u8", at::arange(200, at::kByte)},
      {"empty", at::empty({0, 3})},
      {"scalar", at::scalar_tensor(3.5)},
  };
  fs::path path = temp_file("roundtrip.safetensors");
  save_safetensors(path, tensors, {{"format", "pt"}, {"note", "test"}});
  SafetensorsFile file = SafetensorsFile::open(path);
  EXPECT_EQ(file.metadata().at("note"), "test");
  ASSERT_EQ(file.tensors().size(), tensors.size());
  for (const auto& [name, t] : tensors) {
    at::Tensor back = file.tensor(name);
    EXPECT_EQ(back.scalar_type(), t.scalar_type()) << name;
    EXPECT_EQ(back.sizes(), t.sizes()) << name;
    EXPECT_TRUE(at::equal(back, t)) << name;
  }
  // In-memory round trip gives the same.
  auto loaded = load_safetensors_bytes(read_file(path), "bytes");
  EXPECT_EQ(loaded.size(), tensors.size());
}

TEST(Safetensors, ZeroCopyAndCopyOnWrite) {
  fs::path path = temp_file("zerocopy.safetensors");
  save_safetensors(path, {{"a", at::ones({1000})}});
  auto before = read_file(path);
  at::Tensor t;
  {
    SafetensorsFile file = SafetensorsFile::open(path);
    t = file.tensor("a");
  }
  // The tensor outlives the SafetensorsFile (it holds the mapping) and writing to it is private.
  EXPECT_FLOAT_EQ(t.sum().item<float>(), 1000.0f);
  t.mul_(2);
  EXPECT_FLOAT_EQ(t.sum().item<float>(), 2000.0f);
  EXPECT_EQ(read_file(path), before);
  // Conversion on request.
  SafetensorsFile file = SafetensorsFile::open(path);
  EXPECT_EQ(file.tensor("a", at::kHalf).scalar_type(), at::kHalf);
  EXPECT_THROW(file.tensor_checked("a", {10, 100}), InputError);
  EXPECT_NO_THROW(file.tensor_checked("a", {-1}));
  EXPECT_THROW(file.tensor("missing"), InputError);
}

TEST(Safetensors, RejectsMalformedFiles) {
  const std::string ok_entry = R"("t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]})";
  const std::string data8(8, '\1');
  // Sanity: the well-formed base case loads.
  {
    fs::path path = temp_file("good.safetensors");
    write_file_atomic(path, with_header("{" + ok_entry + "}", data8));
    EXPECT_NO_THROW(SafetensorsFile::open(path));
  }
  expect_rejected("", {"truncated"});
  expect_rejected(std::string(5, '\0'), {"truncated"});
  expect_rejected(with_header("{" + ok_entry + "}", data8).substr(0, 20), {"truncated"});
  {
    std::string huge(8, '\0');
    std::uint64_t n = 200ull * 1024 * 1024;
    std::memcpy(huge.data(), &n, 8);
    expect_rejected(huge + "{}", {"exceeds"});
  }
  expect_rejected(with_header("{\"t\": [", data8), {"not valid JSON"});
  expect_rejected(with_header("[1,2]", ""), {"'{'"});
  expect_rejected(with_header("{" + ok_entry + "}", data8 + "extra"), {"oversized"});
  expect_rejected(with_header(R"({"t":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", data8), {"'t'", "past the end"});
  expect_rejected(with_header(R"({"t":{"dtype":"Q7","shape":[2],"data_offsets":[0,8]}})", data8), {"'t'", "Q7"});
  expect_rejected(with_header(R"({"t":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", data8), {"'t'", "12 bytes"});
  expect_rejected(with_header(R"({"t":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", data8), {"'t'", "non-negative"});
  expect_rejected(with_header(R"({"t":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}})", data8), {"'t'", "before begin"});
  expect_rejected(with_header(R"({"t":{"dtype":"F32","shape":[2]}})", data8), {"'t'", "data_offsets"});
  expect_rejected(with_header(R"({"t":{"shape":[2],"data_offsets":[0,8]}})", data8), {"'t'", "dtype"});
  expect_rejected(with_header(R"({"t":{"dtype":"F32","shape":"2","data_offsets":[0,8]}})", data8), {"'t'", "shape"});
  expect_rejected(with_header(R"({"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"x":1}})", data8), {"'t'", "unknown field"});
  expect_rejected(with_header(R"({"t":5})", data8), {"'t'", "not an object"});
  expect_rejected(with_header(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", data8),
                  {"overlaps"});
  expect_rejected(with_header(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", data8), {"'a'", "gap"});
  expect_rejected(with_header("{" + ok_entry + "," + ok_entry + "}", data8), {"'t'", "twice"});
  expect_rejected(with_header(R"({"__metadata__":{"k":1},)" + ok_entry + "}", data8), {"__metadata__", "'k'"});
  expect_rejected(with_header(R"({"t":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,8]}})", data8),
                  {"'t'", "overflow"});
}

TEST(Safetensors, OpensTheHeadModelPack) {
  auto path = find_asset("ict-facekit/ict_facekit_shapes.safetensors");
  if (!path) GTEST_SKIP() << "ICT assets not on the search path";
  SafetensorsFile file = SafetensorsFile::open(*path);
  EXPECT_EQ(file.tensor("identity").sizes(), (at::IntArrayRef{100, 26719, 3}));
  EXPECT_EQ(file.tensor("expression").sizes(), (at::IntArrayRef{53, 26719, 3}));
  EXPECT_TRUE(file.metadata().count("expression_names"));
}
