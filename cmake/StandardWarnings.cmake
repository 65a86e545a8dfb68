# Warnings for our own targets only: call stash_hook_warnings(target). Targets under lib/
# and app/ also get the extra set (ARCHITECTURE.md, Conventions: the choice, and why the
# others are left out); tests and examples do not.
set(STASH_HOOK_EXTRA_WARNINGS -Wcast-qual -Wformat=2 -Wold-style-cast -Wimplicit-fallthrough
    $<$<CXX_COMPILER_ID:GNU>:-Wduplicated-cond> $<$<CXX_COMPILER_ID:GNU>:-Wlogical-op>)
function(stash_hook_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor)
  get_target_property(dir ${target} SOURCE_DIR)
  file(RELATIVE_PATH rel ${PROJECT_SOURCE_DIR} ${dir})
  if(rel MATCHES "^(lib|app)(/|$)")
    target_compile_options(${target} PRIVATE ${STASH_HOOK_EXTRA_WARNINGS})
  endif()
  if(STASH_HOOK_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
