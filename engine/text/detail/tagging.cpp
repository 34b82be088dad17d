#include "engine/text/detail/tagging.h"

#include <charconv>
#include <cmath>
#include <optional>

#include "engine/core/strings.h"

namespace likeness::text::detail {

bool Item::has(Role::Kind kind) const { return role(kind) != nullptr; }

const Role* Item::role(Role::Kind kind) const {
  for (const Role& r : roles)
    if (r.kind == kind) return &r;
  return nullptr;
}

namespace {

bool has_role(const std::vector<Role>& roles, Role::Kind kind) {
  for (const Role& r : roles)
    if (r.kind == kind) return true;
  return false;
}

// Roles of a word the lexicon does not list, from its form: contractions, possessives, plurals,
// comparatives, superlatives and "-ish". Empty if none applies.
std::vector<Role> morphology(const Lexicon& lex, const std::string& w, Item& item) {
  auto roles_of = [&](const std::string& stem) -> const std::vector<Role>& { return lex.roles(stem); };
  // Negative contractions: "isn't" is a copula and a negation; "doesn't" a negation.
  if (ends_with(w, "n't") && w.size() > 3) {
    std::string stem = w.substr(0, w.size() - 3);
    if (stem == "ca") stem = "can";
    if (stem == "wo") stem = "will";
    std::vector<Role> out;
    if (has_role(roles_of(stem), Role::Kind::Copula)) out.push_back({Role::Kind::Copula});
    out.push_back({Role::Kind::Negation});
    item.fallback = "negation of '" + stem + "'";
    return out;
  }
  for (const char* suffix : {"'s", "'re", "'m", "'ve", "'ll", "'d", "s'"}) {
    if (!ends_with(w, suffix) || w.size() <= std::string(suffix).size()) continue;
    const std::string stem = w.substr(0, w.size() - std::string(suffix).size() + (std::string(suffix) == "s'" ? 1 : 0));
    std::vector<Role> out = roles_of(stem);
    if (out.empty()) continue;
    // "she's smiling": the contraction is a copula after a pronoun.
    if (has_role(out, Role::Kind::Pronoun) && std::string(suffix) != "s'" && std::string(suffix) != "'ll" &&
        std::string(suffix) != "'d")
      out.push_back({Role::Kind::Copula});
    item.fallback = "'" + stem + "' + " + suffix;
    return out;
  }
  auto first_with = [&](const std::vector<std::string>& stems, std::initializer_list<Role::Kind> kinds) -> std::optional<std::string> {
    for (const std::string& s : stems) {
      if (s.size() < 2) continue;
      for (Role::Kind k : kinds)
        if (has_role(roles_of(s), k)) return s;
    }
    return std::nullopt;
  };
  auto undouble = [](const std::string& s) {
    return s.size() >= 2 && s[s.size() - 1] == s[s.size() - 2] ? s.substr(0, s.size() - 1) : s;
  };
  // "-ish": "reddish", "greyish", "bluish", "oldish".
  if (ends_with(w, "ish") && w.size() > 5) {
    const std::string base = w.substr(0, w.size() - 3);
    if (auto s = first_with({base, undouble(base), base + "e"}, {Role::Kind::Color, Role::Kind::Adjective})) {
      item.hedge = 0.8;
      item.fallback = "'" + *s + "' (-ish)";
      std::vector<Role> out;
      for (const Role& r : roles_of(*s))
        if (r.kind == Role::Kind::Color || r.kind == Role::Kind::Adjective) out.push_back(r);
      return out;
    }
  }
  // Plurals of nouns: features, person nouns, expressions.
  const std::initializer_list<Role::Kind> nouns = {Role::Kind::Feature, Role::Kind::Person, Role::Kind::Expression};
  if (ends_with(w, "ies") && w.size() > 4) {
    if (auto s = first_with({w.substr(0, w.size() - 3) + "y"}, nouns)) return item.fallback = "plural of '" + *s + "'", roles_of(*s);
  }
  if (ends_with(w, "es") && w.size() > 3) {
    if (auto s = first_with({w.substr(0, w.size() - 2)}, nouns)) return item.fallback = "plural of '" + *s + "'", roles_of(*s);
  }
  if (ends_with(w, "s") && !ends_with(w, "ss") && w.size() > 3) {
    if (auto s = first_with({w.substr(0, w.size() - 1)}, nouns)) return item.fallback = "plural of '" + *s + "'", roles_of(*s);
  }
  // Comparatives and superlatives of listed adjectives: "thicker", "wider", "bushier", "biggest".
  for (const char* suffix : {"er", "est"}) {
    const std::string sx = suffix;
    if (!ends_with(w, sx) || w.size() <= sx.size() + 2) continue;
    const std::string base = w.substr(0, w.size() - sx.size());
    std::vector<std::string> stems = {base, base + "e", undouble(base)};
    if (ends_with(base, "i")) stems.push_back(base.substr(0, base.size() - 1) + "y");
    if (auto s = first_with(stems, {Role::Kind::Adjective})) {
      std::vector<Role> out;
      for (const Role& r : roles_of(*s)) {
        if (r.kind != Role::Kind::Adjective) continue;
        if (sx == "er") out.push_back({Role::Kind::Comparative, r.index, 1});
        else out.push_back(r);
      }
      item.superlative = sx == "est";
      item.fallback = (sx == "er" ? "comparative of '" : "superlative of '") + *s + "'";
      return out;
    }
  }
  return {};
}

// Parses an ASCII number token: "35", "1.5", "40s", "40's", "35yo", "21st".
bool parse_number(const std::string& text, Item& item) {
  std::size_t digits = 0;
  while (digits < text.size() && ((text[digits] >= '0' && text[digits] <= '9') || text[digits] == '.')) ++digits;
  if (digits == 0 || digits > 12) return false;
  double value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + digits, value);
  if (ec != std::errc() || ptr != text.data() + digits) return false;
  const std::string suffix = text.substr(digits);
  item.special = Item::Special::Number;
  item.number = value;
  if (suffix == "s" || suffix == "'s") {
    if (std::fmod(value, 10) != 0) return false;
    item.decade = true;
  } else if (suffix == "yo" || suffix == "y") {
    item.special = Item::Special::AgeAbsolute;
  } else if (!suffix.empty() && suffix != "st" && suffix != "nd" && suffix != "rd" && suffix != "th") {
    return false;
  }
  return true;
}

bool is_decade_word(const Item& it) {
  const Role* r = it.role(Role::Kind::NumberWord);
  return r && r->text == "decade";
}

std::optional<double> number_of(const Item& it) {
  if (it.special == Item::Special::Number && !it.decade) return it.number;
  if (const Role* r = it.role(Role::Kind::NumberWord); r && r->text != "decade") return r->value;
  return std::nullopt;
}

std::optional<double> decade_of(const Item& it) {
  if (it.special == Item::Special::Number && it.decade) return it.number;
  if (is_decade_word(it)) return it.role(Role::Kind::NumberWord)->value;
  return std::nullopt;
}

bool age_word(const Item& it, const char* kind) {
  const Role* r = it.role(Role::Kind::AgeWord);
  return r && r->text == kind;
}

// The years an adjective item's age sense states (old 70, young 24), if it has one.
std::optional<double> years_sense(const Lexicon& lex, const Item& it, bool comparative) {
  for (const Role& r : it.roles) {
    if (r.kind != (comparative ? Role::Kind::Comparative : Role::Kind::Adjective)) continue;
    for (const Sense& s : lex.adjectives()[static_cast<std::size_t>(r.index)].senses)
      if (s.years) return s.years;
  }
  return std::nullopt;
}

Item merge(const std::vector<Item>& items, std::size_t a, std::size_t b, Item::Special special, double years) {
  Item m;
  m.first_token = items[a].first_token;
  m.last_token = items[b].last_token;
  m.span = {items[a].span.offset, items[b].span.end() - items[a].span.offset};
  for (std::size_t i = a; i <= b; ++i) m.phrase += (i > a ? " " : "") + items[i].phrase;
  m.special = special;
  m.number = years;
  return m;
}

// Joins "twenty five" into one number item.
std::vector<Item> join_number_words(std::vector<Item> items) {
  std::vector<Item> out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Role* tens = items[i].role(Role::Kind::NumberWord);
    if (tens && tens->text != "decade" && tens->value >= 20 && tens->value <= 90 && std::fmod(tens->value, 10) == 0 &&
        i + 1 < items.size()) {
      const Role* units = items[i + 1].role(Role::Kind::NumberWord);
      if (units && units->text != "decade" && units->value >= 1 && units->value <= 9) {
        Item m = merge(items, i, i + 1, Item::Special::Number, tens->value + units->value);
        out.push_back(m);
        ++i;
        continue;
      }
    }
    out.push_back(items[i]);
  }
  return out;
}

// Rewrites age expressions into AgeAbsolute / AgeDelta items.
std::vector<Item> find_ages(const Lexicon& lex, const std::vector<Item>& items) {
  std::vector<Item> out;
  auto is_stop_or_pronoun = [](const Item& it) { return it.has(Role::Kind::Stop) || it.has(Role::Kind::Pronoun); };
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Item& it = items[i];
    // [in] [his|her|the] [early|mid|late] DECADE
    if (auto decade = decade_of(it)) {
      std::size_t a = i;
      double offset = 5;
      std::size_t k = out.size();
      // Age words, articles and pronouns are never merged items, so out[k - 1] is items[a - 1].
      if (k > 0 && (age_word(out[k - 1], "early") || age_word(out[k - 1], "mid") || age_word(out[k - 1], "late"))) {
        offset = age_word(out[k - 1], "early") ? 2 : age_word(out[k - 1], "mid") ? 5 : 8;
        --a, --k;
      }
      std::string sex;
      if (k > 0 && is_stop_or_pronoun(out[k - 1])) {
        if (const Role* p = out[k - 1].role(Role::Kind::Pronoun)) sex = p->text;
        --a, --k;
      }
      if (k > 0 && age_word(out[k - 1], "in")) --a, --k;
      out.resize(k);
      out.push_back(merge(items, a, i, Item::Special::AgeAbsolute, *decade + offset));
      out.back().pronoun_sex = sex;
      continue;
    }
    if (it.special == Item::Special::AgeAbsolute) {  // "35yo"
      out.push_back(it);
      continue;
    }
    const auto n = number_of(it);
    if (!n) {
      out.push_back(it);
      continue;
    }
    // aged N
    if (!out.empty() && age_word(out.back(), "aged")) {
      const std::size_t a = i - 1;
      out.pop_back();
      out.push_back(merge(items, a, i, Item::Special::AgeAbsolute, *n));
      continue;
    }
    std::size_t j = i + 1;
    const bool unit = j < items.size() && items[j].has(Role::Kind::YearsUnit);
    if (unit) ++j;
    if (j < items.size()) {
      // N [years] old | N yo
      if (age_word(items[j], "old")) {
        out.push_back(merge(items, i, j, Item::Special::AgeAbsolute, *n));
        i = j;
        continue;
      }
      // N [years] older / younger
      if (auto years = years_sense(lex, items[j], true)) {
        const double sign = *years >= lex.reference_age() ? 1 : -1;
        out.push_back(merge(items, i, j, Item::Special::AgeDelta, sign * *n));
        i = j;
        continue;
      }
    }
    if (unit) {
      // "by 20 years" after an age verb: the verb's direction decides.
      int verb_sign = 0;
      for (const Item& v : items)
        if (const Role* r = v.role(Role::Kind::Verb); r && lex.verbs()[static_cast<std::size_t>(r->index)].kind == Verb::Kind::Age)
          verb_sign = lex.verbs()[static_cast<std::size_t>(r->index)].sign;
      if (verb_sign != 0) {
        out.push_back(merge(items, i, i + 1, Item::Special::AgeDelta, verb_sign * *n));
        ++i;
        continue;
      }
    }
    // "woman, 35", "make him 60", "she is about 50": a bare number right after a person noun, a
    // pronoun, or a copula (articles and hedges between them are skipped).
    std::size_t back = out.size();
    if (back > 0 && out[back - 1].special == Item::Special::Punct && out[back - 1].phrase == ",") --back;
    while (back > 0 && (out[back - 1].has(Role::Kind::Hedge) || out[back - 1].phrase == "about" ||
                        out[back - 1].phrase == "around" || out[back - 1].phrase == "roughly"))
      --back;
    const bool after_person = back > 0 && (out[back - 1].has(Role::Kind::Person) || out[back - 1].has(Role::Kind::Pronoun) ||
                                           out[back - 1].has(Role::Kind::Copula));
    // Not when the number counts something ("a few wrinkles", "two moles").
    const bool counts = i + 1 < items.size() && (items[i + 1].has(Role::Kind::Feature) || items[i + 1].has(Role::Kind::Adjective) ||
                                                 items[i + 1].has(Role::Kind::Color) || items[i + 1].has(Role::Kind::Expression));
    if (after_person && !counts && *n >= 1 && *n <= 120) {
      out.push_back(merge(items, i, unit ? i + 1 : i, Item::Special::AgeAbsolute, *n));
      if (unit) ++i;
      continue;
    }
    out.push_back(it);
  }
  return out;
}

}  // namespace

std::vector<Item> tag_sentence(const Lexicon& lex, const std::vector<PromptToken>& tokens, std::size_t first,
                               std::size_t last) {
  std::vector<Item> items;
  const std::size_t max_words = static_cast<std::size_t>(lex.max_phrase_words());
  for (std::size_t i = first; i <= last && i < tokens.size();) {
    const PromptToken& t = tokens[i];
    if (t.type == PromptToken::Type::Punct) {
      Item p;
      p.first_token = p.last_token = i;
      p.span = {t.offset, t.length};
      p.phrase = t.text;
      p.roles = lex.roles(t.text);
      p.special = Item::Special::Punct;
      items.push_back(p);
      ++i;
      continue;
    }
    // Longest lexicon phrase over consecutive word tokens (numbers and symbols too).
    std::size_t best = 0;
    std::string phrase, best_phrase;
    for (std::size_t n = 0; n < max_words && i + n <= last && i + n < tokens.size(); ++n) {
      const PromptToken& w = tokens[i + n];
      if (w.type == PromptToken::Type::Punct) break;
      phrase += (n > 0 ? " " : "") + w.text;
      if (!lex.roles(phrase).empty()) best = n + 1, best_phrase = phrase;
    }
    Item item;
    item.first_token = i;
    if (best > 0) {
      item.last_token = i + best - 1;
      item.phrase = best_phrase;
      item.roles = lex.roles(best_phrase);
    } else {
      item.last_token = i;
      item.phrase = t.text;
      if (t.type == PromptToken::Type::Number) {
        if (!parse_number(t.text, item)) item.special = Item::Special::Unknown;
      } else {
        item.roles = morphology(lex, t.text, item);
        if (item.roles.empty()) item.special = Item::Special::Unknown;
      }
    }
    item.span = {tokens[item.first_token].offset, tokens[item.last_token].offset + tokens[item.last_token].length -
                                                      tokens[item.first_token].offset};
    item.joined = tokens[item.first_token].after_hyphen;
    items.push_back(item);
    i = item.last_token + 1;
  }
  return find_ages(lex, join_number_words(items));
}

}  // namespace likeness::text::detail
