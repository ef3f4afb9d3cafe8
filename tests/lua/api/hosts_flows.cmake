# interface.* hosts, flows and MACs tests, run inside the probe (--run-script) on
# test_01.pcap with -m 192.168.1.0/24. Included from tests/lua/api/CMakeLists.txt.
# They need ../shared (NTOP_SHARED_DIR); without it each test reports SKIP (exit 77).

if(NOT DEFINED NTOP_SHARED_DIR)
  set(NTOP_SHARED_DIR ${CMAKE_SOURCE_DIR}/../shared)
endif()
get_filename_component(NTOP_SHARED_DIR ${NTOP_SHARED_DIR} ABSOLUTE)

set(NTOP_HOSTS_FLOWS_PCAP ${NTOP_SHARED_DIR}/pcaps/ntopng-e2e/test_01.pcap)

foreach(name interface_hosts interface_flows)
  set(script ${CMAKE_CURRENT_LIST_DIR}/test_${name}.lua)
  if(EXISTS ${NTOP_HOSTS_FLOWS_PCAP})
    add_test(NAME lua_api_${name}
             COMMAND $<TARGET_FILE:ntop-probe> -i ${NTOP_HOSTS_FLOWS_PCAP} -m 192.168.1.0/24
                     --shutdown-when-done --run-script ${script})
  else()
    add_test(NAME lua_api_${name}
             COMMAND sh -c "echo 'SKIP: ../shared not found (${NTOP_HOSTS_FLOWS_PCAP}); set NTOP_SHARED_DIR'; exit 77")
  endif()
  set_tests_properties(lua_api_${name} PROPERTIES
                       ENVIRONMENT "LUA_PATH=${CMAKE_SOURCE_DIR}/tests/lua/?.lua\;\;;NTOP_TEST_PCAP=${NTOP_HOSTS_FLOWS_PCAP}"
                       SKIP_RETURN_CODE 77
                       TIMEOUT 120
                       LABELS "lua;api")
endforeach()

# The network matrix (intranet_traffic) and network.resetTrafficBetweenNets: two networks.
if(EXISTS ${NTOP_HOSTS_FLOWS_PCAP})
  add_test(NAME lua_api_network_matrix
           COMMAND $<TARGET_FILE:ntop-probe> -i ${NTOP_HOSTS_FLOWS_PCAP}
                   -m 192.168.1.0/25,192.168.1.128/25 --shutdown-when-done
                   --run-script ${CMAKE_CURRENT_LIST_DIR}/test_network_matrix.lua)
else()
  add_test(NAME lua_api_network_matrix
           COMMAND sh -c "echo 'SKIP: ../shared not found (${NTOP_HOSTS_FLOWS_PCAP})'; exit 77")
endif()
set_tests_properties(lua_api_network_matrix PROPERTIES
                     ENVIRONMENT "LUA_PATH=${CMAKE_SOURCE_DIR}/tests/lua/?.lua\;\;"
                     SKIP_RETURN_CODE 77 TIMEOUT 120 LABELS "lua;api")
