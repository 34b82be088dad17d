# Compile settings shared by every Likeness target.

# Where the source tree is, so a build run in place finds resources/ and ../shared/assets.
set(LIKENESS_SOURCE_DIR ${CMAKE_SOURCE_DIR})

find_program(LIKENESS_CCACHE ccache)
if(LIKENESS_CCACHE)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${LIKENESS_CCACHE})
  set(CMAKE_C_COMPILER_LAUNCHER ${LIKENESS_CCACHE})
endif()

# likeness_defaults(target): warnings on, the repo root on the include path.
function(likeness_defaults target)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wshadow=local -Wnon-virtual-dtor -Woverloaded-virtual>)
  target_include_directories(${target} PUBLIC ${LIKENESS_SOURCE_DIR} ${CMAKE_BINARY_DIR}/generated)
endfunction()

# likeness_torch_pch(target): reuse the one precompiled <torch/torch.h> (30 s once, then about 4 s
# per translation unit instead of 14 s). Only for targets with the same flags as likeness_pch.
function(likeness_torch_pch target)
  target_precompile_headers(${target} REUSE_FROM likeness_pch)
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "EXECUTABLE")
    # The PCH is built -fPIC (as the libraries are); CMake would compile executables -fPIE, which
    # GCC refuses to mix. -fPIC objects link into a PIE executable just as well.
    set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE OFF)
    target_compile_options(${target} PRIVATE -fPIC)
  endif()
endfunction()

# likeness_module(name SOURCES... [DEPS ...] [TORCH]): one static library per engine module.
function(likeness_module name)
  cmake_parse_arguments(M "TORCH" "" "SOURCES;DEPS" ${ARGN})
  add_library(likeness_${name} STATIC ${M_SOURCES})
  likeness_defaults(likeness_${name})
  target_link_libraries(likeness_${name} PUBLIC ${M_DEPS})
  if(M_TORCH)
    target_link_libraries(likeness_${name} PUBLIC likeness_torch)
    likeness_torch_pch(likeness_${name})
  endif()
endfunction()

# likeness_openmp_sources(target SOURCES...): sources that call at::parallel_for. Its OpenMP
# backend is an inline template whose `#pragma omp parallel` is compiled in the caller's
# translation unit, so without -fopenmp there it silently runs on one thread (measured: two threads
# exactly as fast as one). These files skip the shared <torch/torch.h> PCH, which is built without
# -fopenmp (GCC would reject or, worse, reuse it with the pragma already dropped), and the target
# links the OpenMP runtime LibTorch itself uses (libgomp).
find_package(OpenMP REQUIRED COMPONENTS CXX)
function(likeness_openmp_sources target)
  set_source_files_properties(${ARGN} TARGET_DIRECTORY ${target} PROPERTIES
    COMPILE_OPTIONS "${OpenMP_CXX_FLAGS}" SKIP_PRECOMPILE_HEADERS ON)
  target_link_libraries(${target} PUBLIC ${OpenMP_CXX_LIBRARIES})
endfunction()
