# Finds the ONNX Runtime C API: headers and the shared library.
#   ORT_ROOT (CMake variable or environment): an official release tree (include/, lib/); the
#     Docker images use the GPU release this way. Headers and library both come from it.
#   Otherwise the headers are the ones committed in third_party/onnxruntime (1.29.0, MIT) and the
#     library (libonnxruntime.so.1 of the same version) is looked for, in order:
#       ORT_LIBRARY_DIR (CMake variable or environment);
#       the npm package com.github.asus4.onnxruntime (a devDependency: development checkouts);
#       prebuilds/linux-x64/ of this package (a user's build from source reuses the library the
#         package ships beside its prebuilt addon).
# Defines OnnxRuntime::OnnxRuntime, ONNXRUNTIME_LIBRARY_DIR, ONNXRUNTIME_LIBRARY_REAL and
# ONNXRUNTIME_PROVIDER_FILES (the files to ship beside the addon).
foreach(_var ORT_ROOT ORT_LIBRARY_DIR)
  if(NOT ${_var} AND DEFINED ENV{${_var}})
    set(${_var} "$ENV{${_var}}")
  endif()
endforeach()

if(ORT_ROOT)
  set(_ort_include_hint "${ORT_ROOT}/include" "${ORT_ROOT}/include/onnxruntime")
  set(_ort_lib_hint "${ORT_ROOT}/lib" "${ORT_ROOT}/lib64")
  set(_ort_source "ORT_ROOT=${ORT_ROOT}")
else()
  set(_ort_include_hint "${CMAKE_CURRENT_SOURCE_DIR}/third_party/onnxruntime/include")
  set(_ort_lib_hint "")
  if(ORT_LIBRARY_DIR)
    list(APPEND _ort_lib_hint "${ORT_LIBRARY_DIR}")
  endif()
  execute_process(COMMAND node -p "require('path').dirname(require.resolve('com.github.asus4.onnxruntime/package.json'))"
    WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}
    OUTPUT_VARIABLE _ort_pkg OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(_ort_pkg)
    list(APPEND _ort_lib_hint "${_ort_pkg}/Plugins/Linux/x64")
  endif()
  list(APPEND _ort_lib_hint "${CMAKE_CURRENT_SOURCE_DIR}/prebuilds/linux-x64")
  set(_ort_source "the committed headers (third_party/onnxruntime) and a library found")
endif()

find_path(ONNXRUNTIME_INCLUDE_DIR onnxruntime_c_api.h HINTS ${_ort_include_hint} NO_DEFAULT_PATH)
find_file(ONNXRUNTIME_LIBRARY NAMES libonnxruntime.so libonnxruntime.so.1 HINTS ${_ort_lib_hint} NO_DEFAULT_PATH)

string(REPLACE ";" ", " _ort_looked "${_ort_lib_hint}")
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(OnnxRuntime
  REQUIRED_VARS ONNXRUNTIME_LIBRARY ONNXRUNTIME_INCLUDE_DIR
  REASON_FAILURE_MESSAGE "Looked in ${_ort_looked}. In a checkout run `npm install` (devDependency com.github.asus4.onnxruntime), or set ORT_ROOT to an official ONNX Runtime 1.29 release, or ORT_LIBRARY_DIR to a directory holding its libonnxruntime.so.1.")

if(OnnxRuntime_FOUND)
  message(STATUS "ONNX Runtime from ${_ort_source}: ${ONNXRUNTIME_LIBRARY}")
  get_filename_component(ONNXRUNTIME_LIBRARY_DIR "${ONNXRUNTIME_LIBRARY}" DIRECTORY)
  get_filename_component(ONNXRUNTIME_LIBRARY_REAL "${ONNXRUNTIME_LIBRARY}" REALPATH)
  # Providers (shared, CUDA, TensorRT) are loaded by ONNX Runtime from its own directory.
  file(GLOB ONNXRUNTIME_PROVIDER_FILES "${ONNXRUNTIME_LIBRARY_DIR}/libonnxruntime_providers_*.so")
  if(NOT TARGET OnnxRuntime::OnnxRuntime)
    add_library(OnnxRuntime::OnnxRuntime SHARED IMPORTED)
    set_target_properties(OnnxRuntime::OnnxRuntime PROPERTIES
      IMPORTED_LOCATION "${ONNXRUNTIME_LIBRARY}"
      IMPORTED_NO_SONAME FALSE
      INTERFACE_INCLUDE_DIRECTORIES "${ONNXRUNTIME_INCLUDE_DIR}")
  endif()
endif()
