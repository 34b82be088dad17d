#include "engine/text/prompt_tokens.h"

#include "engine/text/unicode.h"

namespace likeness::text {
namespace {

bool is_mark(char32_t cp) {  // combining marks that belong to the letter before them
  return (cp >= 0x300 && cp <= 0x36F) || (cp >= 0x1AB0 && cp <= 0x1AFF) || (cp >= 0x1DC0 && cp <= 0x1DFF) ||
         (cp >= 0x20D0 && cp <= 0x20FF) || (cp >= 0xFE20 && cp <= 0xFE2F) || cp == 0x3099 || cp == 0x309A;
}
bool is_word_char(char32_t cp) { return is_letter(cp) || is_number(cp) || is_mark(cp); }
bool is_apostrophe(char32_t cp) { return cp == '\'' || cp == 0x2019 || cp == 0x2018; }
bool is_hyphen(char32_t cp) { return cp == '-' || cp == 0x2010 || cp == 0x2011; }
bool is_sentence_end(char32_t cp) {
  return cp == '.' || cp == '!' || cp == '?' || cp == ';' || cp == '\n' || cp == 0x3002 || cp == 0xFF01 ||
         cp == 0xFF1F || cp == 0xFF1B || cp == 0xFF0E || cp == 0x2029 || cp == 0x2028;
}
bool is_emoji_joiner(char32_t cp) {
  return cp == 0x200D || cp == 0xFE0F || cp == 0xFE0E || (cp >= 0x1F3FB && cp <= 0x1F3FF) ||
         (cp >= 0xE0020 && cp <= 0xE007F);
}
bool is_punct(char32_t cp) {
  if (cp < 0x80) return cp > ' ' && cp != 0x7F && !(cp >= '0' && cp <= '9') && !((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z');
  return is_sentence_end(cp) || cp == 0x3001 || cp == 0xFF0C || cp == 0xFF1A || (cp >= 0x2010 && cp <= 0x2027) ||
         cp == 0x00AB || cp == 0x00BB || cp == 0x00A1 || cp == 0x00BF || cp == 0x300C || cp == 0x300D;
}

char32_t peek(std::string_view text, std::size_t pos) {
  if (pos >= text.size()) return 0;
  return decode_utf8(text, pos);
}

}  // namespace

std::vector<PromptToken> tokenize_prompt(std::string_view text) {
  std::vector<PromptToken> tokens;
  bool hyphen_pending = false;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t start = pos;
    std::size_t next = pos;
    const char32_t cp = decode_utf8(text, next);
    if (cp == '\n' || cp == 0x2029 || cp == 0x2028) {
      tokens.push_back({PromptToken::Type::Punct, "\n", start, next - start, false, true});
      pos = next;
      hyphen_pending = false;
      continue;
    }
    if (is_space(cp) || cp < 0x20 || cp == 0x7F || cp == 0x200B) {
      pos = next;
      hyphen_pending = false;
      continue;
    }
    if (is_hyphen(cp) && !tokens.empty() && tokens.back().offset + tokens.back().length == start &&
        (tokens.back().type == PromptToken::Type::Word || tokens.back().type == PromptToken::Type::Number) &&
        is_word_char(peek(text, next))) {
      hyphen_pending = true;  // a joining hyphen: "middle-aged", "35-year-old"
      pos = next;
      continue;
    }
    PromptToken token;
    token.offset = start;
    token.after_hyphen = hyphen_pending;
    hyphen_pending = false;
    if (is_word_char(cp)) {
      token.type = is_number(cp) && !is_letter(cp) ? PromptToken::Type::Number : PromptToken::Type::Word;
      std::size_t end = next;
      while (end < text.size()) {
        std::size_t after = end;
        const char32_t c = decode_utf8(text, after);
        if (is_word_char(c)) {
          end = after;
        } else if (is_apostrophe(c) && is_letter(peek(text, after))) {
          end = after;  // "don't", "she's", "crow's"
        } else if (c == '.' && token.type == PromptToken::Type::Number && is_number(peek(text, after))) {
          end = after;  // "1.5"
        } else {
          break;
        }
      }
      token.length = end - start;
      std::string lowered = lower_utf8(text.substr(start, end - start));
      for (std::size_t i = 0; i < lowered.size();) {  // straighten apostrophes
        const std::size_t at = i;
        const char32_t c = decode_utf8(lowered, i);
        if (c == 0x2019 || c == 0x2018) token.text += '\'';
        else token.text.append(lowered, at, i - at);
      }
      pos = end;
    } else if (is_punct(cp)) {
      token.type = PromptToken::Type::Punct;
      token.length = next - start;
      token.text = std::string(text.substr(start, next - start));
      token.sentence_end = is_sentence_end(cp);
      pos = next;
    } else {
      token.type = PromptToken::Type::Symbol;
      std::size_t end = next;
      for (;;) {  // keep an emoji's modifiers and zero-width-joined parts together
        std::size_t after = end;
        const char32_t c = peek(text, end);
        if (end >= text.size() || !is_emoji_joiner(c)) break;
        decode_utf8(text, after);
        end = after;
        if (c == 0x200D && end < text.size()) {
          std::size_t joined = end;
          const char32_t j = decode_utf8(text, joined);
          if (!is_space(j) && !is_word_char(j)) end = joined;
        }
      }
      token.length = end - start;
      for (std::size_t i = start; i < end;) {  // variation selectors do not change the meaning
        const std::size_t at = i;
        const char32_t c = decode_utf8(text, i);
        if (c != 0xFE0F && c != 0xFE0E) token.text.append(text.substr(at, i - at));
      }
      pos = end;
    }
    tokens.push_back(std::move(token));
  }
  return tokens;
}

}  // namespace likeness::text
