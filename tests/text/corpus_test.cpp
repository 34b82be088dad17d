// The hand-written corpora: tests/data/text/descriptions.jsonl and edits.jsonl. Each line is a
// prompt and the parse expected of it (its key targets, not every float):
//
//   {"text": "...", "mode": "description" | "edit", "context": "edit" (optional),
//    "expect": {ID: CONSTRAINT, ...}, "absent": [ID, ...], "sex": "male", "age": "40..55",
//    "warnings": ["kind" | "kind:word", ...], "attention": {REGION: CONSTRAINT}}
//
// ID is a measurement id, an appearance parameter or an ICT expression shape. CONSTRAINT:
//   "P>70", "P<30", "P40..60"   absolute measurement percentile
//   "d>0", "d<-0.2"             a change (measurement sd, appearance value, expression weight;
//                               for a colour, its lightness)
//   ">0.8", "<=0.2", "=0", "0.3..0.7"   absolute value (appearance scalar, expression weight)
//   "color:hazel", "color"      an absolute colour (by the name understood)
//   "any"                       some target on that id
// Unknown-word and contradiction warnings must all be listed; other kinds must be present when
// listed.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/core/json_util.h"
#include "engine/core/strings.h"
#include "engine/text/prompt_parser.h"
#include "engine/text/unicode.h"

namespace likeness::text {
namespace {

namespace fs = std::filesystem;

struct Bound {
  double lo = -1e9, hi = 1e9;
  bool ok(double v) const { return v >= lo - 1e-9 && v <= hi + 1e-9; }
};

// Parses ">0.5", "<=2", "=0", "0.3..0.7" (strict and non-strict bounds are both inclusive here).
bool parse_bound(std::string s, Bound& b) {
  try {
    if (s.rfind(">=", 0) == 0) return b.lo = std::stod(s.substr(2)), true;
    if (s.rfind("<=", 0) == 0) return b.hi = std::stod(s.substr(2)), true;
    if (s[0] == '>') return b.lo = std::stod(s.substr(1)) + 1e-6, true;
    if (s[0] == '<') return b.hi = std::stod(s.substr(1)) - 1e-6, true;
    if (s[0] == '=') return b.lo = b.hi = std::stod(s.substr(1)), true;
    const auto dots = s.find("..");
    if (dots != std::string::npos) return b.lo = std::stod(s.substr(0, dots)), b.hi = std::stod(s.substr(dots + 2)), true;
  } catch (...) {
  }
  return false;
}

std::string check_target(const ParseResult& r, const std::string& id, const std::string& c) {
  std::vector<std::string> seen;
  auto fail = [&](const std::string& what) {
    return id + " " + c + ": " + what + (seen.empty() ? "" : " (have " + join(seen, ", ") + ")");
  };
  if (c.rfind("P", 0) == 0) {
    Bound b;
    if (!parse_bound(c.substr(1), b)) return "bad constraint " + c;
    for (const auto& t : r.measurements)
      if (t.id == id && !t.delta) {
        if (b.ok(t.percentile)) return "";
        seen.push_back(std::string("P").append(format_number(t.percentile, 1)));
      }
    return fail("no absolute percentile in range");
  }
  if (c.rfind("d", 0) == 0) {
    Bound b;
    if (!parse_bound(c.substr(1), b)) return "bad constraint " + c;
    for (const auto& t : r.measurements)
      if (t.id == id && t.delta) {
        if (b.ok(t.delta_sd)) return "";
        seen.push_back(std::string("d").append(format_number(t.delta_sd, 2)));
      }
    for (const auto& t : r.appearance)
      if (t.id == id && t.delta) {
        if (b.ok(t.value)) return "";
        seen.push_back(std::string("d").append(format_number(t.value, 2)));
      }
    for (const auto& t : r.expressions)
      if (t.name == id && t.delta) {
        if (b.ok(t.value)) return "";
        seen.push_back(std::string("d").append(format_number(t.value, 2)));
      }
    return fail("no change in range");
  }
  if (c.rfind("color", 0) == 0) {
    const std::string name = c.size() > 6 ? c.substr(6) : "";
    for (const auto& t : r.appearance)
      if (t.id == id && t.color) {
        if (name.empty() || t.color_name == name) return "";
        seen.push_back(t.color_name);
      }
    return fail("no colour" + (name.empty() ? "" : " named " + name));
  }
  if (c == "any") {
    for (const auto& t : r.measurements)
      if (t.id == id) return "";
    for (const auto& t : r.appearance)
      if (t.id == id) return "";
    for (const auto& t : r.expressions)
      if (t.name == id) return "";
    return fail("no target");
  }
  Bound b;
  if (!parse_bound(c, b)) return "bad constraint " + c;
  for (const auto& t : r.appearance)
    if (t.id == id && !t.delta && !t.color) {
      if (b.ok(t.value)) return "";
      seen.push_back(format_number(t.value, 2));
    }
  for (const auto& t : r.expressions)
    if (t.name == id && !t.delta) {
      if (b.ok(t.value)) return "";
      seen.push_back(format_number(t.value, 2));
    }
  return fail("no absolute value in range");
}

bool has_target(const ParseResult& r, const std::string& id) {
  for (const auto& t : r.measurements)
    if (t.id == id) return true;
  for (const auto& t : r.appearance)
    if (t.id == id) return true;
  for (const auto& t : r.expressions)
    if (t.name == id) return true;
  return false;
}

bool warning_matches(const Warning& w, const std::string& spec) {
  const auto colon = spec.find(':');
  const std::string kind = spec.substr(0, colon);
  if (to_string(w.kind) != kind) return false;
  if (colon == std::string::npos) return true;
  const std::string word = lower_utf8(spec.substr(colon + 1));
  return lower_utf8(w.word).find(word) != std::string::npos;
}

/// Every problem with one corpus line (empty when it parses as expected).
std::vector<std::string> check_line(const Json& entry) {
  std::vector<std::string> problems;
  const std::string text = entry.at("text").get<std::string>();
  ParseOptions options;
  if (entry.value("context", std::string()) == "edit") options.context = ParseOptions::Context::Edit;
  ParseResult r;
  try {
    r = PromptParser::default_parser().parse(text, options);
  } catch (const std::exception& e) {
    return {std::string("threw: ") + e.what()};
  }
  if (entry.contains("mode")) {
    const std::string mode = r.edit() ? "edit" : "description";
    if (mode != entry["mode"].get<std::string>()) problems.push_back("mode is " + mode);
  }
  const Json expect = entry.value("expect", Json::object());
  for (const auto& [id, c] : expect.items()) {
    const std::string p = check_target(r, id, c.get<std::string>());
    if (!p.empty()) problems.push_back(p);
  }
  const Json absent = entry.value("absent", Json::array());
  for (const auto& id : absent)
    if (has_target(r, id.get<std::string>())) problems.push_back(id.get<std::string>() + " should have no target");
  if (entry.contains("sex") && r.subject.sex != entry["sex"].get<std::string>())
    problems.push_back("sex is '" + r.subject.sex + "'");
  if (entry.contains("age")) {
    Bound b;
    parse_bound(entry["age"].get<std::string>(), b);
    if (!r.subject.age || !b.ok(*r.subject.age))
      problems.push_back("age is " + (r.subject.age ? format_number(*r.subject.age, 1) : std::string("unset")));
  }
  const std::vector<std::string> expected = entry.value("warnings", std::vector<std::string>{});
  for (const std::string& spec : expected) {
    bool found = false;
    for (const Warning& w : r.warnings) found = found || warning_matches(w, spec);
    if (!found) problems.push_back("missing warning " + spec);
  }
  for (const Warning& w : r.warnings) {
    if (w.kind != Warning::Kind::UnknownWord && w.kind != Warning::Kind::Contradiction) continue;
    bool listed = false;
    for (const std::string& spec : expected) listed = listed || warning_matches(w, spec);
    if (!listed) problems.push_back("unexpected " + to_string(w.kind) + " '" + w.word + "': " + w.message);
  }
  const AttentionMap attention = r.attention();
  const Json wanted = entry.value("attention", Json::object());
  for (const auto& [region, c] : wanted.items()) {
    Bound b;
    parse_bound(c.get<std::string>(), b);
    auto it = attention.find(region);
    const double v = it == attention.end() ? 0.0 : it->second;
    if (!b.ok(v)) problems.push_back("attention " + region + " is " + format_number(v, 2));
  }
  return problems;
}

int run_corpus(const std::string& file, int& lines) {
  std::ifstream in(fs::path(LIKENESS_TEXT_DATA) / file);
  EXPECT_TRUE(in) << file;
  std::string line;
  int number = 0, failures = 0;
  lines = 0;
  while (std::getline(in, line)) {
    ++number;
    if (trim(line).empty()) continue;
    ++lines;
    Json entry;
    try {
      entry = Json::parse(line);
    } catch (const std::exception& e) {
      ADD_FAILURE() << file << ":" << number << ": bad JSON: " << e.what();
      ++failures;
      continue;
    }
    const auto problems = check_line(entry);
    if (!problems.empty()) {
      ++failures;
      ADD_FAILURE() << file << ":" << number << ": \"" << entry["text"].get<std::string>() << "\"\n    "
                    << join(problems, "\n    ");
    }
  }
  return failures;
}

TEST(Corpus, Descriptions) {
  int lines = 0;
  EXPECT_EQ(run_corpus("descriptions.jsonl", lines), 0);
  EXPECT_GE(lines, 150);
}

TEST(Corpus, Edits) {
  int lines = 0;
  EXPECT_EQ(run_corpus("edits.jsonl", lines), 0);
  EXPECT_GE(lines, 100);
}

}  // namespace
}  // namespace likeness::text
