# Concatenates the files in IN (a ;-list) into OUT. Used for the built-in taxonomy.
file(WRITE ${OUT} "")
foreach(f ${IN})
  file(READ ${f} content)
  file(APPEND ${OUT} "${content}")
  file(APPEND ${OUT} "\n")
endforeach()
