// likeness stats: population statistics of the measurements; answers percentile questions and
// regenerates the statistics resource.
#include <ATen/ATen.h>

#include <cstdio>

#include "app/cli/cli.h"
#include "engine/core/error.h"
#include "engine/core/paths.h"
#include "engine/core/strings.h"
#include "engine/face/face_model.h"
#include "engine/face/measurements.h"
#include "engine/face/population.h"

namespace likeness::cli {
namespace {

int run_stats(const Args& args, Output& out) {
  auto model = face::FaceModel::load_default();
  auto measurements = face::Measurements::load_default(model);
  auto population = face::Population::load_default();
  if (args.has("query")) {
    // --query ID=PERCENTILE: what value that percentile is and what identity change reaches it.
    std::string q = args.get("query");
    auto eq = q.find('=');
    if (eq == std::string::npos) throw UsageError("--query needs MEASUREMENT=PERCENTILE, e.g. nose_width=90");
    std::string id = q.substr(0, eq);
    measurements->index(id);
    double pct = 0;
    try {
      pct = std::stod(q.substr(eq + 1));
    } catch (const std::exception&) {
      throw UsageError("--query percentile '" + q.substr(eq + 1) + "' is not a number");
    }
    if (pct < 0 || pct > 100) throw UsageError("--query percentile must be within 0..100");
    const double target = population->value_at(id, pct);
    at::Tensor identity = population->identity_for(id, model->zero_identity(), target);
    double reached = measurements->compute(model->vertices(identity)).index({measurements->index(id)}).item<double>();
    const auto& info = measurements->info(id);
    nlohmann::json r = {{"measurement", id}, {"percentile", pct}, {"value", target}, {"unit", info.unit},
                        {"identity_change_norm", identity.norm().item<double>()}, {"reached_from_neutral", reached}};
    if (out.json) {
      r["identity"] = std::vector<float>(identity.data_ptr<float>(), identity.data_ptr<float>() + identity.numel());
      print_json(out, r);
    } else {
      *out.out << info.label << " at the " << format_number(pct, 1) << "th percentile: " << format_number(target, 3) << " "
               << info.unit << "\nFrom the neutral head, moving " << format_number(r["identity_change_norm"], 3)
               << " along its regression direction reaches " << format_number(reached, 3) << " " << info.unit << "\n";
    }
    return 0;
  }
  nlohmann::json rows = nlohmann::json::array();
  at::Tensor neutral = measurements->compute(model->neutral());
  for (std::size_t i = 0; i < measurements->size(); ++i) {
    const auto& info = measurements->infos()[i];
    const auto& s = population->stats(info.id);
    rows.push_back({{"id", info.id}, {"unit", info.unit}, {"mean", s.mean}, {"sd", s.sd}, {"p5", s.percentiles[5]},
                    {"p50", s.percentiles[50]}, {"p95", s.percentiles[95]}, {"r2", s.r2},
                    {"neutral", neutral[static_cast<long>(i)].item<double>()}});
  }
  if (out.json) {
    print_json(out, {{"samples", population->sample_count()}, {"measurements", rows}});
    return 0;
  }
  std::printf("%-24s %-8s %8s %8s %8s %8s %8s %8s %6s\n", "measurement", "unit", "neutral", "mean", "sd", "p5", "p50", "p95", "r2");
  for (const auto& r : rows)
    std::printf("%-24s %-8s %8.3f %8.3f %8.3f %8.3f %8.3f %8.3f %6.3f\n", r["id"].get<std::string>().c_str(),
                r["unit"].get<std::string>().c_str(), r["neutral"].get<double>(), r["mean"].get<double>(), r["sd"].get<double>(),
                r["p5"].get<double>(), r["p50"].get<double>(), r["p95"].get<double>(), r["r2"].get<double>());
  std::printf("(%d identities sampled from the N(0, 1) prior)\n", population->sample_count());
  return 0;
}

int run_generate(const Args& args, Output& out) {
  auto model = face::FaceModel::load_default();
  auto measurements = face::Measurements::load_default(model);
  const int samples = static_cast<int>(args.get_int("samples", 20000, 100, 10000000));
  const auto seed = static_cast<std::uint64_t>(args.get_int("seed", 1, 0, 1L << 40));
  const std::filesystem::path path = args.has("out") ? std::filesystem::path(args.get("out")) : resource_dir() / "face" / "population.json";
  face::Population population = face::Population::compute(*model, *measurements, samples, seed);
  population.save(path);
  if (out.json) print_json(out, {{"written", path.string()}, {"samples", samples}, {"seed", seed}});
  else *out.out << "Statistics of " << measurements->size() << " measurements over " << samples << " identities written to " << path.string() << "\n";
  return 0;
}

LIKENESS_COMMAND({"stats", "", "Population statistics of the face measurements",
                  "Shows each measurement's mean, spread and percentiles over the identity prior. --query nose_width=90 "
                  "answers what the 90th percentile is and which identity change reaches it.",
                  {{"query", "ID=PCT", "value of a percentile and the identity change that reaches it", ""},
                   {"json", "", "print JSON", ""}},
                  run_stats});
LIKENESS_COMMAND({"stats generate", "", "Recompute the population statistics resource", "",
                  {{"samples", "N", "identities to sample", "20000"},
                   {"seed", "N", "random seed", "1"},
                   {"out", "FILE", "output file", "resources/face/population.json"},
                   {"json", "", "print JSON", ""}},
                  run_generate});

}  // namespace
}  // namespace likeness::cli
