# Warning and sanitizer flags shared by every target.
set(THREADS_PREFER_PTHREAD_FLAG ON)
find_package(Threads REQUIRED)

set(PA_SANITIZE "" CACHE STRING "Sanitizer to build with: empty or 'address' (ASan + UBSan)")

function(pa_apply_compiler_flags target)
  if(NOT MSVC)
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wno-unused-parameter)
    if(PA_SANITIZE STREQUAL "address")
      target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
      target_link_options(${target} PRIVATE -fsanitize=address,undefined)
    endif()
  endif()
endfunction()
