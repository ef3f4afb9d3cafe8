# The gRPC service definitions, one .proto per namespace (ntop/v1/<namespace>.proto), are
# generated from the probe's registry (`ntop-probe --list-api`) by gen_services.py and
# committed, so that other languages' clients can use them without building the probe.
#
#   proto_services          target (not built by default): regenerates the committed files in
#                           the source tree from the built ntop-probe
#   proto_services_current  test: regenerates into the build tree, runs protoc on the result
#                           and fails with a diff when the committed files have drifted
#
# Included from proto/CMakeLists.txt; ntop-probe is defined later (server/), which is fine
# for generator expressions and target-level dependencies.

find_package(Python3 COMPONENTS Interpreter)
find_program(NTOP_PROTOC_EXECUTABLE protoc)

if(NOT Python3_Interpreter_FOUND)
  message(WARNING "python3 not found: proto_services target and test disabled")
  return()
endif()
if(NOT NTOP_PROTOC_EXECUTABLE)
  # The test still runs and fails with a clear message: protoc is a build dependency.
  message(WARNING "protoc not found (Debian's protobuf-compiler): proto_services_current will fail")
  set(NTOP_PROTOC_EXECUTABLE protoc)
endif()

set(_services_gen ${CMAKE_CURRENT_SOURCE_DIR}/gen_services.py)

add_custom_target(proto_services
  COMMAND ${Python3_EXECUTABLE} ${_services_gen}
          --probe $<TARGET_FILE:ntop-probe>
          --out ${CMAKE_CURRENT_SOURCE_DIR}/ntop/v1
          --protoc ${NTOP_PROTOC_EXECUTABLE} --proto-path ${CMAKE_CURRENT_SOURCE_DIR}
  DEPENDS ${_services_gen}
  COMMENT "Regenerating proto/ntop/v1/<namespace>.proto from ntop-probe --list-api"
  VERBATIM)
add_dependencies(proto_services ntop-probe)

add_test(NAME proto_services_current
         COMMAND ${Python3_EXECUTABLE} ${_services_gen}
                 --probe $<TARGET_FILE:ntop-probe>
                 --out ${CMAKE_CURRENT_BINARY_DIR}/services/ntop/v1
                 --check ${CMAKE_CURRENT_SOURCE_DIR}/ntop/v1
                 --protoc ${NTOP_PROTOC_EXECUTABLE} --proto-path ${CMAKE_CURRENT_SOURCE_DIR})
set_tests_properties(proto_services_current PROPERTIES LABELS "proto" TIMEOUT 60)
