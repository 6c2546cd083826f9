# Driver for the package tests (cmake -P): MODE is one of
#   install           cmake --install the already-built project into PREFIX (fresh)
#   find_package      configure, build and run find_package/ against PREFIX
#   pkg_config        pkg-config --cflags --libs sim7080 from PREFIX; compile, link, run main.cpp
#   add_subdirectory  configure, build and run add_subdirectory/ on the source tree
# Inputs (-D): MODE SOURCE_DIR BINARY_DIR PREFIX WORK_DIR CONSUMER_DIR GENERATOR MAKE_PROGRAM
#   CXX_COMPILER CXX_FLAGS EXE_LINKER_FLAGS CONFIG INSTALL_LIBDIR INSTALL_INCLUDEDIR PKG_CONFIG
cmake_minimum_required(VERSION 3.25)

set(expected_message "FTP password error (72)")

function(run_step what)
  execute_process(COMMAND ${ARGN}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  string(REPLACE ";" " " cmdline "${ARGN}")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}): ${cmdline}\n${out}\n${err}")
  endif()
  message(STATUS "${what}: ok")
  set(step_output "${out}" PARENT_SCOPE)
endfunction()

# Arguments shared by every consumer configure: same generator, compiler and flags as the
# project's build (a sanitizer build's library needs the sanitizer runtime in the consumer).
set(configure_args -G "${GENERATOR}" "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}"
    "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${EXE_LINKER_FLAGS}")
if(MAKE_PROGRAM)
  list(APPEND configure_args "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()
set(config_args)
if(CONFIG)
  list(APPEND configure_args "-DCMAKE_BUILD_TYPE=${CONFIG}")
  set(config_args --config "${CONFIG}")
endif()

function(run_consumer build_dir)
  set(exe "${build_dir}/consumer")
  if(NOT EXISTS "${exe}" AND EXISTS "${build_dir}/${CONFIG}/consumer")  # multi-config generators
    set(exe "${build_dir}/${CONFIG}/consumer")
  endif()
  # A shared libsim7080 in PREFIX is found through LD_LIBRARY_PATH; harmless for a static one.
  run_step("run consumer" ${CMAKE_COMMAND} -E env "LD_LIBRARY_PATH=${PREFIX}/${INSTALL_LIBDIR}" "${exe}")
  message(STATUS "consumer says: ${step_output}")
  string(FIND "${step_output}" "${expected_message}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "consumer output lacks '${expected_message}': ${step_output}")
  endif()
endfunction()

if(MODE STREQUAL "install")
  file(REMOVE_RECURSE "${PREFIX}")
  run_step("install" ${CMAKE_COMMAND} --install "${BINARY_DIR}" --prefix "${PREFIX}" ${config_args})
  foreach(f "${INSTALL_INCLUDEDIR}/sim7080/sim7080.hpp"
            "${INSTALL_LIBDIR}/cmake/sim7080/sim7080-config.cmake"
            "${INSTALL_LIBDIR}/cmake/sim7080/sim7080-config-version.cmake"
            "${INSTALL_LIBDIR}/pkgconfig/sim7080.pc")
    if(NOT EXISTS "${PREFIX}/${f}")
      message(FATAL_ERROR "install did not produce ${PREFIX}/${f}")
    endif()
  endforeach()
  # Only the public headers are installed: nothing from src/ (style practice 13).
  file(GLOB_RECURSE installed_headers RELATIVE "${PREFIX}/${INSTALL_INCLUDEDIR}" "${PREFIX}/${INSTALL_INCLUDEDIR}/*")
  foreach(h IN LISTS installed_headers)
    if(NOT h MATCHES "^sim7080/")
      message(FATAL_ERROR "install put a header outside include/sim7080/: ${h}")
    endif()
  endforeach()

elseif(MODE STREQUAL "find_package")
  if(NOT EXISTS "${PREFIX}/${INSTALL_LIBDIR}/cmake/sim7080/sim7080-config.cmake")
    message(FATAL_ERROR "nothing installed in ${PREFIX}: run the package.install test first")
  endif()
  file(REMOVE_RECURSE "${WORK_DIR}")
  run_step("configure find_package consumer" ${CMAKE_COMMAND} -S "${CONSUMER_DIR}" -B "${WORK_DIR}"
           ${configure_args} "-DCMAKE_PREFIX_PATH=${PREFIX}" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
  # The package must come from the temporary prefix, not from a build tree or the system.
  file(STRINGS "${WORK_DIR}/CMakeCache.txt" dir_line REGEX "^sim7080_DIR:")
  string(REGEX REPLACE "^sim7080_DIR:[A-Z]+=" "" found_dir "${dir_line}")
  file(REAL_PATH "${found_dir}" found_dir)
  file(REAL_PATH "${PREFIX}" real_prefix)
  string(FIND "${found_dir}" "${real_prefix}/" at)
  if(NOT at EQUAL 0)
    message(FATAL_ERROR "find_package(sim7080) used ${found_dir}, not the install in ${PREFIX}")
  endif()
  run_step("build find_package consumer" ${CMAKE_COMMAND} --build "${WORK_DIR}" ${config_args})
  run_consumer("${WORK_DIR}")

elseif(MODE STREQUAL "pkg_config")
  set(pc_dir "${PREFIX}/${INSTALL_LIBDIR}/pkgconfig")
  if(NOT EXISTS "${pc_dir}/sim7080.pc")
    message(FATAL_ERROR "no ${pc_dir}/sim7080.pc: run the package.install test first")
  endif()
  run_step("pkg-config --cflags --libs sim7080" ${CMAKE_COMMAND} -E env "PKG_CONFIG_PATH=${pc_dir}"
           "${PKG_CONFIG}" --cflags --libs sim7080)
  string(STRIP "${step_output}" pc_flags)
  message(STATUS "pkg-config: ${pc_flags}")
  # The flags must point into the prefix the package was installed to (`cmake --install
  # --prefix` included), else a consumer compiles against whatever sits at the configured
  # CMAKE_INSTALL_PREFIX, or fails. Paths are compared after normalisation, so a .pc file
  # whose prefix is relative to ${pcfiledir} passes.
  separate_arguments(pc_args UNIX_COMMAND "${pc_flags}")
  set(include_dirs)
  set(lib_dirs)
  foreach(arg IN LISTS pc_args)
    if(arg MATCHES "^-I(.+)$")
      file(REAL_PATH "${CMAKE_MATCH_1}" dir)
      list(APPEND include_dirs "${dir}")
    elseif(arg MATCHES "^-L(.+)$")
      file(REAL_PATH "${CMAKE_MATCH_1}" dir)
      list(APPEND lib_dirs "${dir}")
    endif()
  endforeach()
  file(REAL_PATH "${PREFIX}/${INSTALL_INCLUDEDIR}" want_include)
  file(REAL_PATH "${PREFIX}/${INSTALL_LIBDIR}" want_lib)
  if(NOT want_include IN_LIST include_dirs OR NOT want_lib IN_LIST lib_dirs)
    file(STRINGS "${pc_dir}/sim7080.pc" pc_prefix REGEX "^prefix=")
    message(FATAL_ERROR "pkg-config flags lack -I${want_include} or -L${want_lib}: the installed "
                        "${pc_dir}/sim7080.pc says '${pc_prefix}', not the prefix it was installed "
                        "to (${PREFIX}); prefix= must follow the install prefix, e.g. be relative "
                        "to \${pcfiledir}")
  endif()
  file(REMOVE_RECURSE "${WORK_DIR}")
  file(MAKE_DIRECTORY "${WORK_DIR}")
  separate_arguments(cxx_args UNIX_COMMAND "${CXX_FLAGS}")
  separate_arguments(ld_args UNIX_COMMAND "${EXE_LINKER_FLAGS}")
  run_step("compile and link with pkg-config flags" "${CXX_COMPILER}" ${cxx_args} -std=c++20
           "${CONSUMER_DIR}/main.cpp" ${pc_args} ${ld_args} -o "${WORK_DIR}/consumer")
  run_consumer("${WORK_DIR}")

elseif(MODE STREQUAL "add_subdirectory")
  # The build directory is kept between runs, so a re-run only rebuilds what changed.
  run_step("configure add_subdirectory consumer" ${CMAKE_COMMAND} -S "${CONSUMER_DIR}" -B "${WORK_DIR}"
           ${configure_args} "-DSIM7080_SOURCE_DIR=${SOURCE_DIR}")
  if(EXISTS "${WORK_DIR}/sim7080/tests" OR EXISTS "${WORK_DIR}/sim7080/tools" OR EXISTS "${WORK_DIR}/sim7080/examples")
    message(FATAL_ERROR "the subproject configured tests, tools or examples despite SIM7080_BUILD_*=OFF")
  endif()
  run_step("build add_subdirectory consumer" ${CMAKE_COMMAND} --build "${WORK_DIR}" ${config_args})
  run_consumer("${WORK_DIR}")

else()
  message(FATAL_ERROR "unknown MODE '${MODE}'")
endif()
