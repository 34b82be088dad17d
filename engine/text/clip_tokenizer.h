#pragma once
// CLIP's byte-pair-encoding tokenizer (the one of OpenAI CLIP and of the Stable Diffusion 1.x/2.x
// text encoders), reproducing clip/simple_tokenizer.py: text cleanup (clip_text_cleanup.h), the
// pre-split regex
//   <\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+
// byte-level symbols (bytes_to_unicode), merges by rank with "</w>" closing each word, and the
// 77-token context with start and end tokens and padding.
//
// Two sources of the same vocabulary: OpenAI's gzip merge list (bpe_simple_vocab_16e6.txt.gz,
// in the assets as clip-bpe/) and a Hugging Face vocab.json + merges.txt pair.
#include <cstddef>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace likeness::text {

class ClipTokenizer {
public:
  /// Merges the CLIP text models use: lines 2 to 48,895 of the merge list.
  static constexpr std::size_t kClipMergeCount = 48894;
  /// The context length of every CLIP text model.
  static constexpr int kContextLength = 77;
  /// The asset holding the merge list, relative to the asset search path.
  static constexpr const char* kDefaultAsset = "clip-bpe/bpe_simple_vocab_16e6.txt.gz";

  /// The merge list from the asset search path (clip-bpe/), loaded once. AssetError if absent.
  static std::shared_ptr<const ClipTokenizer> load_default();

  /// OpenAI's merge list: a version line, then one "a b" merge per line (gzip-compressed or
  /// plain). Uses the first `merge_count` merges; ids are the 256 byte symbols, the same with
  /// "</w>", one per merge, then <|startoftext|> and <|endoftext|>. InputError naming the file
  /// and line for a malformed list.
  static ClipTokenizer from_merge_list(const std::filesystem::path& path, std::size_t merge_count = kClipMergeCount);

  /// A Hugging Face tokenizer folder's vocab.json (token -> id) and merges.txt ("#version" line,
  /// then merges by rank; at most kClipMergeCount are used, as CLIPTokenizer does). InputError
  /// naming the file if a byte symbol, a special token or a merge result is missing from the vocab.
  static ClipTokenizer from_hugging_face(const std::filesystem::path& vocab_json, const std::filesystem::path& merges_txt);

  ClipTokenizer(ClipTokenizer&& other) noexcept;
  ClipTokenizer& operator=(ClipTokenizer&& other) noexcept;
  ~ClipTokenizer();

  /// Token ids of `text` without start/end tokens or padding (CLIP's SimpleTokenizer.encode).
  std::vector<int> encode(std::string_view text) const;

  /// The model input: start token, the tokens, end token, padded with `pad_id` to `context_length`
  /// (clip.tokenize pads with 0; Stable Diffusion's tokenizer pads with the end token, the
  /// default here when pad_id < 0). Longer text is cut to context_length with the end token
  /// last when `truncate`, else InputError saying how many tokens the text has.
  std::vector<int> tokenize(std::string_view text, int context_length = kContextLength, bool truncate = true,
                            int pad_id = -1) const;

  /// The pre-split pieces of already cleaned text (the regex matches, in order).
  static std::vector<std::string> pre_split(std::string_view cleaned);

  /// The merged symbols of one pre-split piece, e.g. "photo" -> {"photo</w>"}.
  std::vector<std::string> bpe(std::string_view piece) const;

  /// Text back from ids ("</w>" becomes a space, byte symbols become bytes); special tokens are
  /// written as themselves. InputError for an id outside the vocabulary.
  std::string decode(const std::vector<int>& ids) const;

  /// The vocabulary entry of an id (byte-level symbols, e.g. "photo</w>").
  const std::string& token(int id) const;
  /// The id of a vocabulary entry.
  std::optional<int> id_of(std::string_view token) const;

  int start_id() const { return start_id_; }
  int end_id() const { return end_id_; }
  std::size_t vocab_size() const { return vocab_.size(); }
  std::size_t merge_count() const { return ranks_.size(); }

private:
  ClipTokenizer() = default;
  void index_vocab(const std::string& source);

  std::vector<std::string> vocab_;                 // id -> token
  std::unordered_map<std::string, int> ids_;       // token -> id
  std::unordered_map<std::string, int> ranks_;     // "first second" -> rank
  int start_id_ = -1;
  int end_id_ = -1;
  mutable std::unique_ptr<std::mutex> cache_mutex_ = std::make_unique<std::mutex>();
  mutable std::unordered_map<std::string, std::vector<int>> cache_;  // piece -> ids
};

/// CLIP's bytes_to_unicode: the printable symbol (UTF-8) standing for each byte value.
const std::vector<std::string>& clip_byte_symbols();

}  // namespace likeness::text
