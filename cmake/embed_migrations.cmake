# Concatenates the migrations in IN (a ;-list of migrations/NNN_name.sql) into
# OUT, each after a marker line "-- imaginator:migration NNN_name.sql" that
# worker/img_store_migrate.c splits on.
file(WRITE ${OUT} "")
foreach(f ${IN})
  get_filename_component(name ${f} NAME)
  file(READ ${f} content)
  file(APPEND ${OUT} "-- imaginator:migration ${name}\n")
  file(APPEND ${OUT} "${content}")
  file(APPEND ${OUT} "\n")
endforeach()
