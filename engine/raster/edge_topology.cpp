// Edge adjacency for the antialias op, in linear time: edges bucketed by their smaller vertex,
// each bucket sorted by the larger one. Also the list of undirected edges, each once.
#include <algorithm>

#include "engine/raster/antialias_params.h"

namespace likeness::raster {

EdgeTopology build_edge_topology(const std::int32_t* triangles, int triangle_count, int vertex_count) {
  EdgeTopology topo;
  topo.triangle_count = triangle_count;
  topo.vertex_count = vertex_count;
  const std::int64_t edges = std::int64_t(triangle_count) * 3;
  auto lo = [&](std::int64_t e) {
    const std::int32_t* t = triangles + (e / 3) * 3;
    const int k = static_cast<int>(e % 3);
    return std::min(t[k], t[(k + 1) % 3]);
  };
  auto hi = [&](std::int64_t e) {
    const std::int32_t* t = triangles + (e / 3) * 3;
    const int k = static_cast<int>(e % 3);
    return std::max(t[k], t[(k + 1) % 3]);
  };
  std::vector<std::int64_t> bucket_begin(static_cast<std::size_t>(vertex_count) + 1, 0);
  for (std::int64_t e = 0; e < edges; ++e) ++bucket_begin[lo(e) + 1];
  for (int v = 0; v < vertex_count; ++v) bucket_begin[v + 1] += bucket_begin[v];
  std::vector<std::int64_t> bucket(static_cast<std::size_t>(edges));
  {
    std::vector<std::int64_t> cursor(bucket_begin.begin(), bucket_begin.end() - 1);
    for (std::int64_t e = 0; e < edges; ++e) bucket[cursor[lo(e)]++] = e;
  }
  // Sort each bucket by the larger vertex; runs of equal keys are the triangles sharing an edge.
  std::vector<std::int32_t> count(static_cast<std::size_t>(edges), 0);
  for (int v = 0; v < vertex_count; ++v) {
    auto first = bucket.begin() + bucket_begin[v], last = bucket.begin() + bucket_begin[v + 1];
    std::sort(first, last, [&](std::int64_t a, std::int64_t b) { return hi(a) != hi(b) ? hi(a) < hi(b) : a < b; });
    for (auto run = first; run != last;) {
      auto end = run;
      while (end != last && hi(*end) == hi(*run)) ++end;
      for (auto it = run; it != end; ++it) count[*it] = static_cast<std::int32_t>(end - run - 1);
      run = end;
    }
  }
  topo.begin.assign(static_cast<std::size_t>(edges) + 1, 0);
  for (std::int64_t e = 0; e < edges; ++e) topo.begin[e + 1] = topo.begin[e] + count[e];
  topo.others.resize(static_cast<std::size_t>(topo.begin[edges]));
  for (int v = 0; v < vertex_count; ++v) {
    auto first = bucket.begin() + bucket_begin[v], last = bucket.begin() + bucket_begin[v + 1];
    for (auto run = first; run != last;) {
      auto end = run;
      while (end != last && hi(*end) == hi(*run)) ++end;
      for (auto it = run; it != end; ++it) {
        std::int32_t cursor = topo.begin[*it];
        for (auto other = run; other != end; ++other)
          if (other != it) topo.others[cursor++] = static_cast<std::int32_t>(*other / 3);
      }
      if (end - run <= 2)
        topo.edges.push_back({v, hi(*run), static_cast<std::int32_t>(*run / 3),
                              end - run == 2 ? static_cast<std::int32_t>(*(run + 1) / 3) : -1});
      else
        for (auto it = run; it != end; ++it) topo.irregular.push_back(static_cast<std::int32_t>(*it));
      run = end;
    }
  }
  return topo;
}

}  // namespace likeness::raster
