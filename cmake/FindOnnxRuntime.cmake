# Finds the ONNX Runtime C API.
#   ORT_ROOT (CMake variable or environment): an official release tree (include/, lib/).
#   Otherwise the npm package com.github.asus4.onnxruntime (headers + Linux x64 library).
# Defines OnnxRuntime::OnnxRuntime, ONNXRUNTIME_LIBRARY_DIR, ONNXRUNTIME_LIBRARY_REAL and ONNXRUNTIME_PROVIDER_FILES
# (the files to ship beside the addon).
if(NOT ORT_ROOT AND DEFINED ENV{ORT_ROOT})
  set(ORT_ROOT "$ENV{ORT_ROOT}")
endif()

if(ORT_ROOT)
  set(_ort_include_hint "${ORT_ROOT}/include" "${ORT_ROOT}/include/onnxruntime")
  set(_ort_lib_hint "${ORT_ROOT}/lib" "${ORT_ROOT}/lib64")
  set(_ort_source "ORT_ROOT=${ORT_ROOT}")
else()
  execute_process(COMMAND node -p "require('path').dirname(require.resolve('com.github.asus4.onnxruntime/package.json'))"
    WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}
    OUTPUT_VARIABLE _ort_pkg OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(NOT _ort_pkg)
    message(FATAL_ERROR "ONNX Runtime not found: run `npm install` (package com.github.asus4.onnxruntime) or set ORT_ROOT to an official ONNX Runtime release.")
  endif()
  set(_ort_include_hint "${_ort_pkg}/Plugins/iOS~/onnxruntime.xcframework/ios-arm64/onnxruntime.framework/Headers")
  set(_ort_lib_hint "${_ort_pkg}/Plugins/Linux/x64")
  set(_ort_source "npm package ${_ort_pkg}")
endif()

find_path(ONNXRUNTIME_INCLUDE_DIR onnxruntime_c_api.h HINTS ${_ort_include_hint} NO_DEFAULT_PATH)
find_library(ONNXRUNTIME_LIBRARY NAMES onnxruntime HINTS ${_ort_lib_hint} NO_DEFAULT_PATH)

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(OnnxRuntime REQUIRED_VARS ONNXRUNTIME_LIBRARY ONNXRUNTIME_INCLUDE_DIR)

if(OnnxRuntime_FOUND)
  message(STATUS "ONNX Runtime from ${_ort_source}")
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
