#include "engine/text/clip_tokenizer.h"

#include <zlib.h>

#include <algorithm>
#include <climits>
#include <fstream>
#include <sstream>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/core/json_util.h"
#include "engine/core/paths.h"
#include "engine/core/strings.h"
#include "engine/text/clip_text_cleanup.h"
#include "engine/text/unicode.h"

namespace likeness::text {
namespace {

constexpr std::string_view kStartToken = "<|startoftext|>";
constexpr std::string_view kEndToken = "<|endoftext|>";
constexpr std::string_view kWordEnd = "</w>";
constexpr std::size_t kMaxCachedPieces = 50000;

// Byte values in bytes_to_unicode's order: printable ranges first, then the rest.
std::vector<int> byte_order() {
  std::vector<int> order;
  std::vector<bool> taken(256, false);
  auto add = [&](int first, int last) {
    for (int b = first; b <= last; ++b) order.push_back(b), taken[static_cast<std::size_t>(b)] = true;
  };
  add('!', '~');
  add(0xA1, 0xAC);
  add(0xAE, 0xFF);
  for (int b = 0; b < 256; ++b)
    if (!taken[static_cast<std::size_t>(b)]) order.push_back(b);
  return order;
}

std::string read_gzip_or_plain(const std::filesystem::path& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (!file) throw InputError(at_file(path.string(), "cannot open the merge list: " + os_error_text()));
  std::string data;
  char buffer[1 << 16];
  for (;;) {
    const int n = gzread(file, buffer, sizeof buffer);
    if (n < 0) {
      int code = 0;
      std::string message = gzerror(file, &code);
      gzclose(file);
      throw InputError(at_file(path.string(), "cannot decompress the merge list: " + message));
    }
    if (n == 0) break;
    data.append(buffer, static_cast<std::size_t>(n));
  }
  gzclose(file);
  return data;
}

// Splits a "first second" merge line; false if it is not exactly two non-empty symbols.
bool split_merge(std::string_view line, std::string& first, std::string& second) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  const auto space = line.find(' ');
  if (space == std::string_view::npos || space == 0 || space + 1 >= line.size()) return false;
  if (line.find(' ', space + 1) != std::string_view::npos) return false;
  first = std::string(line.substr(0, space));
  second = std::string(line.substr(space + 1));
  return true;
}

// UTF-8 code points of a string, each as its own string.
std::vector<std::string> code_point_strings(std::string_view s) {
  std::vector<std::string> out;
  for (std::size_t pos = 0; pos < s.size();) {
    const std::size_t start = pos;
    decode_utf8(s, pos);
    out.emplace_back(s.substr(start, pos - start));
  }
  return out;
}

// Length in bytes of the pre-split match at `pos` that starts with a non-space code point.
std::size_t match_at(std::string_view text, std::size_t pos) {
  for (std::string_view special : {kStartToken, kEndToken})
    if (text.substr(pos, special.size()) == special) return special.size();
  if (text[pos] == '\'') {
    for (std::string_view suffix : {"'s", "'t", "'re", "'ve", "'m", "'ll", "'d"})
      if (text.substr(pos, suffix.size()) == suffix) return suffix.size();
  }
  std::size_t next = pos;
  const char32_t first = decode_utf8(text, next);
  if (is_letter(first)) {
    std::size_t end = next;
    while (end < text.size()) {
      std::size_t after = end;
      if (!is_letter(decode_utf8(text, after))) break;
      end = after;
    }
    return end - pos;
  }
  if (is_number(first)) return next - pos;
  std::size_t end = next;
  while (end < text.size()) {
    std::size_t after = end;
    const char32_t cp = decode_utf8(text, after);
    if (is_space(cp) || is_letter(cp) || is_number(cp)) break;
    end = after;
  }
  return end - pos;
}

}  // namespace

const std::vector<std::string>& clip_byte_symbols() {
  static const std::vector<std::string> symbols = [] {
    std::vector<std::string> by_byte(256);
    const std::vector<int> order = byte_order();
    int extra = 0;
    for (int b : order) {
      const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      std::string s;
      append_utf8(s, printable ? static_cast<char32_t>(b) : static_cast<char32_t>(256 + extra++));
      by_byte[static_cast<std::size_t>(b)] = s;
    }
    return by_byte;
  }();
  return symbols;
}

ClipTokenizer::ClipTokenizer(ClipTokenizer&& other) noexcept = default;
ClipTokenizer& ClipTokenizer::operator=(ClipTokenizer&& other) noexcept = default;
ClipTokenizer::~ClipTokenizer() = default;

std::shared_ptr<const ClipTokenizer> ClipTokenizer::load_default() {
  static std::mutex mutex;
  static std::shared_ptr<const ClipTokenizer> cached;
  std::lock_guard<std::mutex> lock(mutex);
  if (!cached) cached = std::make_shared<const ClipTokenizer>(from_merge_list(require_asset(kDefaultAsset)));
  return cached;
}

ClipTokenizer ClipTokenizer::from_merge_list(const std::filesystem::path& path, std::size_t merge_count) {
  const std::string data = read_gzip_or_plain(path);
  ClipTokenizer t;
  const auto& symbols = clip_byte_symbols();
  for (int b : byte_order()) t.vocab_.push_back(symbols[static_cast<std::size_t>(b)]);
  for (int b : byte_order()) t.vocab_.push_back(symbols[static_cast<std::size_t>(b)] + std::string(kWordEnd));
  std::size_t line_start = data.find('\n');  // the first line is the version
  if (line_start == std::string::npos) throw InputError(at_file(path.string(), "no merges after the version line"));
  ++line_start;
  std::size_t line_number = 2;
  std::string first, second;
  while (t.ranks_.size() < merge_count && line_start < data.size()) {
    std::size_t end = data.find('\n', line_start);
    if (end == std::string::npos) end = data.size();
    const std::string_view line(data.data() + line_start, end - line_start);
    if (!line.empty()) {
      if (!split_merge(line, first, second))
        throw InputError(at_file(path.string(), "line " + std::to_string(line_number) + ": expected two symbols separated by one space"));
      const std::string key = first + ' ' + second;
      if (!t.ranks_.emplace(key, static_cast<int>(t.ranks_.size())).second)
        throw InputError(at_file(path.string(), "line " + std::to_string(line_number) + ": merge '" + key + "' repeated"));
      t.vocab_.push_back(first + second);
    }
    line_start = end + 1;
    ++line_number;
  }
  t.vocab_.emplace_back(kStartToken);
  t.vocab_.emplace_back(kEndToken);
  t.index_vocab(path.string());
  return t;
}

ClipTokenizer ClipTokenizer::from_hugging_face(const std::filesystem::path& vocab_json,
                                               const std::filesystem::path& merges_txt) {
  ClipTokenizer t;
  const Json vocab = load_json_file(vocab_json);
  if (!vocab.is_object()) throw InputError(at_file(vocab_json.string(), "expected an object of token -> id"));
  int max_id = -1;
  for (const auto& [token, id] : vocab.items()) {
    if (!id.is_number_integer() || id.get<long long>() < 0 || id.get<long long>() > 10'000'000)
      throw_json_error(vocab_json.string(), token, "expected a non-negative integer id");
    max_id = std::max(max_id, id.get<int>());
  }
  t.vocab_.assign(static_cast<std::size_t>(max_id + 1), std::string());
  for (const auto& [token, id] : vocab.items()) {
    auto& slot = t.vocab_[static_cast<std::size_t>(id.get<int>())];
    if (!slot.empty()) throw_json_error(vocab_json.string(), token, "id " + std::to_string(id.get<int>()) + " used twice");
    slot = token;
  }
  const std::string merges = read_file(merges_txt);
  std::istringstream lines(merges);
  std::string line, first, second;
  std::size_t line_number = 0;
  while (std::getline(lines, line) && t.ranks_.size() < kClipMergeCount) {
    ++line_number;
    if (line_number == 1 && starts_with(line, "#version")) continue;
    if (trim(line).empty()) continue;
    if (!split_merge(line, first, second))
      throw InputError(at_file(merges_txt.string(), "line " + std::to_string(line_number) + ": expected two symbols separated by one space"));
    t.ranks_.emplace(first + ' ' + second, static_cast<int>(t.ranks_.size()));
  }
  t.index_vocab(vocab_json.string());
  for (const auto& [key, rank] : t.ranks_) {
    std::string merged = key;
    merged.erase(merged.find(' '), 1);
    if (!t.ids_.count(merged))
      throw InputError(at_file(merges_txt.string(), "merge '" + key + "' gives '" + merged + "', which " +
                                                        vocab_json.filename().string() + " lacks"));
  }
  return t;
}

void ClipTokenizer::index_vocab(const std::string& source) {
  ids_.clear();
  ids_.reserve(vocab_.size());
  for (std::size_t id = 0; id < vocab_.size(); ++id)
    if (!vocab_[id].empty()) ids_.emplace(vocab_[id], static_cast<int>(id));
  for (const std::string& symbol : clip_byte_symbols()) {
    if (!ids_.count(symbol) || !ids_.count(symbol + std::string(kWordEnd)))
      throw InputError(at_file(source, "the vocabulary lacks the byte symbol '" + symbol + "' (or it with </w>)"));
  }
  auto special = [&](std::string_view name) {
    auto it = ids_.find(std::string(name));
    if (it == ids_.end()) throw InputError(at_file(source, "the vocabulary lacks " + std::string(name)));
    return it->second;
  };
  start_id_ = special(kStartToken);
  end_id_ = special(kEndToken);
}

std::vector<std::string> ClipTokenizer::pre_split(std::string_view cleaned) {
  std::vector<std::string> pieces;
  for (std::size_t pos = 0; pos < cleaned.size();) {
    std::size_t next = pos;
    if (is_space(decode_utf8(cleaned, next))) {
      pos = next;
      continue;
    }
    const std::size_t length = match_at(cleaned, pos);
    pieces.emplace_back(cleaned.substr(pos, length));
    pos += length;
  }
  return pieces;
}

std::vector<std::string> ClipTokenizer::bpe(std::string_view piece) const {
  if (piece == kStartToken || piece == kEndToken) return {std::string(piece)};
  std::string symbols;
  for (char c : piece) symbols += clip_byte_symbols()[static_cast<unsigned char>(c)];
  std::vector<std::string> word = code_point_strings(symbols);
  if (word.empty()) return {};
  word.back() += kWordEnd;
  std::string key;
  while (word.size() > 1) {
    int best_rank = INT_MAX;
    std::size_t best = 0;
    for (std::size_t i = 0; i + 1 < word.size(); ++i) {
      key.assign(word[i]).append(" ").append(word[i + 1]);
      auto it = ranks_.find(key);
      if (it != ranks_.end() && it->second < best_rank) best_rank = it->second, best = i;
    }
    if (best_rank == INT_MAX) break;
    // Merge every occurrence of the best pair, left to right, as CLIP does.
    const std::string first = word[best], second = word[best + 1];
    std::vector<std::string> merged;
    merged.reserve(word.size());
    for (std::size_t i = 0; i < word.size();) {
      if (i + 1 < word.size() && word[i] == first && word[i + 1] == second) {
        merged.push_back(first + second);
        i += 2;
      } else {
        merged.push_back(word[i++]);
      }
    }
    word = std::move(merged);
  }
  return word;
}

std::vector<int> ClipTokenizer::encode(std::string_view text) const {
  std::vector<int> ids;
  for (const std::string& piece : pre_split(clip_clean_text(text))) {
    {
      std::lock_guard<std::mutex> lock(*cache_mutex_);
      auto it = cache_.find(piece);
      if (it != cache_.end()) {
        ids.insert(ids.end(), it->second.begin(), it->second.end());
        continue;
      }
    }
    std::vector<int> piece_ids;
    for (const std::string& symbol : bpe(piece)) {
      auto it = ids_.find(symbol);
      if (it == ids_.end()) throw InputError("CLIP vocabulary lacks the token '" + symbol + "' (from '" + piece + "')");
      piece_ids.push_back(it->second);
    }
    ids.insert(ids.end(), piece_ids.begin(), piece_ids.end());
    std::lock_guard<std::mutex> lock(*cache_mutex_);
    if (cache_.size() < kMaxCachedPieces) cache_.emplace(piece, std::move(piece_ids));
  }
  return ids;
}

std::vector<int> ClipTokenizer::tokenize(std::string_view text, int context_length, bool truncate, int pad_id) const {
  if (context_length < 2) throw InputError("CLIP context length must be at least 2 (got " + std::to_string(context_length) + ")");
  std::vector<int> ids{start_id_};
  const std::vector<int> body = encode(text);
  ids.insert(ids.end(), body.begin(), body.end());
  ids.push_back(end_id_);
  if (ids.size() > static_cast<std::size_t>(context_length)) {
    if (!truncate)
      throw InputError("the text is " + std::to_string(ids.size()) + " CLIP tokens with start and end, more than the context of " +
                       std::to_string(context_length));
    ids.resize(static_cast<std::size_t>(context_length));
    ids.back() = end_id_;
  }
  ids.resize(static_cast<std::size_t>(context_length), pad_id < 0 ? end_id_ : pad_id);
  return ids;
}

std::string ClipTokenizer::decode(const std::vector<int>& ids) const {
  std::unordered_map<std::string, unsigned char> byte_of;
  const auto& symbols = clip_byte_symbols();
  for (int b = 0; b < 256; ++b) byte_of.emplace(symbols[static_cast<std::size_t>(b)], static_cast<unsigned char>(b));
  std::string out;
  for (int id : ids) {
    const std::string& t = token(id);
    if (t == kStartToken || t == kEndToken) {
      out += t;
      continue;
    }
    std::string_view body = t;
    const bool word_end = ends_with(body, kWordEnd);
    if (word_end) body.remove_suffix(kWordEnd.size());
    for (const std::string& cp : code_point_strings(body)) {
      auto it = byte_of.find(cp);
      out += it == byte_of.end() ? cp : std::string(1, static_cast<char>(it->second));
    }
    if (word_end) out += ' ';
  }
  return out;
}

const std::string& ClipTokenizer::token(int id) const {
  if (id < 0 || static_cast<std::size_t>(id) >= vocab_.size() || vocab_[static_cast<std::size_t>(id)].empty())
    throw InputError("CLIP token id " + std::to_string(id) + " is outside the vocabulary (" + std::to_string(vocab_.size()) + ")");
  return vocab_[static_cast<std::size_t>(id)];
}

std::optional<int> ClipTokenizer::id_of(std::string_view token) const {
  auto it = ids_.find(std::string(token));
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

}  // namespace likeness::text
