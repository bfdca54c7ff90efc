#ifndef RENDER_CHECK_CZLIB_SHIM_H
#define RENDER_CHECK_CZLIB_SHIM_H
#include <zlib.h>
#endif
