#include "engine/text/clip_text_cleanup.h"

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <utility>

#include "engine/text/unicode.h"

namespace likeness::text {
namespace {

// Named entities beyond the basic five that prompts plausibly contain (HTML5 names).
constexpr std::pair<std::string_view, char32_t> kEntities[] = {
    {"amp", '&'},      {"lt", '<'},        {"gt", '>'},        {"quot", '"'},      {"apos", '\''},
    {"nbsp", 0xA0},    {"copy", 0xA9},     {"reg", 0xAE},      {"trade", 0x2122},  {"deg", 0xB0},
    {"hellip", 0x2026}, {"mdash", 0x2014}, {"ndash", 0x2013},  {"lsquo", 0x2018},  {"rsquo", 0x2019},
    {"ldquo", 0x201C}, {"rdquo", 0x201D},  {"laquo", 0xAB},    {"raquo", 0xBB},    {"middot", 0xB7},
    {"bull", 0x2022},  {"times", 0xD7},    {"divide", 0xF7},   {"plusmn", 0xB1},   {"frac12", 0xBD},
    {"frac14", 0xBC},  {"frac34", 0xBE},   {"euro", 0x20AC},   {"pound", 0xA3},    {"yen", 0xA5},
    {"cent", 0xA2},    {"sect", 0xA7},     {"para", 0xB6},     {"iexcl", 0xA1},    {"iquest", 0xBF},
    {"szlig", 0xDF},   {"aacute", 0xE1},   {"Aacute", 0xC1},   {"agrave", 0xE0},   {"Agrave", 0xC0},
    {"acirc", 0xE2},   {"auml", 0xE4},     {"Auml", 0xC4},     {"atilde", 0xE3},   {"aring", 0xE5},
    {"aelig", 0xE6},   {"ccedil", 0xE7},   {"Ccedil", 0xC7},   {"eacute", 0xE9},   {"Eacute", 0xC9},
    {"egrave", 0xE8},  {"Egrave", 0xC8},   {"ecirc", 0xEA},    {"euml", 0xEB},     {"iacute", 0xED},
    {"igrave", 0xEC},  {"icirc", 0xEE},    {"iuml", 0xEF},     {"ntilde", 0xF1},   {"Ntilde", 0xD1},
    {"oacute", 0xF3},  {"Oacute", 0xD3},   {"ograve", 0xF2},   {"ocirc", 0xF4},    {"ouml", 0xF6},
    {"Ouml", 0xD6},    {"otilde", 0xF5},   {"oslash", 0xF8},   {"uacute", 0xFA},   {"ugrave", 0xF9},
    {"ucirc", 0xFB},   {"uuml", 0xFC},     {"Uuml", 0xDC},     {"yacute", 0xFD},   {"yuml", 0xFF},
};

// Entities that html.unescape also accepts without the closing semicolon (HTML5 legacy names).
constexpr std::string_view kLegacyNoSemicolon[] = {"amp", "lt", "gt", "quot", "nbsp", "copy", "reg"};

// html.unescape maps numeric references 0x80-0x9F through Windows-1252.
constexpr char32_t kCp1252[32] = {0x20AC, 0x81,   0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                  0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,   0x017D, 0x8F,
                                  0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                  0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,   0x017E, 0x0178};

bool is_ascii_alnum(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Tries to read a character reference at text[pos] == '&'; on success appends it and returns
// the number of bytes consumed, else 0.
std::size_t unescape_at(std::string_view text, std::size_t pos, std::string& out) {
  std::size_t i = pos + 1;
  if (i < text.size() && text[i] == '#') {
    ++i;
    bool hex = false;
    if (i < text.size() && (text[i] == 'x' || text[i] == 'X')) hex = true, ++i;
    const std::size_t digits_start = i;
    std::uint64_t value = 0;
    while (i < text.size()) {
      const char c = text[i];
      int d;
      if (c >= '0' && c <= '9') d = c - '0';
      else if (hex && c >= 'a' && c <= 'f') d = c - 'a' + 10;
      else if (hex && c >= 'A' && c <= 'F') d = c - 'A' + 10;
      else break;
      value = std::min<std::uint64_t>(value * (hex ? 16 : 10) + static_cast<std::uint64_t>(d), 0x7FFFFFFF);
      ++i;
    }
    if (i == digits_start) return 0;
    if (i < text.size() && text[i] == ';') ++i;
    char32_t cp;
    if (value >= 0x80 && value <= 0x9F) cp = kCp1252[value - 0x80];
    else if (value == 0 || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) cp = kReplacementChar;
    else cp = static_cast<char32_t>(value);
    // Control characters and non-characters are dropped (0x80-0x9F went through the table above).
    const bool table = value >= 0x80 && value <= 0x9F;
    const bool removed = !table && ((cp >= 0x1 && cp <= 0x8) || cp == 0xB || (cp >= 0xE && cp <= 0x1F) ||
                                    cp == 0x7F || (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE);
    if (!removed) append_utf8(out, cp);
    return i - pos;
  }
  std::size_t end = i;
  while (end < text.size() && is_ascii_alnum(text[end]) && end - i < 32) ++end;
  const std::string_view name = text.substr(i, end - i);
  if (name.empty()) return 0;
  const bool semicolon = end < text.size() && text[end] == ';';
  if (semicolon) {
    for (const auto& [entity, cp] : kEntities) {
      if (entity != name) continue;
      append_utf8(out, cp);
      return end - pos + 1;
    }
  }
  // Without a (matching) semicolon, the longest legacy name that prefixes the word is replaced.
  std::string_view best;
  for (auto legacy : kLegacyNoSemicolon)
    if (name.substr(0, legacy.size()) == legacy && legacy.size() > best.size()) best = legacy;
  if (best.empty()) return 0;
  for (const auto& [entity, cp] : kEntities)
    if (entity == best) append_utf8(out, cp);
  return 1 + best.size();
}

}  // namespace

std::string html_unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    if (text[pos] == '&') {
      if (std::size_t used = unescape_at(text, pos, out)) {
        pos += used;
        continue;
      }
    }
    out += text[pos++];
  }
  return out;
}

std::string ftfy_lite(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    const char32_t cp = decode_utf8(text, pos);
    switch (cp) {
      case 0x2018: case 0x2019: case 0x201A: case 0x201B: out += '\''; continue;  // uncurl_quotes
      case 0x201C: case 0x201D: case 0x201E: case 0x201F: out += '"'; continue;
      case 0xFB00: out += "ff"; continue;  // fix_latin_ligatures
      case 0xFB01: out += "fi"; continue;
      case 0xFB02: out += "fl"; continue;
      case 0xFB03: out += "ffi"; continue;
      case 0xFB04: out += "ffl"; continue;
      case 0xFB05: case 0xFB06: out += "st"; continue;
      default: break;
    }
    if (cp >= 0xFF01 && cp <= 0xFF5E) {  // fix_character_width: full-width ASCII
      out += static_cast<char>(cp - 0xFF01 + 0x21);
    } else if (cp == 0x3000) {
      out += ' ';
    } else {
      append_utf8(out, cp);
    }
  }
  return out;
}

std::string collapse_whitespace(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t start = pos;
    const char32_t cp = decode_utf8(text, pos);
    if (is_space(cp)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    if (cp == kReplacementChar && pos - start == 1) append_utf8(out, cp);
    else out.append(text.substr(start, pos - start));
  }
  return out;
}

std::string clip_clean_text(std::string_view text) {
  const std::string fixed = ftfy_lite(text);
  return lower_utf8(collapse_whitespace(html_unescape(html_unescape(fixed))));
}

}  // namespace likeness::text
