// CLIP BPE tokenizer: the known vector, hand traces through the merge ranks, a hand-built
// Hugging Face vocabulary, and the reference vectors of tests/data/text/clip_tokens.jsonl.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/core/json_util.h"
#include "engine/core/paths.h"
#include "engine/text/clip_text_cleanup.h"
#include "engine/text/clip_tokenizer.h"

namespace likeness::text {
namespace {

namespace fs = std::filesystem;

const ClipTokenizer& clip() { return *ClipTokenizer::load_default(); }

fs::path temp_dir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("likeness_text_" + name + "_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir;
}

TEST(ClipTokenizer, KnownVector) {
  const std::vector<int> ids = clip().tokenize("a photo of a cat");
  ASSERT_EQ(ids.size(), 77u);
  const std::vector<int> head(ids.begin(), ids.begin() + 7);
  EXPECT_EQ(head, (std::vector<int>{49406, 320, 1125, 539, 320, 2368, 49407}));
  for (std::size_t i = 7; i < ids.size(); ++i) EXPECT_EQ(ids[i], 49407) << i;  // SD pads with the end token
  EXPECT_EQ(clip().vocab_size(), 49408u);
  EXPECT_EQ(clip().merge_count(), ClipTokenizer::kClipMergeCount);
}

TEST(ClipTokenizer, PaddingWithZeroAsClipTokenize) {
  const std::vector<int> ids = clip().tokenize("a cat", 77, true, 0);
  EXPECT_EQ(ids[0], 49406);
  EXPECT_EQ(ids[3], 49407);
  EXPECT_EQ(ids[4], 0);
  EXPECT_EQ(ids[76], 0);
}

// Hand traces. Rank = line number in the merge list - 2; id = 512 + rank.
TEST(ClipTokenizer, HandTraceCat) {
  // c a t</w>: "c a" rank 260, "a t</w>" rank 24 -> c at</w>; "c at</w>" rank 1856 -> cat</w>.
  EXPECT_EQ(clip().bpe("cat"), (std::vector<std::string>{"cat</w>"}));
  EXPECT_EQ(clip().id_of("cat</w>"), 512 + 1856);
}

TEST(ClipTokenizer, HandTracePhoto) {
  // p h o t o</w>: "t o</w>" 19 first; then "h o" 94 (below "p h" 233 and "o to</w>" 22887);
  // then "p ho" 304; then "pho to</w>" 613 -> photo</w> = 1125.
  EXPECT_EQ(clip().bpe("photo"), (std::vector<std::string>{"photo</w>"}));
  EXPECT_EQ(clip().id_of("photo</w>"), 1125);
}

TEST(ClipTokenizer, HandTraceFaces) {
  // f a c e s</w>: "e s</w>" 30 < "a c" 34 < "c e" 173 < "f a" 266 -> f a c es</w>; then "a c" 34
  // -> f ac es</w>; then "f ac" 541 < "ac es</w>" 5213 -> fac es</w>; "fac es</w>" 4393 -> 4905.
  EXPECT_EQ(clip().bpe("faces"), (std::vector<std::string>{"faces</w>"}));
  EXPECT_EQ(clip().encode("faces"), (std::vector<int>{4905}));
}

TEST(ClipTokenizer, SingleSymbolWordsGetWordEnd) {
  // A one-symbol piece has no pairs: it is the byte symbol with </w>. "a</w>" is byte 'a' + 256.
  EXPECT_EQ(clip().bpe("a"), (std::vector<std::string>{"a</w>"}));
  EXPECT_EQ(clip().id_of("a</w>"), 256 + ('a' - '!'));
  EXPECT_EQ(clip().encode("a"), (std::vector<int>{320}));
  // A digit is its own piece ([\p{N}] matches one code point): "2024" is four tokens.
  EXPECT_EQ(clip().encode("2024").size(), 4u);
}

TEST(ClipTokenizer, PreSplitFollowsTheRegex) {
  using V = std::vector<std::string>;
  EXPECT_EQ(ClipTokenizer::pre_split("she's here"), (V{"she", "'s", "here"}));
  EXPECT_EQ(ClipTokenizer::pre_split("don't"), (V{"don", "'t"}));
  EXPECT_EQ(ClipTokenizer::pre_split("we'll they're i'm he'd you've"),
            (V{"we", "'ll", "they", "'re", "i", "'m", "he", "'d", "you", "'ve"}));
  EXPECT_EQ(ClipTokenizer::pre_split("40s"), (V{"4", "0", "s"}));
  EXPECT_EQ(ClipTokenizer::pre_split("hi!!! ..."), (V{"hi", "!!!", "..."}));
  EXPECT_EQ(ClipTokenizer::pre_split("a<|endoftext|>b"), (V{"a", "<|endoftext|>", "b"}));
  EXPECT_EQ(ClipTokenizer::pre_split("!<|endoftext|>"), (V{"!<|", "endoftext", "|>"}));
  EXPECT_EQ(ClipTokenizer::pre_split("东京的 café"), (V{"东京的", "café"}));
  EXPECT_EQ(ClipTokenizer::pre_split("😀😀 x"), (V{"😀😀", "x"}));
  EXPECT_EQ(ClipTokenizer::pre_split("½x"), (V{"½", "x"}));  // ½ is \p{N} (No)
}

TEST(ClipTokenizer, SpecialTokensInText) {
  EXPECT_EQ(clip().encode("<|startoftext|>a<|endoftext|>"), (std::vector<int>{49406, 320, 49407}));
}

TEST(ClipTokenizer, TruncatesToContextWithEndTokenLast) {
  std::string text;
  for (int i = 0; i < 100; ++i) text += "cat ";
  const std::vector<int> ids = clip().tokenize(text);
  ASSERT_EQ(ids.size(), 77u);
  EXPECT_EQ(ids[0], 49406);
  EXPECT_EQ(ids[75], 2368);
  EXPECT_EQ(ids[76], 49407);
  EXPECT_THROW(clip().tokenize(text, 77, false), InputError);
  EXPECT_THROW(clip().tokenize("a", 1), InputError);
}

TEST(ClipTokenizer, DecodeRoundTrip) {
  EXPECT_EQ(clip().decode(clip().encode("A photo of a CAT, 100% café!")), "a photo of a cat , 1 0 0 % café ! ");
  EXPECT_THROW(clip().decode({49408}), InputError);
  EXPECT_THROW(clip().decode({-1}), InputError);
}

TEST(ClipTokenizer, ReferenceVectors) {
  std::ifstream in(fs::path(LIKENESS_TEXT_DATA) / "clip_tokens.jsonl");
  ASSERT_TRUE(in) << "clip_tokens.jsonl missing";
  std::string line;
  int count = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const Json entry = Json::parse(line);
    const std::string text = entry["text"].get<std::string>();
    const std::vector<int> expected = entry["ids"].get<std::vector<int>>();
    std::vector<int> got = clip().tokenize(text);
    got.resize(expected.size());
    EXPECT_EQ(got, expected) << "text: " << text;
    ++count;
  }
  EXPECT_GE(count, 40);
}

// A Hugging Face pair built by hand: the 512 byte symbols (ids 0-511 in CLIP's order), eight
// merges (ids 512-519) and the special tokens (520, 521). Every expected id below is worked out
// by hand from these merges.
class HandBuiltVocab : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = temp_dir("hf");
    const std::vector<std::pair<std::string, std::string>> merges = {
        {"h", "e"}, {"l", "l"}, {"he", "ll"}, {"hell", "o</w>"}, {"w", "o"}, {"r", "l"}, {"wo", "rl"}, {"worl", "d</w>"}};
    Json vocab = Json::object();
    const auto& symbols = clip_byte_symbols();
    // CLIP's order: '!'..'~', 0xA1..0xAC, 0xAE..0xFF, then the remaining bytes.
    std::vector<int> order;
    for (int b = '!'; b <= '~'; ++b) order.push_back(b);
    for (int b = 0xA1; b <= 0xAC; ++b) order.push_back(b);
    for (int b = 0xAE; b <= 0xFF; ++b) order.push_back(b);
    for (int b = 0; b < 256; ++b)
      if (std::find(order.begin(), order.end(), b) == order.end()) order.push_back(b);
    int id = 0;
    for (int b : order) vocab[symbols[static_cast<std::size_t>(b)]] = id++;
    for (int b : order) vocab[symbols[static_cast<std::size_t>(b)] + "</w>"] = id++;
    std::string merges_txt = "#version: 0.2\n";
    for (const auto& [a, b] : merges) {
      vocab[a + b] = id++;
      merges_txt += a + " " + b + "\n";
    }
    vocab["<|startoftext|>"] = id++;
    vocab["<|endoftext|>"] = id++;
    save_json_file(dir_ / "vocab.json", vocab);
    write_file_atomic(dir_ / "merges.txt", merges_txt);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(HandBuiltVocab, HandComputedIds) {
  const auto t = ClipTokenizer::from_hugging_face(dir_ / "vocab.json", dir_ / "merges.txt");
  EXPECT_EQ(t.start_id(), 520);
  EXPECT_EQ(t.end_id(), 521);
  // hello: h e l l o</w> -> he l l o</w> -> he ll o</w> -> hell o</w> -> hello</w> (515).
  // world: "w o" (rank 4) before "r l" (5) -> wo r l d</w> -> wo rl d</w> -> worl d</w> -> world</w> (519).
  EXPECT_EQ(t.encode("Hello World"), (std::vector<int>{515, 519}));
  // held: h e l d</w> -> he l d</w>, no merge left: he (512), 'l' (108 - 33 = 75), d</w> (256 + 67).
  EXPECT_EQ(t.encode("held"), (std::vector<int>{512, 75, 323}));
  // llo: ll (513), o</w> (256 + 'o' - 33 = 334).
  EXPECT_EQ(t.encode("llo"), (std::vector<int>{513, 334}));
  // hellohello: one word, h e l l o h e l l o</w> -> he l l o he l l o</w> -> he ll o he ll o</w>
  // -> hell o hell o</w> ("he ll" twice, left to right) -> hell o hello</w>: the inner 'o' has no
  // merge (78 = 'o' - 33).
  EXPECT_EQ(t.encode("hellohello"), (std::vector<int>{514, 78, 515}));
  // A space (byte 0x20) is never a symbol of a piece; '!' is id 0 and '!</w>' 256.
  EXPECT_EQ(t.encode("!! !"), (std::vector<int>{0, 256, 256}));
  const std::vector<int> ids = t.tokenize("hello", 5);
  EXPECT_EQ(ids, (std::vector<int>{520, 515, 521, 521, 521}));
}

TEST_F(HandBuiltVocab, MissingEntriesAreNamed) {
  Json vocab = load_json_file(dir_ / "vocab.json");
  vocab.erase("worl");
  save_json_file(dir_ / "vocab.json", vocab);
  try {
    ClipTokenizer::from_hugging_face(dir_ / "vocab.json", dir_ / "merges.txt");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("worl"), std::string::npos) << e.what();
  }
  vocab.erase("<|endoftext|>");
  save_json_file(dir_ / "vocab.json", vocab);
  EXPECT_THROW(ClipTokenizer::from_hugging_face(dir_ / "vocab.json", dir_ / "merges.txt"), InputError);
  write_file_atomic(dir_ / "merges.txt", "#version: 0.2\nthree part merge\n");
  EXPECT_THROW(ClipTokenizer::from_hugging_face(dir_ / "vocab.json", dir_ / "merges.txt"), InputError);
}

TEST(ClipTokenizer, HuggingFacePairMatchesTheMergeList) {
  // The same vocabulary exported as a Hugging Face pair tokenizes every reference text alike.
  const fs::path dir = temp_dir("hf_full");
  const ClipTokenizer& gz = clip();
  Json vocab = Json::object();
  for (std::size_t id = 0; id < gz.vocab_size(); ++id) vocab[gz.token(static_cast<int>(id))] = id;
  save_json_file(dir / "vocab.json", vocab, -1);
  gzFile file = gzopen(require_asset(ClipTokenizer::kDefaultAsset).c_str(), "rb");
  ASSERT_NE(file, nullptr);
  std::string merges;
  char buffer[1 << 16];
  for (int n; (n = gzread(file, buffer, sizeof buffer)) > 0;) merges.append(buffer, static_cast<std::size_t>(n));
  gzclose(file);
  // Replace the version line with Hugging Face's; keep every merge (the reader stops at 48,894).
  merges = "#version: 0.2\n" + merges.substr(merges.find('\n') + 1);
  write_file_atomic(dir / "merges.txt", merges);
  const auto hf = ClipTokenizer::from_hugging_face(dir / "vocab.json", dir / "merges.txt");
  EXPECT_EQ(hf.merge_count(), ClipTokenizer::kClipMergeCount);
  EXPECT_EQ(hf.vocab_size(), gz.vocab_size());
  std::ifstream in(fs::path(LIKENESS_TEXT_DATA) / "clip_tokens.jsonl");
  std::string line;
  int count = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const std::string text = Json::parse(line)["text"].get<std::string>();
    EXPECT_EQ(hf.tokenize(text), gz.tokenize(text)) << text;
    ++count;
  }
  EXPECT_GE(count, 40);
  fs::remove_all(dir);
}

TEST(ClipTokenizer, PlainTextMergeListIsAccepted) {
  const fs::path dir = temp_dir("plain");
  write_file_atomic(dir / "merges.txt", "version line\nc a\nca t</w>\n");
  const auto t = ClipTokenizer::from_merge_list(dir / "merges.txt");
  EXPECT_EQ(t.merge_count(), 2u);
  EXPECT_EQ(t.encode("cat"), (std::vector<int>{513}));
  EXPECT_EQ(t.start_id(), 514);
  write_file_atomic(dir / "bad.txt", "version\nc a\nnospace\n");
  try {
    ClipTokenizer::from_merge_list(dir / "bad.txt");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("line 3"), std::string::npos) << e.what();
  }
  fs::remove_all(dir);
  EXPECT_THROW(ClipTokenizer::from_merge_list(dir / "nothing.gz"), InputError);
}

TEST(ClipTextCleanup, HtmlUnescape) {
  EXPECT_EQ(html_unescape("a &amp; b &lt;3 &gt; &quot;x&quot; &#39; &#x41;&#66;"), "a & b <3 > \"x\" ' AB");
  EXPECT_EQ(html_unescape("caf&eacute; &nbsp;"), "café \u00a0");
  EXPECT_EQ(html_unescape("&amp;amp;"), "&amp;");
  EXPECT_EQ(html_unescape("&ampx &unknown; & &#; &#x;"), "&x &unknown; & &#; &#x;");
  EXPECT_EQ(html_unescape("&#150;&#0;&#1;&#xD800;&#99999999999;"), "\u2013\ufffd\ufffd\ufffd");
}

TEST(ClipTextCleanup, FtfySubsetAndWhitespace) {
  EXPECT_EQ(ftfy_lite("it\u2019s \u201cok\u201d \ufb01ne \uff21\uff42\u3000x"), "it's \"ok\" fine Ab x");
  EXPECT_EQ(collapse_whitespace("  a \t\n b\u00a0\u2003c  "), "a b c");
  EXPECT_EQ(clip_clean_text("  Caf&Eacute; &amp;amp;  HELLO\u3000World "), "café & hello world");  // unescaped twice
}

}  // namespace
}  // namespace likeness::text
