# Writes OUT, a C++ file defining gangway::compiled_build_info(), for
# `gangway --version` and gangway_build_info. Run at every build (the commit
# moves without a reconfigure); OUT is rewritten only when its text changes, so
# an unchanged build recompiles nothing.
#   cmake -DSOURCE_DIR=… -DOUT=… -DVERSION=… -DBUILD_TYPE=… -DCOMPILER=… [-DCOMMIT=…] -P build_info.cmake
# COMMIT (GANGWAY_COMMIT at configure time) names the commit where there is no
# .git to ask, e.g. in a container build; else git is asked, if there is one.
if(NOT COMMIT)
  find_package(Git QUIET)
  if(GIT_FOUND)
    execute_process(COMMAND ${GIT_EXECUTABLE} -C ${SOURCE_DIR} rev-parse --short=12 HEAD
      OUTPUT_VARIABLE COMMIT OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      set(COMMIT "")
    else()
      execute_process(COMMAND ${GIT_EXECUTABLE} -C ${SOURCE_DIR} diff --quiet HEAD --
        RESULT_VARIABLE dirty OUTPUT_QUIET ERROR_QUIET)
      if(dirty EQUAL 1)
        set(COMMIT "${COMMIT}-dirty")
      endif()
    endif()
  endif()
endif()
set(text "// Written by cmake/build_info.cmake at build time; not in git.
#include \"gateway/core/build_info.hpp\"

namespace gangway {
BuildInfo compiled_build_info() { return {\"${VERSION}\", \"${COMMIT}\", \"${BUILD_TYPE}\", \"${COMPILER}\"}; }
}  // namespace gangway
")
file(WRITE ${OUT}.new "${text}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different ${OUT}.new ${OUT})
file(REMOVE ${OUT}.new)
