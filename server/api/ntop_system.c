/* ntop.* bindings, category system. (To be written.) */
#include "api_util.h"

const struct api_table api_ntop_system = {.ns = "ntop", .category = "system", .bindings = NULL, .count = 0};
