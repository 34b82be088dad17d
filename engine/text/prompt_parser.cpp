#include "engine/text/prompt_parser.h"

#include <algorithm>
#include <cmath>

#include "engine/core/error.h"
#include "engine/core/strings.h"
#include "engine/text/detail/target_builder.h"
#include "engine/text/detail/tagging.h"
#include "engine/text/prompt_tokens.h"
#include "engine/text/unicode.h"

namespace likeness::text {

using detail::Item;
using detail::Priority;
using detail::Realization;
using detail::TargetBuilder;
using K = Role::Kind;

namespace {

/// A word waiting for (or given) the part it describes, with its degree, negation and direction.
struct Mod {
  enum class Type { Adjective, Comparative, Color, Expression, ExpressionComparative };
  Type type = Type::Adjective;
  int index = -1;                                  // adjective, colour or expression
  std::vector<const ColorModifier*> color_mods;    // "dark" in "dark brown"
  int blend = -1;                                  // "hazel" in "hazel-green"
  std::string color_name;
  double degree = 1;
  bool negated = false;
  int direction = 0;    // +1 "more"/comparative, -1 "less"
  double hedge = 1;
  std::size_t first = 0, last = 0;  // item range of the words (degree words included)
};

/// Evidence about who is described, resolved once per prompt.
struct SexEvidence {
  std::string sex;
  Span span;
  std::size_t first_token = 0, last_token = 0;
  int instruction = 0;
  bool noun = false;  // a person noun rather than a pronoun
};

struct AncestryEvidence {
  int index;
  Span span;
  std::size_t first_token = 0, last_token = 0;
  int instruction = 0;
};

struct PromptState {
  std::vector<SexEvidence> sex;
  std::vector<AncestryEvidence> ancestry;
  std::optional<double> age;
  std::optional<Span> age_span;
};

class SentenceParser {
public:
  SentenceParser(const Lexicon& lex, TargetBuilder& out, std::vector<Item> items, int instruction, bool edit_context,
                 PromptState& prompt)
      : lex_(lex), out_(out), items_(std::move(items)), instruction_(instruction), edit_(edit_context), prompt_(prompt) {}

  /// Reads the sentence; returns whether it is an edit.
  bool run() {
    for (std::size_t i = 0; i < items_.size(); ++i) step(i);
    flush();
    return edit_;
  }

private:
  // ---- helpers ---------------------------------------------------------------------------------
  const Feature& feature(int index) const { return lex_.features()[static_cast<std::size_t>(index)]; }
  const Feature& person() const { return feature(lex_.person_feature()); }

  Span span_of(std::size_t a, std::size_t b) const {
    if (a > b) std::swap(a, b);
    return {items_[a].span.offset, items_[b].span.end() - items_[a].span.offset};
  }

  void attend_items(std::size_t a, std::size_t b, const RegionWeights& regions) {
    if (a > b) std::swap(a, b);
    for (std::size_t i = a; i <= b; ++i) {
      // Conjunctions and articles between a modifier and its noun carry no attention.
      if (items_[i].has(K::Conjunction) || items_[i].has(K::Stop) || items_[i].special == Item::Special::Punct) continue;
      out_.attend(items_[i].first_token, items_[i].last_token, regions);
    }
  }

  bool is_modifier(const Item& it) const {
    return it.has(K::Adjective) || it.has(K::Comparative) || it.has(K::Color) || it.has(K::ColorModifier) ||
           it.has(K::Degree) || it.has(K::Negation) || it.has(K::Hedge) || it.has(K::More) || it.has(K::Less) ||
           it.has(K::ExpressionComparative);
  }

  static bool is_quote(const std::string& p) {
    return p == "\"" || p == "'" || p == "\u201c" || p == "\u201d" || p == "\u2018" || p == "\u2019" || p == "\u00ab" ||
           p == "\u00bb" || p == "`";
  }

  bool is_head(const Item& it) const {
    return it.has(K::Feature) || it.has(K::Person) || it.has(K::Expression) || it.has(K::Ancestry);
  }

  /// True if the words from `j` on continue into a noun ("big and black eyes"): modifiers,
  /// unknown words and conjunctions between modifiers lead to a feature, person or expression.
  bool leads_to_head(std::size_t j) const {
    for (; j < items_.size(); ++j) {
      const Item& it = items_[j];
      if (is_head(it) && !(it.has(K::Expression) && j + 1 < items_.size() && is_head(items_[j + 1]))) return true;
      if (it.has(K::Expression)) return true;
      if (it.special == Item::Special::Unknown || it.has(K::Unsupported)) continue;
      if (it.special == Item::Special::Punct && it.roles.empty()) {
        if (is_quote(it.phrase)) continue;  // "“big” nose"
        return false;                       // a bracket closes the phrase: "big nose (very big), small eyes"
      }
      if (is_modifier(it)) continue;
      if ((it.has(K::Conjunction) || it.phrase == ",") && j + 1 < items_.size() &&
          (is_modifier(items_[j + 1]) || items_[j + 1].special == Item::Special::Unknown))
        continue;
      return false;
    }
    return false;
  }

  /// The next item that is not punctuation or an article.
  std::optional<std::size_t> next_content(std::size_t j) const {
    for (; j < items_.size(); ++j)
      if (items_[j].special != Item::Special::Punct && !items_[j].has(K::Stop)) return j;
    return std::nullopt;
  }

  /// Picks the role of an item with several, from its neighbours.
  K choose(std::size_t i) const {
    const Item& it = items_[i];
    if (it.roles.size() == 1) return it.roles.front().kind;
    const auto next = next_content(i + 1);
    const Item* n = next ? &items_[*next] : nullptr;
    if (it.has(K::Copula) && it.has(K::Negation)) return K::Copula;  // "isn't": both, copula first
    if (it.has(K::ColorModifier) && n && n->has(K::Color) && *next == i + 1) return K::ColorModifier;
    if (it.has(K::Verb)) {
      // An imperative starts its clause and has an object after it ("thin the brows"); before a
      // noun or another modifier, or inside a predicate ("long and thin"), it is an adjective.
      const bool clause_start = i == 0 || items_[i - 1].has(K::Conjunction) || items_[i - 1].phrase == "," ||
                                items_[i - 1].has(K::Hedge) || (items_[i - 1].has(K::Stop) && i == 1);
      const bool adjective_reading = it.has(K::Adjective) || it.has(K::Comparative) || it.has(K::Feature) ||
                                     it.has(K::DimensionNoun) || it.has(K::Color);
      const bool object_follows = n && !is_modifier(*n) && !(*next == i + 1 && is_head(*n)) && !n->has(K::Conjunction);
      if (!adjective_reading || (clause_start && object_follows && !after_copula_)) return K::Verb;
    }
    if (it.has(K::Degree) && n && (is_modifier(*n) || n->has(K::Expression)) && *next == i + 1) return K::Degree;
    // A degree word that does not lead into an adjective is read in its other role ("too" = also).
    for (K k : {K::Feature, K::Person, K::Ancestry, K::Expression, K::Comparative, K::Adjective, K::Color,
                K::ColorModifier, K::Pronoun, K::More, K::Less, K::Negation, K::Without, K::Copula, K::DimensionNoun,
                K::Unsupported, K::Conjunction, K::With, K::Of, K::Than, K::Hedge, K::Locative, K::AgeWord,
                K::YearsUnit, K::Stop, K::NumberWord, K::ExpressionComparative, K::Verb, K::Degree})
      if (it.has(k)) return k;
    return it.roles.front().kind;
  }

  Realization realization(const Mod& m, bool delta, std::size_t head) const {
    Realization r;
    r.degree = m.degree;
    r.delta = delta;
    r.negated = m.negated && !delta;
    r.weight = m.hedge * hedge_;
    r.instruction = instruction_;
    r.span = span_of(std::min(m.first, head), std::max(m.last, head));
    return r;
  }

  bool tokens_after_hyphen(std::size_t item) const { return items_[item].joined; }

  /// The even mix of two colours, per domain.
  static Color blend(const Color& a, const Color& b) {
    auto mix = [](const Rgb& x, const Rgb& y) { return Rgb{(x.r + y.r) / 2, (x.g + y.g) / 2, (x.b + y.b) / 2}; };
    Color out = b;
    out.id = a.id + " " + b.id;
    out.rgb = mix(a.rgb, b.rgb);
    out.domains.clear();
    for (const auto* c : {&a, &b})
      for (const auto& [domain, rgb] : c->domains) out.domains[domain] = mix(a.in(domain), b.in(domain));
    return out;
  }

  // ---- attaching modifiers ---------------------------------------------------------------------
  /// Whether a gradable or categorical word is a change: comparatives, "more"/"less", and plain
  /// adjectives after "make".
  bool is_delta(const Mod& m, bool gradable, double level) const {
    if (m.type == Mod::Type::Comparative || m.type == Mod::Type::ExpressionComparative || m.direction != 0) return true;
    return verb_ && verb_->kind == Verb::Kind::Make && gradable && level != 0;
  }

  /// Realizes modifier `m` on feature `fi` named by item `head`. Returns false (after a warning)
  /// if the word does not apply to that feature.
  bool apply(const Mod& m, int fi, std::size_t head) {
    const Feature& f = feature(fi);
    const Span word = span_of(m.first, m.last);
    const int group = out_.new_group();
    last_group_ = group;
    auto regions_for = [&](const std::optional<RegionWeights>& own) { return own ? *own : f.regions; };

    if (m.type == Mod::Type::Expression || m.type == Mod::Type::ExpressionComparative) {
      realize_expression(m.index, {}, m, head, group);
      return true;
    }
    if (m.type == Mod::Type::Color) {
      const Color& c = lex_.colors()[static_cast<std::size_t>(m.index)];
      if (m.negated) {
        out_.warn(Warning::Kind::Ignored, word, "a negated colour ('not " + c.id + "') names no colour to aim for");
        return true;
      }
      Realization r = realization(m, false, head);
      r.group = group;
      if (auto o = f.overrides.find(c.id); o != f.overrides.end() && m.color_mods.empty() && m.blend < 0) {
        apply_override(o->second, r, word, head, m, f);
        return true;
      }
      Color mixed = c;
      if (m.blend >= 0) mixed = blend(lex_.colors()[static_cast<std::size_t>(m.blend)], c);
      auto rule = f.dims.find("color");
      if (rule != f.dims.end() && out_.realize_color(rule->second, mixed, m.color_mods, m.color_name, r)) {
        attend_items(m.first, head, regions_for(rule->second.regions));
        return true;
      }
      out_.warn(Warning::Kind::Unattached, word,
                "the colour '" + m.color_name + "' does not apply to " + (f.person ? "the whole person" : "'" + f.id + "'") +
                    (f.person ? "; name the part (eyes, hair, beard, lips...)" : ""));
      return false;
    }
    // Adjectives and comparatives.
    const Adjective& a = lex_.adjectives()[static_cast<std::size_t>(m.index)];
    // A comparative changes a dimension when the part has one ("darker eyes": lightness); the
    // part's own reading of the word ("dark eyes": dark brown irises) is for plain use.
    const bool change = m.type == Mod::Type::Comparative || m.direction != 0;
    bool sense_fits = false;
    for (const Sense& s : a.senses) sense_fits = sense_fits || (!s.dim.empty() && f.dims.count(s.dim));
    if (auto o = f.overrides.find(a.id); o != f.overrides.end() && !(change && sense_fits)) {
      const bool gradable = !a.senses.empty() && a.senses.front().level.has_value();
      const double level = gradable ? *a.senses.front().level : 0;
      Realization r = realization(m, is_delta(m, gradable, gradable ? level : 1), head);
      if (r.delta) r.degree *= (m.direction < 0 ? -1 : 1);
      r.group = group;
      apply_override(o->second, r, word, head, m, f);
      return true;
    }
    for (const Sense& s : a.senses) {
      if (!s.implies.empty() || !s.denies.empty()) {
        Realization r = realization(m, false, head);
        r.group = group;
        const bool deny = m.negated;  // "not bearded"
        for (const std::string& id : s.implies) presence(lex_.feature_index(id), !deny, r, m.first, head);
        for (const std::string& id : s.denies) presence(lex_.feature_index(id), deny, r, m.first, head);
        return true;
      }
      if (!s.ancestry.empty()) {
        if (!f.person && f.id != "skin") continue;
        for (std::size_t k = 0; k < lex_.ancestries().size(); ++k)
          if (lex_.ancestries()[k].id == s.ancestry)
            prompt_.ancestry.push_back({static_cast<int>(k), word, items_[m.first].first_token, items_[m.last].last_token, instruction_});
        return true;
      }
      auto rule = f.dims.find(s.dim);
      if (rule == f.dims.end()) continue;
      if (s.years) {
        const DimensionRule& dr = rule->second;
        Realization r = realization(m, false, head);
        r.group = group;
        bool delta = m.type == Mod::Type::Comparative || m.direction != 0 || (verb_ && verb_->kind == Verb::Kind::Make);
        double years = *s.years;
        if (delta && !verb_ && f.person && m.last < head && items_[head].has(K::Person)) {
          // "an older gentleman": a description, three quarters of the way to "old".
          delta = false;
          years = lex_.reference_age() + (years - lex_.reference_age()) * 0.75;
        } else if (delta) {
          const double dir = (m.direction < 0 ? -1 : 1) * (years >= lex_.reference_age() ? 1 : -1);
          years = dir * lex_.comparative_years() * m.degree;
        } else {
          years = lex_.reference_age() + (years - lex_.reference_age()) * m.degree;
          if (m.negated) years = lex_.reference_age() - (years - lex_.reference_age()) * lex_.negated_level();
        }
        if (delta) edit_ = true;
        age(years, delta, &dr, r, word, dr.person_age, m.first, head);
        return true;
      }
      const bool gradable = s.level.has_value();
      const bool delta = is_delta(m, gradable, gradable ? *s.level : 1) && !(gradable && *s.level == 0 && m.direction == 0 &&
                                                                             m.type != Mod::Type::Comparative);
      Realization r = realization(m, delta, head);
      r.group = group;
      r.weight *= s.weight;
      std::optional<double> level = s.level;
      if (delta && m.direction < 0 && m.type != Mod::Type::Comparative) r.degree = -r.degree;  // "less X"
      if (delta && m.direction < 0 && m.type == Mod::Type::Comparative) r.degree = -r.degree;  // "less bigger" (rare)
      if (m.type == Mod::Type::Comparative && level && *level == 0) level = 1;  // "more average": no direction
      if (!out_.realize_dimension(rule->second, level, s.value, r, word)) continue;
      if (delta) edit_ = true;
      attend_items(m.first, head, regions_for(rule->second.regions));
      return true;
    }
    // A word that means nothing for this feature.
    out_.warn(Warning::Kind::Unattached, word,
              "'" + out_.text_at(word) + "' does not describe " + (f.person ? "the whole person" : "'" + f.id + "'") +
                  (f.person ? "; name the part it is about" : ""));
    return false;
  }

  void apply_override(const Override& o, Realization r, const Span& word, std::size_t head, const Mod& m, const Feature& f) {
    if (r.delta) edit_ = true;
    out_.realize_bundle(o.targets, r);
    attend_items(m.first, head, o.regions ? *o.regions : f.regions);
    if (!o.ambiguous.empty()) out_.warn(Warning::Kind::Ambiguous, word, o.ambiguous);
  }

  /// Presence (true) or absence of a feature with a presence bundle.
  void presence(int fi, bool present, const Realization& base, std::size_t first, std::size_t head) {
    if (fi < 0) return;
    const Feature& f = feature(fi);
    Realization r = base;
    r.negated = false;
    r.delta = false;
    if (!present) r.degree = 1;
    Bundle bundle;
    for (const TargetSpec& t : present ? f.presence : f.absence)
      if (!out_.group_targets(r.group, t.id)) bundle.push_back(t);
    out_.realize_bundle(bundle, r);
    attend_items(first, head, f.regions);
  }

  void age(double years, bool delta, const DimensionRule* rule, Realization r, const Span& word, bool full,
           std::size_t first, std::size_t last) {
    out_.realize_age(years, delta, rule, r, word, full);
    const DimensionRule* age_rule = rule;
    if (!age_rule) {
      auto it = person().dims.find("age");
      if (it != person().dims.end()) age_rule = &it->second;
    }
    attend_items(first, last, age_rule && age_rule->regions ? *age_rule->regions : person().regions);
    if (!delta && full && (r.priority == Priority::Explicit || !prompt_.age)) {
      prompt_.age = std::clamp(years, lex_.param("skin.age").min, lex_.param("skin.age").max);
      prompt_.age_span = word;
    }
  }

  void realize_expression(int index, const std::vector<Mod>& intensity, const Mod& self, std::size_t head, int group) {
    const Expression& e = lex_.expressions()[static_cast<std::size_t>(index)];
    double degree = self.degree;
    for (const Mod& m : intensity) {
      // "big smile", "slight frown": a gradable adjective scales the expression.
      if (m.type != Mod::Type::Adjective) continue;
      const Adjective& a = lex_.adjectives()[static_cast<std::size_t>(m.index)];
      for (const Sense& s : a.senses)
        if (s.level) {
          degree *= std::clamp(1 + 0.34 * *s.level * m.degree, 0.3, 1.6);
          break;
        }
    }
    Mod m = self;
    m.degree = degree;
    std::size_t first = self.first;
    for (const Mod& i : intensity) first = std::min(first, i.first);
    const bool remove = verb_ && verb_->kind == Verb::Kind::Remove;
    const bool delta = self.type == Mod::Type::ExpressionComparative || self.direction != 0;
    Realization r = realization(m, delta, head);
    r.span = span_of(std::min(first, head), std::max(self.last, head));
    r.group = group;
    if (delta && self.direction < 0) r.degree = -r.degree;
    if (remove) r.negated = true, r.delta = false;
    out_.realize_bundle(e.weights, r);
    if (delta) edit_ = true;
    attend_items(first, std::max(self.last, head), e.regions);
    last_group_ = group;
  }

  /// A modifier after an expression: a comparative changes it ("bigger": more of it), an
  /// adjective sets its intensity ("the smile is slight").
  void apply_to_expression(const Mod& m) {
    const int index = expression_head_;
    expression_head_ = -1;
    Mod self;
    self.type = Mod::Type::Expression;
    self.index = index;
    self.first = self.last = expression_head_item_;
    self.negated = m.negated;
    const Adjective& a = lex_.adjectives()[static_cast<std::size_t>(m.index)];
    double level = 1;
    for (const Sense& s : a.senses)
      if (s.level) {
        level = *s.level;
        break;
      }
    const int group = out_.new_group();
    last_group_ = group;
    if (m.type == Mod::Type::Comparative || m.direction != 0 || (verb_ && verb_->kind == Verb::Kind::Make)) {
      self.type = Mod::Type::ExpressionComparative;
      self.direction = (level < 0 ? -1 : 1) * (m.direction < 0 ? -1 : 1);
      self.degree = m.degree;
      self.last = m.last;
      realize_expression(index, {}, self, m.last, group);
    } else {
      realize_expression(index, {m}, self, m.last, group);
    }
  }

  /// A change verb on a feature: "enlarge the eyes", "reduce the wrinkles", "more freckles".
  void change(int fi, const std::string& dim_name, int sign, std::size_t first, std::size_t head) {
    const Feature& f = feature(fi);
    const std::string dim = !dim_name.empty() ? dim_name : f.default_dim;
    auto rule = f.dims.find(dim);
    const Span word = span_of(first, head);
    if (rule == f.dims.end()) {
      out_.warn(Warning::Kind::Unattached, word,
                "'" + f.id + "' has no " + (dim.empty() ? "amount" : "'" + dim + "'") + " that this change could apply to");
      return;
    }
    Realization r;
    r.delta = true;
    r.degree = sign * degree_;
    r.weight = hedge_;
    r.instruction = instruction_;
    r.span = word;
    r.group = out_.new_group();
    last_group_ = r.group;
    if (!out_.realize_dimension(rule->second, 1.0, "", r, word)) {
      out_.warn(Warning::Kind::Unattached, word, "'" + f.id + "' " + dim + " cannot be changed by degree");
      return;
    }
    edit_ = true;
    attend_items(first, head, rule->second.regions ? *rule->second.regions : f.regions);
  }

  // ---- the walk --------------------------------------------------------------------------------
  Mod make_mod(Mod::Type type, int index, std::size_t i) {
    Mod m;
    m.type = type;
    m.index = index;
    m.degree = degree_ * (items_[i].superlative ? 1.6 : 1);
    m.negated = negate_.has_value();
    m.direction = more_less_;
    m.hedge = items_[i].hedge;
    m.first = std::min({i, degree_from_.value_or(i), negate_.value_or(i), more_less_from_.value_or(i)});
    m.last = i;
    degree_ = 1;
    degree_from_.reset();
    negate_.reset();
    more_less_ = 0;
    more_less_from_.reset();
    return m;
  }

  /// Places a modifier: before a noun it waits; after a copula or its noun it applies at once.
  void place(Mod m, std::size_t i) {
    // "a grey-green shirt": the word describes an unknown noun, not the part named before.
    if (i + 1 < items_.size() && items_[i + 1].special == Item::Special::Unknown && !leads_to_head(i + 1) &&
        !after_copula_ && (i + 2 >= items_.size() || !is_modifier(items_[i + 2]))) {
      out_.warn(Warning::Kind::Ignored, span_of(m.first, i + 1),
                "'" + out_.text_at(span_of(m.first, m.last)) + "' describes '" + items_[i + 1].phrase + "', which is not known");
      return;
    }
    if (leads_to_head(i + 1)) {
      pending_.push_back(m);
      return;
    }
    if (expression_head_ >= 0 && (m.type == Mod::Type::Adjective || m.type == Mod::Type::Comparative)) {
      apply_to_expression(m);
      return;
    }
    int target = -1;
    std::size_t head = i;
    if (after_copula_ && subject_ >= 0) target = subject_, head = subject_item_;
    else if (current_ >= 0) target = current_, head = current_item_;
    if (target < 0) {
      pending_.push_back(m);
      return;
    }
    apply(m, target, head);
  }

  void step(std::size_t i) {
    Item& it = items_[i];
    if (skip_clause_ && !it.has(K::Conjunction)) return;
    switch (it.special) {
      case Item::Special::Unknown: {
        const auto near = closest_words(it.phrase, lex_.phrases(), 3, it.phrase.size() > 5 ? 2 : 1);
        out_.warn(Warning::Kind::UnknownWord, it.span,
                  "unknown word '" + out_.text_at(it.span) + "'" + (near.empty() ? "" : " (did you mean " + join(near, ", ") + "?)"));
        return;
      }
      case Item::Special::Number:
        out_.warn(Warning::Kind::Ignored, it.span, "the number '" + out_.text_at(it.span) + "' is not attached to anything (an age reads '35 years old' or 'in her 30s')");
        return;
      case Item::Special::AgeAbsolute:
      case Item::Special::AgeDelta: {
        const bool delta = it.special == Item::Special::AgeDelta;
        if (!it.pronoun_sex.empty())  // "in his fifties"
          prompt_.sex.push_back({it.pronoun_sex, it.span, it.first_token, it.last_token, instruction_, false});
        Realization r;
        r.instruction = instruction_;
        r.span = it.span;
        r.group = out_.new_group();
        r.weight = hedge_;
        if (delta) edit_ = true, verb_used_ = true;
        std::size_t first = i;
        if (degree_from_) first = *degree_from_, r.degree = degree_;
        degree_ = 1;
        degree_from_.reset();
        age(it.number, delta, nullptr, r, it.span, true, first, i);
        return;
      }
      case Item::Special::Punct:
        if (it.roles.empty()) return;
        break;
      case Item::Special::None:
        break;
    }
    const K kind = choose(i);
    const Role* role = it.role(kind);
    switch (kind) {
      case K::Stop:
      case K::Of:
      case K::Than:
      case K::YearsUnit:
      case K::AgeWord:
        return;
      case K::NumberWord:
        out_.warn(Warning::Kind::Ignored, it.span, "the number '" + out_.text_at(it.span) + "' is not attached to anything");
        return;
      case K::Hedge:
        hedge_ *= role->value;
        return;
      case K::Degree: {
        const auto next = next_content(i + 1);
        const bool leads = next && *next == i + 1 &&
                           (is_modifier(items_[*next]) || items_[*next].has(K::Expression) ||
                            items_[*next].special == Item::Special::AgeAbsolute || items_[*next].special == Item::Special::AgeDelta);
        const auto space = it.phrase.rfind(' ');
        const Role* tail = nullptr;  // "a little nose": the last word is an adjective
        if (!leads && space != std::string::npos && leads_to_head(i + 1))
          for (const Role& r : lex_.roles(it.phrase.substr(space + 1)))
            if (r.kind == K::Adjective) tail = &r;
        if (leads) {
          degree_ *= role->value;
          if (!degree_from_) degree_from_ = i;
        } else if (tail) {
          place(make_mod(Mod::Type::Adjective, tail->index, i), i);
        } else if (expression_head_ >= 0) {
          degree_ *= role->value;  // "the smile, slightly" reaches the expression at the end
        } else if (last_group_ >= 0) {
          // "widen the jaw slightly", "open her mouth a little": the last phrase is scaled.
          out_.rescale_group(last_group_, role->value);
          out_.attend(it.first_token, it.last_token, out_.token_attention()[items_[last_head_item_].first_token]);
        }
        return;
      }
      case K::Negation:
        negate_ = i;
        return;
      case K::Without:
        without_ = true;
        return;
      case K::More:
      case K::Less:
        more_less_ = kind == K::More ? 1 : -1;
        more_less_from_ = i;
        edit_ = true;
        return;
      case K::Copula:
        after_copula_ = true;
        subject_ = current_ >= 0 ? current_ : lex_.person_feature();
        subject_item_ = current_ >= 0 ? current_item_ : i;
        if (it.has(K::Negation)) negate_ = i;
        return;
      case K::With:
        after_copula_ = false;
        return;
      case K::Locative:
        locative_ = true;  // "around the eyes": the next part is where, not what
        return;
      case K::Conjunction:
        // In a list ("old woman, round face"), what follows a comma is not about the part before it.
        if (it.phrase == "," && !after_copula_ && pending_.empty()) current_ = -1;
        skip_clause_ = false;
        return;
      case K::Unsupported:
        out_.warn(Warning::Kind::Unsupported, it.span, role->text);
        return;
      case K::DimensionNoun:
        if (current_ >= 0 && current_item_ + 1 == i) {
          post_dim_ = role->text;  // "nose size", "eye colour"
          if (pending_change_) {
            change(current_, role->text, pending_change_sign_, pending_change_first_, i);
            pending_change_ = false;
          }
        } else {
          dim_noun_ = role->text;  // "the size of the nose"
          dim_noun_item_ = i;
        }
        return;
      case K::Verb: {
        if (pending_change_) finish_pending_change();
        const Verb& v = lex_.verbs()[static_cast<std::size_t>(role->index)];
        if (negate_) {
          // "don't add a beard": nothing in this clause is a target.
          std::size_t end = i;
          while (end + 1 < items_.size() && !items_[end + 1].has(K::Conjunction)) ++end;
          out_.warn(Warning::Kind::Ignored, span_of(*negate_, end),
                    "a negated command ('" + out_.text_at(span_of(*negate_, end)) + "') asks for no change");
          negate_.reset();
          skip_clause_ = true;
          edit_ = true;
          return;
        }
        if (v.kind == Verb::Kind::Keep) {
          out_.warn(Warning::Kind::Unsupported, it.span,
                    "'" + out_.text_at(it.span) + "' (keeping parts unchanged) sets no target; an edit's attention already limits what changes");
          verb_ = &v;
          verb_item_ = i;
          keep_ = true;
          return;
        }
        verb_ = &v;
        verb_item_ = i;
        verb_used_ = false;
        keep_ = false;
        edit_ = true;
        return;
      }
      case K::Pronoun: {
        if (!role->text.empty())
          prompt_.sex.push_back({role->text, it.span, it.first_token, it.last_token, instruction_, false});
        if (current_ < 0 || current_ == lex_.person_feature()) {
          current_ = lex_.person_feature();
          current_item_ = i;
        }
        return;
      }
      case K::Person:
        on_person(i, lex_.persons()[static_cast<std::size_t>(role->index)]);
        return;
      case K::Ancestry: {
        prompt_.ancestry.push_back({role->index, it.span, it.first_token, it.last_token, instruction_});
        flush_pending_to(lex_.person_feature(), i);
        if (current_ < 0) current_ = lex_.person_feature(), current_item_ = i;
        return;
      }
      case K::Feature:
        on_feature(i, role->index);
        return;
      case K::Expression:
        if (role->value == 1) edit_ = true;  // "close her eyes"
        on_expression(i, role->index);
        return;
      case K::ExpressionComparative: {
        Mod m = make_mod(Mod::Type::ExpressionComparative, role->index, i);
        realize_expression(role->index, {}, m, i, out_.new_group());
        return;
      }
      case K::ColorModifier: {
        color_mods_.push_back(&lex_.color_modifiers()[static_cast<std::size_t>(role->index)]);
        color_mod_names_ += lex_.color_modifiers()[static_cast<std::size_t>(role->index)].id + " ";
        if (!color_mod_from_) color_mod_from_ = i;
        return;
      }
      case K::Color: {
        // "hazel-green", "blue-grey": two colours joined by a hyphen are mixed.
        if (i + 1 < items_.size() && items_[i + 1].has(K::Color) && tokens_after_hyphen(i + 1)) {
          blend_ = role->index;
          blend_from_ = i;
          return;
        }
        Mod m = make_mod(Mod::Type::Color, role->index, i);
        if (blend_ >= 0) {
          m.blend = blend_;
          m.first = std::min(m.first, *blend_from_);
          blend_ = -1;
          blend_from_.reset();
        }
        m.color_mods = color_mods_;
        m.color_name = color_mod_names_ + (m.blend >= 0 ? lex_.colors()[static_cast<std::size_t>(m.blend)].id + " " : "") +
                       lex_.colors()[static_cast<std::size_t>(role->index)].id;
        if (color_mod_from_) m.first = std::min(m.first, *color_mod_from_);
        color_mods_.clear();
        color_mod_names_.clear();
        color_mod_from_.reset();
        place(m, i);
        return;
      }
      case K::Adjective:
      case K::Comparative: {
        Mod m = make_mod(kind == K::Adjective ? Mod::Type::Adjective : Mod::Type::Comparative, role->index, i);
        if (kind == K::Comparative) m.direction = m.direction == 0 ? 1 : m.direction;
        // "bigger than average", "a longer than usual nose", "more arched than most": compared with
        // the population, not with the face as it is, so a description: the plain adjective at
        // a little under its own strength. The "than" phrase is skipped to reach a noun after it.
        if (const Role* norm = i + 1 < items_.size() ? items_[i + 1].role(K::Than) : nullptr;
            norm && norm->value > 0 && m.direction > 0) {
          m.type = Mod::Type::Adjective;
          m.direction = 0;
          m.degree *= lex_.than_norm_degree();
          place(m, i + 1);
          return;
        }
        place(m, i);
        return;
      }
      default:
        return;
    }
  }

  void finish_pending_change() {
    if (!pending_change_) return;
    change(current_, "", pending_change_sign_, pending_change_first_, pending_change_head_);
    pending_change_ = false;
  }

  void flush_pending_to(int fi, std::size_t head) {
    std::vector<Mod> mods;
    mods.swap(pending_);
    for (const Mod& m : mods) apply(m, fi, head);
  }

  void on_person(std::size_t i, const PersonNoun& p) {
    if (pending_change_) finish_pending_change();
    const Item& it = items_[i];
    // The noun's own facts first, so that its adjectives ("teenage boy") override them.
    if (!p.sex.empty()) prompt_.sex.push_back({p.sex, it.span, it.first_token, it.last_token, instruction_, true});
    if (p.years) {
      Realization r;
      r.instruction = instruction_;
      r.span = it.span;
      r.group = out_.new_group();
      r.weight = 0.8;  // a noun's age (boy, grandmother) is a typical age, not a stated one
      r.priority = Priority::Implied;
      age(*p.years, false, nullptr, r, it.span, true, i, i);
    }
    if (!p.bundle.empty()) {
      Realization r;
      r.instruction = instruction_;
      r.span = it.span;
      r.group = out_.new_group();
      out_.realize_bundle(p.bundle, r);
    }
    flush_pending_to(lex_.person_feature(), i);
    if (!p.ancestry.empty())
      for (std::size_t k = 0; k < lex_.ancestries().size(); ++k)
        if (lex_.ancestries()[k].id == p.ancestry)
          prompt_.ancestry.push_back({static_cast<int>(k), it.span, it.first_token, it.last_token, instruction_});
    out_.attend(it.first_token, it.last_token, person().regions);
    current_ = lex_.person_feature();
    current_item_ = i;
    last_head_item_ = i;
  }

  void on_feature(std::size_t i, int fi) {
    if (pending_change_) finish_pending_change();
    const Feature& f = feature(fi);
    const Item& it = items_[i];
    const bool negated = negate_.has_value() || without_;
    const std::size_t neg_first = negate_.value_or(i);
    negate_.reset();
    const int direction = more_less_;
    const std::size_t direction_first = more_less_from_.value_or(i);
    more_less_ = 0;
    more_less_from_.reset();
    std::vector<Mod> mods;
    mods.swap(pending_);
    out_.attend(it.first_token, it.last_token, f.regions);
    const int group_before = last_group_;
    int presence_group = -1;
    std::size_t first = i;
    for (const Mod& m : mods) {
      first = std::min(first, m.first);
      apply(m, fi, i);
      if (presence_group < 0 || last_group_ != group_before) presence_group = last_group_;
    }
    const std::string dim = !dim_noun_.empty() ? dim_noun_ : "";
    const std::size_t dim_item = dim_noun_item_;
    if (!dim_noun_.empty()) first = std::min(first, dim_noun_item_);
    dim_noun_.clear();
    const bool dim_used = !dim.empty() && (direction != 0 || (verb_ && verb_->kind == Verb::Kind::Change) || !mods.empty() ||
                                           after_copula_);
    if (!dim.empty() && !dim_used)
      out_.warn(Warning::Kind::Ignored, items_[dim_item].span,
                "'" + items_[dim_item].phrase + "' of '" + f.id + "' is named but nothing says how it should be");
    const bool locative = locative_;
    locative_ = false;
    if (locative) {
      // A place ("freckles across the nose"): its own adjectives apply, nothing else happens to it.
      current_ = fi;
      current_item_ = i;
      last_head_item_ = i;
      after_copula_ = false;
      return;
    }
    const bool remove = verb_ && verb_->kind == Verb::Kind::Remove;
    const bool change_verb = verb_ && verb_->kind == Verb::Kind::Change;
    const bool make_verb = verb_ && verb_->kind == Verb::Kind::Make;
    if (!f.absence.empty() && (negated || remove)) {
      Realization r;
      r.instruction = instruction_;
      r.weight = hedge_;
      r.group = mods.empty() ? out_.new_group() : last_group_;
      r.span = span_of(negated ? std::min(neg_first, first) : std::min(verb_item_, first), i);
      presence(fi, false, r, std::min(first, negated ? neg_first : i), i);
      if (remove) verb_used_ = true, edit_ = true;
    } else if (!f.presence.empty()) {
      Realization r;
      r.instruction = instruction_;
      r.weight = hedge_;
      r.group = mods.empty() ? out_.new_group() : last_group_;
      if (negated || remove) {
        r.span = span_of(negated ? std::min(neg_first, first) : std::min(verb_item_, first), i);
        presence(fi, false, r, std::min(first, negated ? neg_first : i), i);
        if (remove) verb_used_ = true, edit_ = true;
      } else if (direction != 0) {
        change(fi, dim, direction, std::min(direction_first, first), i);
      } else if (change_verb && mods.empty()) {
        schedule_change(i, std::min(verb_item_, first), verb_->dim.empty() ? dim : verb_->dim);
      } else if (!(make_verb && !mods.empty()) && !keep_) {
        // Asserted: "has a beard", "add freckles", "give him a moustache". Values the modifiers
        // already set in this phrase (a "sparse" beard's density) stay.
        const bool stated_by_verb = verb_ && (verb_->kind == Verb::Kind::Add || verb_->kind == Verb::Kind::Give) && !verb_used_;
        r.span = span_of(stated_by_verb ? std::min(verb_item_, first) : first, i);
        r.degree = degree_;
        presence(fi, true, r, first, i);
        if (verb_ && (verb_->kind == Verb::Kind::Add || verb_->kind == Verb::Kind::Give)) verb_used_ = true;
      }
    } else {
      if ((negated && mods.empty()) || remove) {
        out_.warn(Warning::Kind::Ignored, span_of(std::min(first, remove ? verb_item_ : neg_first), i),
                  "'" + f.id + "' cannot be removed or denied; describe how it should look instead");
        if (remove) verb_used_ = true;
      } else if (direction != 0) {
        change(fi, dim, direction, std::min(direction_first, first), i);
      } else if (change_verb && mods.empty()) {
        schedule_change(i, std::min(verb_item_, first), verb_->dim.empty() ? dim : verb_->dim);
      }
    }
    if (!mods.empty() && verb_) verb_used_ = true;
    without_ = without_ && true;
    degree_ = 1;
    degree_from_.reset();
    current_ = fi;
    current_item_ = i;
    last_head_item_ = i;
    after_copula_ = false;
    (void)presence_group;
  }

  /// A change verb's feature waits one item in case a dimension noun follows ("the lip thickness").
  void schedule_change(std::size_t head, std::size_t first, const std::string& dim) {
    if (!dim.empty()) {
      change(current_for(head), dim, verb_->sign, first, head);
      verb_used_ = true;
      return;
    }
    pending_change_ = true;
    pending_change_sign_ = verb_->sign;
    pending_change_first_ = first;
    pending_change_head_ = head;
    verb_used_ = true;
  }

  int current_for(std::size_t head) const { return items_[head].role(K::Feature)->index; }

  void on_expression(std::size_t i, int index) {
    if (pending_change_) finish_pending_change();
    if (leads_to_head(i + 1) && !(i + 1 < items_.size() && items_[i + 1].has(K::Expression))) {
      pending_.push_back(make_mod(Mod::Type::Expression, index, i));  // "smiling woman"
      return;
    }
    // "make the smile bigger", "a smile, very slight": the modifiers after it decide.
    if (const auto next = next_content(i + 1); next && pending_.empty() && !negate_ && more_less_ == 0 && !without_) {
      const Item& n = items_[*next];
      if ((n.has(K::Comparative) || n.has(K::Adjective) || n.has(K::Degree) || n.has(K::More) || n.has(K::Less)) &&
          !leads_to_head(*next)) {
        expression_head_ = index;
        expression_head_item_ = i;
        degree_ = 1;
        degree_from_.reset();
        last_expression_ = index;
        last_head_item_ = i;
        if (verb_) verb_used_ = true;
        return;
      }
    }
    std::vector<Mod> intensity;
    intensity.swap(pending_);
    Mod self = make_mod(Mod::Type::Expression, index, i);
    if (without_) self.negated = true;
    const int group = out_.new_group();
    realize_expression(index, intensity, self, i, group);
    last_group_ = group;
    if (verb_) verb_used_ = true;
    last_expression_ = index;
    last_head_item_ = i;
  }

  void flush() {
    if (pending_change_) finish_pending_change();
    if (expression_head_ >= 0) {
      Mod self;
      self.type = Mod::Type::Expression;
      self.index = expression_head_;
      self.first = self.last = expression_head_item_;
      self.degree = degree_;
      if (more_less_ != 0) {  // "smile more": only the change
        self.type = Mod::Type::ExpressionComparative;
        self.direction = more_less_;
        self.last = *more_less_from_;
        more_less_ = 0;
      }
      const int group = out_.new_group();
      last_group_ = group;
      realize_expression(expression_head_, {}, self, expression_head_item_, group);
      expression_head_ = -1;
    }
    if (!pending_.empty()) {
      int target = lex_.person_feature();
      std::size_t head = pending_.back().last;
      if (after_copula_ && subject_ >= 0) target = subject_, head = subject_item_;
      else if (current_ >= 0) target = current_, head = current_item_;
      flush_pending_to(target, head);
    }
    if (more_less_ != 0) {
      // "smile more", "less": the last thing named.
      if (last_expression_ >= 0) {
        Mod m;
        m.type = Mod::Type::ExpressionComparative;
        m.index = last_expression_;
        m.direction = more_less_;
        m.first = m.last = *more_less_from_;
        realize_expression(last_expression_, {}, m, last_head_item_, out_.new_group());
      } else if (current_ >= 0 && current_ != lex_.person_feature()) {
        change(current_, post_dim_, more_less_, *more_less_from_, current_item_);
      } else {
        out_.warn(Warning::Kind::Unattached, items_[*more_less_from_].span, "'" + items_[*more_less_from_].phrase + "' of what? Name the part");
      }
    }
    if (negate_) out_.warn(Warning::Kind::Ignored, items_[*negate_].span, "the negation applies to nothing after it");
    if (color_mod_from_)
      out_.warn(Warning::Kind::Unattached, items_[*color_mod_from_].span, "'" + color_mod_names_ + "' qualifies no colour or part");
    if (verb_ && !verb_used_ && !keep_) {
      if (verb_->kind == Verb::Kind::Age) {
        Realization r;
        r.instruction = instruction_;
        r.span = items_[verb_item_].span;
        r.group = out_.new_group();
        r.degree = degree_;
        age(verb_->sign * verb_->years * degree_, true, nullptr, r, items_[verb_item_].span, true, verb_item_, verb_item_);
      } else if (verb_->kind != Verb::Kind::Make && verb_->kind != Verb::Kind::Give) {
        out_.warn(Warning::Kind::Unattached, items_[verb_item_].span, "'" + items_[verb_item_].phrase + "' names nothing to change");
      }
    }
  }

  const Lexicon& lex_;
  TargetBuilder& out_;
  std::vector<Item> items_;
  int instruction_;
  bool edit_;
  PromptState& prompt_;

  std::vector<Mod> pending_;
  double degree_ = 1;
  std::optional<std::size_t> degree_from_;
  std::optional<std::size_t> negate_;
  bool without_ = false;
  bool locative_ = false;
  bool skip_clause_ = false;
  int blend_ = -1;
  std::optional<std::size_t> blend_from_;
  int expression_head_ = -1;          // an expression named before its modifiers ("the smile bigger")
  std::size_t expression_head_item_ = 0;
  int more_less_ = 0;
  std::optional<std::size_t> more_less_from_;
  double hedge_ = 1;
  std::vector<const ColorModifier*> color_mods_;
  std::string color_mod_names_;
  std::optional<std::size_t> color_mod_from_;
  int current_ = -1;
  std::size_t current_item_ = 0;
  int subject_ = -1;
  std::size_t subject_item_ = 0;
  bool after_copula_ = false;
  const Verb* verb_ = nullptr;
  std::size_t verb_item_ = 0;
  bool verb_used_ = false;
  bool keep_ = false;
  std::string dim_noun_;
  std::size_t dim_noun_item_ = 0;
  std::string post_dim_;
  bool pending_change_ = false;
  int pending_change_sign_ = 0;
  std::size_t pending_change_first_ = 0, pending_change_head_ = 0;
  int last_group_ = -1;
  int last_expression_ = -1;
  std::size_t last_head_item_ = 0;
};

}  // namespace

PromptParser::PromptParser(std::shared_ptr<const Lexicon> lexicon) : lexicon_(std::move(lexicon)) {
  if (!lexicon_) throw InputError("PromptParser needs a lexicon");
}

const PromptParser& PromptParser::default_parser() {
  static const PromptParser parser(Lexicon::load_default());
  return parser;
}

ParseResult PromptParser::parse(std::string_view text, const ParseOptions& options) const {
  if (const std::size_t bad = first_invalid_utf8(text); bad != std::string_view::npos)
    throw InputError("the prompt is not valid UTF-8 (byte " + std::to_string(bad) + ")");
  const std::size_t length = count_code_points(text);
  if (length > kMaxCodePoints)
    throw InputError("the prompt is " + std::to_string(length) + " characters long; the limit is " +
                     std::to_string(kMaxCodePoints));
  const std::vector<PromptToken> tokens = tokenize_prompt(text);
  bool any_content = false;
  for (const auto& t : tokens) any_content = any_content || t.type != PromptToken::Type::Punct;
  if (!any_content) throw InputError("the prompt is empty: describe a face or an edit, e.g. \"old woman, round face\"");

  const Lexicon& lex = *lexicon_;
  ParseResult result;
  result.text = std::string(text);
  TargetBuilder builder(lex, text, tokens);
  PromptState prompt;
  std::vector<bool> edits;
  std::vector<int> token_instruction(tokens.size(), -1);

  // Sentences: split at . ! ? ; and line breaks.
  std::size_t start = 0;
  while (start < tokens.size()) {
    std::size_t end = start;
    while (end < tokens.size() && !tokens[end].sentence_end) ++end;
    std::size_t last = end;  // exclusive
    bool content = false;
    for (std::size_t k = start; k < last; ++k) content = content || tokens[k].type != PromptToken::Type::Punct;
    if (content) {
      const int instruction = static_cast<int>(result.instructions.size());
      Instruction in;
      in.span = {tokens[start].offset, tokens[last - 1].offset + tokens[last - 1].length - tokens[start].offset};
      result.instructions.push_back(in);
      for (std::size_t k = start; k < last; ++k) token_instruction[k] = instruction;
      SentenceParser sentence(lex, builder, detail::tag_sentence(lex, tokens, start, last - 1), instruction,
                              options.context == ParseOptions::Context::Edit, prompt);
      edits.push_back(sentence.run());
    }
    start = end + 1;
  }

  // Who is described: the first sex stated by a noun (else a pronoun of a description) decides.
  const SexEvidence* sex = nullptr;
  for (const SexEvidence& e : prompt.sex) {
    if (!e.noun && edits[static_cast<std::size_t>(e.instruction)]) continue;
    if (!sex || (e.noun && !sex->noun)) {
      if (sex && sex->sex != e.sex && e.noun)
        builder.warn(Warning::Kind::Contradiction, e.span,
                     "'" + builder.text_at(e.span) + "' contradicts '" + builder.text_at(sex->span) + "' on the sex of the person",
                     sex->span);
      if (!sex || (e.noun && !sex->noun)) sex = &e;
      continue;
    }
    if (e.sex != sex->sex)
      builder.warn(Warning::Kind::Contradiction, e.span,
                   "'" + builder.text_at(e.span) + "' contradicts '" + builder.text_at(sex->span) + "' on the sex of the person; '" +
                       builder.text_at(sex->span) + "' is used",
                   sex->span);
  }
  if (sex) {
    Realization r;
    r.priority = Priority::Prior;
    r.weight = sex->noun ? lex.prior_weight_sex() : lex.prior_weight_pronoun();
    r.instruction = sex->instruction;
    r.span = sex->span;
    r.group = builder.new_group();
    builder.realize_bundle(lex.sex_bundle(sex->sex), r);
    builder.attend(sex->first_token, sex->last_token, lex.features()[static_cast<std::size_t>(lex.person_feature())].regions);
    result.subject.sex = sex->sex;
    result.subject.sex_span = sex->span;
  }
  // Ancestry: several words average their bundles ("half Korean, half Irish").
  if (!prompt.ancestry.empty()) {
    std::vector<int> seen;
    for (const auto& a : prompt.ancestry)
      if (std::find(seen.begin(), seen.end(), a.index) == seen.end()) seen.push_back(a.index);
    const double share = 1.0 / static_cast<double>(seen.size());
    for (int index : seen) {
      const auto& evidence = *std::find_if(prompt.ancestry.begin(), prompt.ancestry.end(), [&](const auto& a) { return a.index == index; });
      const Ancestry& anc = lex.ancestries()[static_cast<std::size_t>(index)];
      result.subject.ancestry.push_back(anc.id);
      // Each bundle contributes its share of the deviation from the defaults; priors add up.
      Bundle scaled;
      for (TargetSpec t : anc.bundle) {
        if (t.kind == TargetSpec::Kind::Scalar && !t.delta) {
          const double def = lex.param(t.id).default_value;
          t.value = def + (t.value - def) * share;
        } else if (t.kind == TargetSpec::Kind::Measurement) {
          t.value *= share;
        }
        scaled.push_back(t);
      }
      Realization r;
      r.priority = Priority::Prior;
      r.weight = 0.9;
      r.instruction = evidence.instruction;
      r.span = evidence.span;
      r.group = builder.new_group();
      builder.realize_bundle(scaled, r);
      builder.attend(evidence.first_token, evidence.last_token, {{"skin", 1.0}});
    }
  }
  if (prompt.age) {
    result.subject.age = prompt.age;
    result.subject.age_span = prompt.age_span;
  }

  builder.finish(result, edits);
  for (std::size_t i = 0; i < result.instructions.size(); ++i) result.instructions[i].edit = edits[i];
  // Token attention and the per-instruction union.
  for (std::size_t k = 0; k < tokens.size(); ++k) {
    if (tokens[k].type == PromptToken::Type::Punct || token_instruction[k] < 0) continue;
    TokenAttention t;
    t.span = {tokens[k].offset, tokens[k].length};
    t.text = std::string(text.substr(tokens[k].offset, tokens[k].length));
    t.instruction = token_instruction[k];
    t.regions = builder.token_attention()[k];
    auto& union_map = result.instructions[static_cast<std::size_t>(t.instruction)].attention;
    for (const auto& [region, w] : t.regions) union_map[region] = std::max(union_map[region], w);
    result.tokens.push_back(std::move(t));
  }
  std::stable_sort(result.warnings.begin(), result.warnings.end(),
                   [](const Warning& a, const Warning& b) { return a.span.offset < b.span.offset; });
  return result;
}

}  // namespace likeness::text
