// Fuzz target for prompt understanding: any bytes must either be rejected with InputError
// (empty, over-long, malformed UTF-8) or parse into a self-consistent result: spans inside the
// input, warnings quoting the text at their span, percentiles in [0, 100], absolute values in
// their parameter's range, finite numbers everywhere. Valid text is also run through the CLIP
// tokenizer when its merge list is on the asset search path.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "engine/core/error.h"
#include "engine/core/paths.h"
#include "engine/text/clip_tokenizer.h"
#include "engine/text/prompt_parser.h"

namespace {

using namespace likeness::text;

void check(bool ok) {
  if (!ok) std::abort();
}

void check_span(const ParseResult& r, const Span& s) { check(s.offset <= r.text.size() && s.length <= r.text.size() - s.offset); }

void check_result(const ParseResult& r) {
  const Lexicon& lex = PromptParser::default_parser().lexicon();
  check(!r.instructions.empty());
  for (const auto& in : r.instructions) {
    check_span(r, in.span);
    for (const auto& [region, w] : in.attention) check(w >= 0 && w <= 1);
  }
  for (const auto& t : r.tokens) {
    check_span(r, t.span);
    check(r.text.compare(t.span.offset, t.span.length, t.text) == 0);
    check(t.instruction >= 0 && static_cast<std::size_t>(t.instruction) < r.instructions.size());
  }
  for (const auto& w : r.warnings) {
    check_span(r, w.span);
    check(r.text.compare(w.span.offset, w.span.length, w.word) == 0);
    if (w.other) check_span(r, *w.other);
  }
  for (const auto& m : r.measurements) {
    check_span(r, m.source.span);
    check(std::isfinite(m.z) && std::isfinite(m.delta_sd) && std::isfinite(m.weight));
    if (!m.delta) check(m.percentile >= 0 && m.percentile <= 100 && std::abs(m.z) <= 2.5 + 1e-9);
    check(m.weight >= 0 && m.weight <= 1);
  }
  for (const auto& a : r.appearance) {
    check_span(r, a.source.span);
    check(std::isfinite(a.value) && a.weight >= 0 && a.weight <= 1);
    const AppearanceParam& p = lex.param(a.id);
    if (a.color) check(p.rgb && a.color->r >= 0 && a.color->r <= 1 && a.color->g >= 0 && a.color->g <= 1 && a.color->b >= 0 && a.color->b <= 1);
    else if (!a.delta) check(!p.rgb && a.value >= p.min - 1e-9 && a.value <= p.max + 1e-9);
  }
  for (const auto& e : r.expressions) {
    check_span(r, e.source.span);
    check(std::isfinite(e.value));
    if (!e.delta) check(e.value >= 0 && e.value <= 1);
  }
  if (r.subject.age) check(*r.subject.age >= 5 && *r.subject.age <= 95);
  (void)to_json(r).dump();
  (void)to_table(r);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  ParseOptions options;
  if (size > 0 && (data[0] & 1)) options.context = ParseOptions::Context::Edit;
  bool valid = false;
  try {
    check_result(PromptParser::default_parser().parse(text, options));
    valid = true;
  } catch (const likeness::InputError&) {
  }
  static const bool have_clip = likeness::find_asset(ClipTokenizer::kDefaultAsset).has_value();
  if (valid && have_clip) {
    const auto ids = ClipTokenizer::load_default()->tokenize(text);
    check(ids.size() == static_cast<std::size_t>(ClipTokenizer::kContextLength) && ids.front() == 49406);
  }
  return 0;
}
