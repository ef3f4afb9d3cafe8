/* ntop.* bindings, category bitmap. (To be written.) */
#include "api_util.h"

const struct api_table api_ntop_bitmap = {.ns = "ntop", .category = "bitmap", .bindings = NULL, .count = 0};
