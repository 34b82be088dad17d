# Every third-party dependency, found once. All come from Debian 12 packages (scripts/deps.txt).

find_package(Threads REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(ZLIB REQUIRED)

# LibTorch (Debian libtorch-dev 1.13, CPU). The imported target carries its flags.
find_package(Torch REQUIRED)
add_library(likeness_torch INTERFACE)
target_link_libraries(likeness_torch INTERFACE ${TORCH_LIBRARIES})
target_compile_definitions(likeness_torch INTERFACE LIKENESS_HAVE_TORCH=1)

# The shared precompiled header: an object library whose flags every torch module matches.
add_library(likeness_pch OBJECT ${CMAKE_SOURCE_DIR}/cmake/pch_anchor.cpp)
target_link_libraries(likeness_pch PUBLIC likeness_torch nlohmann_json::nlohmann_json)
target_include_directories(likeness_pch PUBLIC ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR}/generated)
target_compile_options(likeness_pch PRIVATE
  $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wshadow=local -Wnon-virtual-dtor -Woverloaded-virtual>)
target_precompile_headers(likeness_pch PRIVATE
  <torch/torch.h> <vector> <string> <memory> <map> <optional> <functional>)

find_package(OpenImageIO REQUIRED)
find_package(assimp REQUIRED)

if(LIKENESS_BUILD_STUDIO)
  find_package(Qt6 6.4 REQUIRED COMPONENTS Core Gui Widgets LinguistTools Test)
  find_package(Vulkan REQUIRED COMPONENTS glslc)
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(IMGUI REQUIRED IMPORTED_TARGET imgui)
  # libimgui.a calls vk* but imgui.pc does not name libvulkan (STACK_NOTES).
  set_property(TARGET PkgConfig::IMGUI APPEND PROPERTY INTERFACE_LINK_LIBRARIES Vulkan::Vulkan)
  find_package(glm REQUIRED)
endif()

if(LIKENESS_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(LIKENESS_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()

# Compile-time facts for the asset and resource search paths.
configure_file(${CMAKE_SOURCE_DIR}/cmake/build_config.h.in ${CMAKE_BINARY_DIR}/generated/likeness_build_config.h @ONLY)
