/* interface.* bindings, category hosts. (To be written.) */
#include "api_util.h"

const struct api_table api_interface_hosts = {.ns = "interface", .category = "hosts", .bindings = NULL, .count = 0};
