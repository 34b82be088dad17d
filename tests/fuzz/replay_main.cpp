// Replay driver for fuzz targets when libFuzzer is not used: runs every file of a seed corpus,
// then deterministic mutations of them (bit flips, truncations, splices, byte insertions), so a
// crash or hang in a target shows up in the ordinary test run. Exit 0 means nothing crashed.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

std::vector<std::uint8_t> read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void run(const std::vector<std::uint8_t>& input) { LLVMFuzzerTestOneInput(input.data(), input.size()); }

std::vector<std::uint8_t> mutate(const std::vector<std::vector<std::uint8_t>>& seeds, std::mt19937_64& rng) {
  std::vector<std::uint8_t> x = seeds[rng() % seeds.size()];
  const int edits = 1 + static_cast<int>(rng() % 8);
  for (int e = 0; e < edits; ++e) {
    switch (rng() % 6) {
      case 0:  // flip a bit
        if (!x.empty()) x[rng() % x.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
        break;
      case 1:  // set a byte to an interesting value
        if (!x.empty()) {
          const std::uint8_t values[] = {0, 1, 0x7f, 0x80, 0xff, '"', '{', '}', '[', ']', ',', ':', '-', '9'};
          x[rng() % x.size()] = values[rng() % sizeof values];
        }
        break;
      case 2:  // truncate
        if (!x.empty()) x.resize(rng() % x.size());
        break;
      case 3:  // insert random bytes
      {
        std::size_t at = x.empty() ? 0 : rng() % (x.size() + 1);
        std::size_t n = 1 + rng() % 16;
        for (std::size_t i = 0; i < n; ++i) x.insert(x.begin() + static_cast<long>(at), static_cast<std::uint8_t>(rng()));
        break;
      }
      case 4:  // splice with another seed
      {
        const auto& other = seeds[rng() % seeds.size()];
        if (!other.empty() && !x.empty()) {
          std::size_t cut = rng() % x.size();
          std::size_t from = rng() % other.size();
          x.resize(cut);
          x.insert(x.end(), other.begin() + static_cast<long>(from), other.end());
        }
        break;
      }
      default:  // duplicate a chunk
        if (x.size() > 2) {
          std::size_t a = rng() % x.size();
          std::size_t n = 1 + rng() % std::min<std::size_t>(64, x.size() - a);
          std::vector<std::uint8_t> chunk(x.begin() + static_cast<long>(a), x.begin() + static_cast<long>(a + n));
          x.insert(x.begin() + static_cast<long>(rng() % x.size()), chunk.begin(), chunk.end());
        }
    }
  }
  return x;
}

}  // namespace

int main(int argc, char** argv) {
  long mutations = 10000;
  std::vector<std::vector<std::uint8_t>> seeds;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--mutations" && i + 1 < argc) {
      mutations = std::atol(argv[++i]);
      continue;
    }
    std::filesystem::path p(a);
    if (std::filesystem::is_directory(p)) {
      for (const auto& e : std::filesystem::directory_iterator(p))
        if (e.is_regular_file()) seeds.push_back(read_bytes(e.path()));
    } else if (std::filesystem::exists(p)) {
      seeds.push_back(read_bytes(p));
    }
  }
  if (seeds.empty()) seeds.push_back({});
  for (const auto& s : seeds) run(s);
  std::mt19937_64 rng(0x11e7e55);
  for (long i = 0; i < mutations; ++i) run(mutate(seeds, rng));
  std::printf("replayed %zu seeds and %ld mutations\n", seeds.size(), mutations);
  return 0;
}
