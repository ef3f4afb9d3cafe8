/* ntop.* bindings, category misc. (To be written.) */
#include "api_util.h"

const struct api_table api_ntop_misc = {.ns = "ntop", .category = "misc", .bindings = NULL, .count = 0};
