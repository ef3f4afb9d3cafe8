/* ntop.* bindings, category networks. (To be written.) */
#include "api_util.h"

const struct api_table api_ntop_net = {.ns = "ntop", .category = "networks", .bindings = NULL, .count = 0};
