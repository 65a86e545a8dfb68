# Read by CTest after the e2e tests doctest discovered (tests/CMakeLists.txt): tighter
# timeouts for tests that take a second but could wait far longer if they went wrong. The
# every-fixture tests run docs examples whose retryConfig waits 10m between attempts; each
# run there is bounded too (CliOptions::timeout_seconds).
foreach(name "e2e:every Stash docs hook example runs: exec hooks through kubectl, the rest on loopback")
  set_tests_properties("${name}" PROPERTIES TIMEOUT 120)
endforeach()
