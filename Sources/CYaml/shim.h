#ifndef RENDER_CHECK_CYAML_SHIM_H
#define RENDER_CHECK_CYAML_SHIM_H
#include <yaml.h>
#endif
