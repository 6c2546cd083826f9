# Debian package: `cpack -G DEB` (or the `package` target) in a build directory makes
# sim7080_<version>_<arch>.deb with everything `cmake --install` puts under /usr: the library,
# its headers, the CMake package (find_package(sim7080)), the pkg-config file, the tools
# sim7080-ftp and sim7080-emu (installed by their own CMakeLists), and the licence as
# share/doc/sim7080/copyright (installed here).
#
# Included by the top-level CMakeLists.txt after Sim7080Install. With the test suite on it
# adds the test `package.deb` (label package), which runs this same file as a script
# (cmake -P, the part below guarded by CMAKE_SCRIPT_MODE_FILE): cpack, `dpkg-deb -x` into a
# staging root, checks of the control fields and files, then the find_package and pkg-config
# consumers of tests/package built against the staged /usr (tests/package/run_consumer.cmake).

if(CMAKE_SCRIPT_MODE_FILE)
  # ---- test driver (cmake -P) -------------------------------------------------------------
  # Inputs (-D): CPACK BINARY_DIR WORK_DIR DPKG_DEB RUN_CONSUMER CONSUMER_DIR PKG_CONFIG and the
  # run_consumer.cmake inputs SOURCE_DIR GENERATOR MAKE_PROGRAM CXX_COMPILER CXX_FLAGS
  # EXE_LINKER_FLAGS CONFIG INSTALL_LIBDIR INSTALL_INCLUDEDIR INSTALL_BINDIR INSTALL_DOCDIR, and
  # WITH_TOOLS (ON when the build has the tools, which the package must then contain).
  cmake_minimum_required(VERSION 3.25)  # script mode starts with no policies set
  function(step what)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
      string(REPLACE ";" " " cmdline "${ARGN}")
      message(FATAL_ERROR "${what} failed (${rc}): ${cmdline}\n${out}\n${err}")
    endif()
    message(STATUS "${what}: ok")
    set(step_output "${out}" PARENT_SCOPE)
  endfunction()

  file(REMOVE_RECURSE "${WORK_DIR}")
  set(config_args)
  if(CONFIG)
    set(config_args -C "${CONFIG}")
  endif()
  step("cpack -G DEB" "${CPACK}" -G DEB --config "${BINARY_DIR}/CPackConfig.cmake" -B "${WORK_DIR}/out" ${config_args})
  file(GLOB debs "${WORK_DIR}/out/*.deb")
  list(LENGTH debs count)
  if(NOT count EQUAL 1)
    message(FATAL_ERROR "expected one .deb in ${WORK_DIR}/out, found ${count}: ${debs}")
  endif()
  message(STATUS "package: ${debs}")

  step("dpkg-deb -f" "${DPKG_DEB}" -f "${debs}" Package Depends)
  if(NOT step_output MATCHES "Package: sim7080\n" OR NOT step_output MATCHES "libfmt9" OR NOT step_output MATCHES "libcurl4")
    message(FATAL_ERROR "control fields: want Package sim7080 and Depends on libfmt9 and libcurl4, got:\n${step_output}")
  endif()

  set(root "${WORK_DIR}/root")
  step("dpkg-deb -x" "${DPKG_DEB}" -x "${debs}" "${root}")
  set(usr "${root}/usr")
  foreach(f "${INSTALL_INCLUDEDIR}/sim7080/sim7080.hpp"
            "${INSTALL_INCLUDEDIR}/sim7080/ports.hpp"
            "${INSTALL_LIBDIR}/cmake/sim7080/sim7080-config.cmake"
            "${INSTALL_LIBDIR}/cmake/sim7080/sim7080-targets.cmake"
            "${INSTALL_LIBDIR}/cmake/sim7080/FindAsio.cmake"
            "${INSTALL_LIBDIR}/pkgconfig/sim7080.pc"
            "${INSTALL_DOCDIR}/copyright")
    if(NOT EXISTS "${usr}/${f}")
      message(FATAL_ERROR "the package lacks /usr/${f}")
    endif()
  endforeach()
  if(WITH_TOOLS)
    foreach(tool sim7080-ftp sim7080-emu)
      if(NOT EXISTS "${usr}/${INSTALL_BINDIR}/${tool}")
        message(FATAL_ERROR "the package lacks /usr/${INSTALL_BINDIR}/${tool} (does its CMakeLists install it?)")
      endif()
    endforeach()
    step("sim7080-ftp --version" "${usr}/${INSTALL_BINDIR}/sim7080-ftp" --version)
    step("sim7080-emu --help" "${usr}/${INSTALL_BINDIR}/sim7080-emu" --help)
  endif()
  file(GLOB libs "${usr}/${INSTALL_LIBDIR}/libsim7080.*")
  if(NOT libs)
    message(FATAL_ERROR "the package lacks /usr/${INSTALL_LIBDIR}/libsim7080.*")
  endif()
  # Only sim7080/ under include/, and nothing outside /usr.
  file(GLOB top RELATIVE "${root}" "${root}/*")
  if(NOT top STREQUAL "usr")
    message(FATAL_ERROR "the package installs outside /usr: ${top}")
  endif()
  file(GLOB includes RELATIVE "${usr}/${INSTALL_INCLUDEDIR}" "${usr}/${INSTALL_INCLUDEDIR}/*")
  if(NOT includes STREQUAL "sim7080")
    message(FATAL_ERROR "the package installs headers outside include/sim7080: ${includes}")
  endif()

  # The consumers of tests/package, against the staged /usr (the prefix a .deb installs to).
  set(consumer_args -DSOURCE_DIR=${SOURCE_DIR} -DBINARY_DIR=${BINARY_DIR} -DPREFIX=${usr}
      -DGENERATOR=${GENERATOR} -DMAKE_PROGRAM=${MAKE_PROGRAM} -DCXX_COMPILER=${CXX_COMPILER}
      "-DCXX_FLAGS=${CXX_FLAGS}" "-DEXE_LINKER_FLAGS=${EXE_LINKER_FLAGS}" -DCONFIG=${CONFIG}
      -DINSTALL_LIBDIR=${INSTALL_LIBDIR} -DINSTALL_INCLUDEDIR=${INSTALL_INCLUDEDIR}
      -DCONSUMER_DIR=${CONSUMER_DIR})
  step("find_package consumer on the staged package" "${CMAKE_COMMAND}" ${consumer_args}
       -DMODE=find_package -DWORK_DIR=${WORK_DIR}/find_package -P "${RUN_CONSUMER}")
  if(PKG_CONFIG)
    step("pkg-config consumer on the staged package" "${CMAKE_COMMAND}" ${consumer_args}
         -DMODE=pkg_config -DPKG_CONFIG=${PKG_CONFIG} -DWORK_DIR=${WORK_DIR}/pkg_config -P "${RUN_CONSUMER}")
  endif()
  message(STATUS "package.deb: ${debs} installs and builds its consumers")
  return()
endif()

# ---- package description (configure time) -------------------------------------------------
include(GNUInstallDirs)

# Debian packages carry their licence as /usr/share/doc/<package>/copyright.
install(FILES ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR} RENAME copyright)

set(CPACK_PACKAGE_NAME sim7080)
set(CPACK_PACKAGE_VENDOR "The sim7080 authors")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
    "C++20 library (standalone Asio) that moves files over FTP through a SIMCom SIM7080 cellular
modem with its AT commands; the sim7080-ftp command-line client; and sim7080-emu, an
emulated SIM7080 on a pseudo-terminal doing real FTP, for tests and development.")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGE_CONTACT "The sim7080 authors <sim7080-dev@users.noreply.github.com>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_GENERATOR DEB)

set(CPACK_DEBIAN_PACKAGE_NAME sim7080)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # sim7080_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
# The tools link libfmt and libcurl dynamically; the library itself is static unless
# BUILD_SHARED_LIBS is on. Building against it also needs the headers of Asio and fmt.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libfmt9, libcurl4, libstdc++6, libc6")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libasio-dev, libfmt-dev, pkg-config")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "python3-pyftpdlib")

set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build/" "/build-[^/]*/" "/out/" "\\\\.swp$")
include(CPack)

if(SIM7080_BUILD_TESTS)
  find_program(SIM7080_DPKG_DEB_EXECUTABLE dpkg-deb)
  if(NOT SIM7080_DPKG_DEB_EXECUTABLE)
    message(STATUS "sim7080 packaging: dpkg-deb not found; the package.deb test is skipped")
    return()
  endif()
  find_program(SIM7080_PKG_CONFIG_EXECUTABLE NAMES pkg-config pkgconf)
  set(_sim7080_with_tools OFF)
  if(TARGET sim7080-ftp AND TARGET sim7080-emu)
    set(_sim7080_with_tools ON)
  endif()
  add_test(NAME package.deb
    COMMAND ${CMAKE_COMMAND}
            -DCPACK=${CMAKE_CPACK_COMMAND}
            -DBINARY_DIR=${PROJECT_BINARY_DIR}
            -DWORK_DIR=${PROJECT_BINARY_DIR}/tests/package/deb
            -DDPKG_DEB=${SIM7080_DPKG_DEB_EXECUTABLE}
            -DRUN_CONSUMER=${PROJECT_SOURCE_DIR}/tests/package/run_consumer.cmake
            -DCONSUMER_DIR=${PROJECT_SOURCE_DIR}/tests/package/find_package
            -DPKG_CONFIG=${SIM7080_PKG_CONFIG_EXECUTABLE}
            -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
            -DGENERATOR=${CMAKE_GENERATOR}
            -DMAKE_PROGRAM=${CMAKE_MAKE_PROGRAM}
            -DCXX_COMPILER=${CMAKE_CXX_COMPILER}
            "-DCXX_FLAGS=${CMAKE_CXX_FLAGS}"
            "-DEXE_LINKER_FLAGS=${CMAKE_EXE_LINKER_FLAGS}"
            -DCONFIG=$<CONFIG>
            -DINSTALL_LIBDIR=${CMAKE_INSTALL_LIBDIR}
            -DINSTALL_INCLUDEDIR=${CMAKE_INSTALL_INCLUDEDIR}
            -DINSTALL_BINDIR=${CMAKE_INSTALL_BINDIR}
            -DINSTALL_DOCDIR=${CMAKE_INSTALL_DOCDIR}
            -DWITH_TOOLS=${_sim7080_with_tools}
            -P ${CMAKE_CURRENT_LIST_FILE})
  # cpack builds the `preinstall` target (a no-op once `all` is built) and packs everything.
  set_tests_properties(package.deb PROPERTIES LABELS package TIMEOUT 600)
endif()
