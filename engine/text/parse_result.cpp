#include "engine/text/parse_result.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "engine/core/strings.h"
#include "engine/text/unicode.h"

namespace likeness::text {
namespace {

using Json = nlohmann::json;

double round_to(double v, int decimals) {
  const double f = std::pow(10.0, decimals);
  return std::round(v * f) / f;
}

Json span_json(const Span& s) { return Json::array({s.offset, s.length}); }

Json source_json(const Source& s) {
  Json j = {{"span", span_json(s.span)}, {"phrase", s.phrase}, {"instruction", s.instruction}};
  if (s.prior) j["prior"] = true;
  return j;
}

Json attention_json(const AttentionMap& m) {
  Json j = Json::object();
  for (const auto& [region, w] : m) j[region] = round_to(w, 3);
  return j;
}

// Pads `s` to `width` code points (so accented words line up).
std::string pad(const std::string& s, std::size_t width) {
  const std::size_t n = count_code_points(s);
  return n >= width ? s + " " : s + std::string(width - n, ' ');
}

std::string attention_text(const AttentionMap& m) {
  std::vector<std::pair<std::string, double>> items(m.begin(), m.end());
  std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<std::string> parts;
  for (const auto& [region, w] : items) parts.push_back(region + " " + format_number(w, 2));
  return parts.empty() ? "-" : join(parts, ", ");
}

}  // namespace

bool ParseResult::edit() const {
  return std::any_of(instructions.begin(), instructions.end(), [](const Instruction& i) { return i.edit; });
}

AttentionMap ParseResult::attention() const {
  AttentionMap out;
  for (const Instruction& i : instructions)
    for (const auto& [region, w] : i.attention) out[region] = std::max(out[region], w);
  return out;
}

const MeasurementTarget* ParseResult::measurement(const std::string& id) const {
  for (const auto& t : measurements)
    if (t.id == id) return &t;
  return nullptr;
}

const AppearanceTarget* ParseResult::appearance_target(const std::string& id) const {
  for (const auto& t : appearance)
    if (t.id == id) return &t;
  return nullptr;
}

const ExpressionTarget* ParseResult::expression(const std::string& name) const {
  for (const auto& t : expressions)
    if (t.name == name) return &t;
  return nullptr;
}

std::string to_string(Warning::Kind kind) {
  switch (kind) {
    case Warning::Kind::UnknownWord: return "unknown_word";
    case Warning::Kind::Unsupported: return "unsupported";
    case Warning::Kind::Ambiguous: return "ambiguous";
    case Warning::Kind::Contradiction: return "contradiction";
    case Warning::Kind::Unattached: return "unattached";
    case Warning::Kind::Ignored: return "ignored";
    case Warning::Kind::Clamped: return "clamped";
  }
  return "unknown";
}

Json to_json(const ParseResult& r) {
  Json j;
  j["text"] = r.text;
  j["mode"] = r.edit() ? "edit" : "description";
  Json subject = Json::object();
  if (!r.subject.sex.empty()) subject["sex"] = r.subject.sex;
  if (r.subject.age) subject["age"] = round_to(*r.subject.age, 1);
  if (!r.subject.ancestry.empty()) subject["ancestry"] = r.subject.ancestry;
  j["subject"] = subject;
  Json ms = Json::array();
  for (const auto& t : r.measurements) {
    Json m = {{"id", t.id}, {"weight", round_to(t.weight, 3)}, {"source", source_json(t.source)}};
    if (t.delta) {
      m["kind"] = "delta";
      m["delta_sd"] = round_to(t.delta_sd, 3);
    } else {
      m["kind"] = "percentile";
      m["percentile"] = round_to(t.percentile, 1);
      m["z"] = round_to(t.z, 3);
    }
    ms.push_back(m);
  }
  j["measurements"] = ms;
  Json as = Json::array();
  for (const auto& t : r.appearance) {
    Json a = {{"id", t.id}, {"kind", t.delta ? "delta" : "absolute"}, {"weight", round_to(t.weight, 3)},
              {"source", source_json(t.source)}};
    if (t.color) {
      a["rgb"] = {round_to(t.color->r, 4), round_to(t.color->g, 4), round_to(t.color->b, 4)};
      a["hex"] = to_hex(*t.color);
      a["color_name"] = t.color_name;
    } else if (t.delta && t.id.size() > 6 && t.id.substr(t.id.size() - 6) == ".color") {
      a["delta_lightness"] = round_to(t.value, 3);
    } else {
      a["value"] = round_to(t.value, 3);
    }
    as.push_back(a);
  }
  j["appearance"] = as;
  Json es = Json::array();
  for (const auto& t : r.expressions)
    es.push_back({{"name", t.name}, {"kind", t.delta ? "delta" : "absolute"}, {"value", round_to(t.value, 3)},
                  {"weight", round_to(t.weight, 3)}, {"source", source_json(t.source)}});
  j["expressions"] = es;
  Json is = Json::array();
  for (std::size_t i = 0; i < r.instructions.size(); ++i) {
    const auto& in = r.instructions[i];
    is.push_back({{"span", span_json(in.span)}, {"text", r.text.substr(in.span.offset, in.span.length)},
                  {"mode", in.edit ? "edit" : "description"}, {"attention", attention_json(in.attention)}});
  }
  j["instructions"] = is;
  Json ts = Json::array();
  for (const auto& t : r.tokens)
    ts.push_back({{"span", span_json(t.span)}, {"text", t.text}, {"instruction", t.instruction},
                  {"attention", attention_json(t.regions)}});
  j["tokens"] = ts;
  j["attention"] = attention_json(r.attention());
  Json ws = Json::array();
  for (const auto& w : r.warnings) {
    Json x = {{"kind", to_string(w.kind)}, {"span", span_json(w.span)}, {"word", w.word}, {"message", w.message}};
    if (w.other) {
      x["other_span"] = span_json(*w.other);
      x["other_word"] = w.other_word;
    }
    ws.push_back(x);
  }
  j["warnings"] = ws;
  return j;
}

std::string to_table(const ParseResult& r) {
  std::ostringstream out;
  out << "Mode: " << (r.edit() ? "edit" : "description");
  if (!r.subject.sex.empty()) out << "   sex: " << r.subject.sex;
  if (r.subject.age) out << "   age: " << format_number(*r.subject.age, 0);
  if (!r.subject.ancestry.empty()) out << "   ancestry: " << join(r.subject.ancestry, ", ");
  out << "\n";
  // Stated targets first, then the priors of sex, age and ancestry words.
  auto stated_first = [](auto list) {
    std::stable_sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return !a.source.prior && b.source.prior; });
    return list;
  };
  if (!r.measurements.empty()) {
    out << "\nMeasurements\n  " << pad("id", 24) << pad("target", 16) << pad("weight", 8) << "phrase\n";
    for (const auto& t : stated_first(r.measurements)) {
      const std::string target = t.delta ? (t.delta_sd >= 0 ? "+" : "") + format_number(t.delta_sd, 2) + " sd"
                                         : "P" + format_number(t.percentile, 0);
      out << "  " << pad(t.id, 24) << pad(target, 16) << pad(format_number(t.weight, 2), 8) << t.source.phrase
          << (t.source.prior ? "  (prior)" : "") << "\n";
    }
  }
  if (!r.appearance.empty()) {
    out << "\nAppearance\n  " << pad("id", 24) << pad("target", 22) << pad("weight", 8) << "phrase\n";
    for (const auto& t : stated_first(r.appearance)) {
      std::string target;
      if (t.color) target = to_hex(*t.color) + " " + t.color_name;
      else if (t.delta && ends_with(t.id, ".color")) target = (t.value >= 0 ? "lighter " : "darker ") + format_number(std::abs(t.value), 2);
      else target = (t.delta && t.value >= 0 ? "+" : "") + format_number(t.value, 2);
      out << "  " << pad(t.id, 24) << pad(target, 22) << pad(format_number(t.weight, 2), 8) << t.source.phrase
          << (t.source.prior ? "  (prior)" : "") << "\n";
    }
  }
  if (!r.expressions.empty()) {
    // Twenty shapes at the same value and phrase (a "neutral" reset) print as one line.
    out << "\nExpressions\n  " << pad("shape", 24) << pad("target", 16) << pad("weight", 8) << "phrase\n";
    std::size_t i = 0;
    while (i < r.expressions.size()) {
      std::size_t j = i + 1;
      while (j < r.expressions.size() && r.expressions[j].value == r.expressions[i].value &&
             r.expressions[j].source.span == r.expressions[i].source.span && r.expressions[j].delta == r.expressions[i].delta)
        ++j;
      const auto& t = r.expressions[i];
      const std::string name = j - i > 6 ? std::to_string(j - i) + " shapes" : t.name;
      const std::string target = (t.delta && t.value >= 0 ? "+" : "") + format_number(t.value, 2);
      out << "  " << pad(name, 24) << pad(target, 16) << pad(format_number(t.weight, 2), 8) << t.source.phrase << "\n";
      i = j - i > 6 ? j : i + 1;
    }
  }
  out << "\nAttention\n";
  for (std::size_t i = 0; i < r.instructions.size(); ++i) {
    const auto& in = r.instructions[i];
    out << "  [" << i << "] " << (in.edit ? "edit" : "description") << ": \""
        << r.text.substr(in.span.offset, in.span.length) << "\"\n      " << attention_text(in.attention) << "\n";
    for (const auto& t : r.tokens)
      if (t.instruction == static_cast<int>(i) && !t.regions.empty())
        out << "      " << pad(t.text, 16) << attention_text(t.regions) << "\n";
  }
  if (!r.warnings.empty()) {
    out << "\nWarnings\n";
    for (const auto& w : r.warnings)
      out << "  " << pad(to_string(w.kind), 14) << "@" << w.span.offset << "+" << w.span.length << " \"" << w.word << "\": "
          << w.message << "\n";
  }
  return out.str();
}

}  // namespace likeness::text
