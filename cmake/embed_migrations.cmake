# Writes OUT, a C++ file defining pt::embedded_migrations() from the SQL files in FILES
# (separated by '|', already sorted by their NNNN_ prefix).
string(REPLACE "|" ";" FILES "${FILES}")
set(body "")
foreach(f IN LISTS FILES)
  get_filename_component(name ${f} NAME)
  file(READ ${f} sql)
  string(APPEND body "    {\"${name}\", R\"papertrader_sql(${sql})papertrader_sql\"},\n")
endforeach()
file(WRITE ${OUT}.tmp "// Generated from migrations/*.sql by cmake/embed_migrations.cmake. Do not edit.
#include \"store/migrations.hpp\"

namespace pt {

const std::vector<migration>& embedded_migrations() {
  static const std::vector<migration> all{
${body}  };
  return all;
}

} // namespace pt
")
file(RENAME ${OUT}.tmp ${OUT})
