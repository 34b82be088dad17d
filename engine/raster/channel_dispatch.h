#pragma once
// Kernels specialised for the usual channel counts: with_channels<Cs...>(channels, f) calls
// f(std::integral_constant<int, C>{}) with C = channels when it is one of Cs, else with C = 0
// (the kernel then reads the count at run time).
#include <type_traits>

namespace likeness::raster::cpu {

template <int... Cs, typename F>
void with_channels(int channels, F&& f) {
  const bool specialised = ((channels == Cs ? (f(std::integral_constant<int, Cs>{}), true) : false) || ...);
  if (!specialised) f(std::integral_constant<int, 0>{});
}

}  // namespace likeness::raster::cpu
