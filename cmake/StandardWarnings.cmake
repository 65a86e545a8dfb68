# Warnings for our own targets only: call stash_hook_warnings(target).
function(stash_hook_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor)
  if(STASH_HOOK_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
