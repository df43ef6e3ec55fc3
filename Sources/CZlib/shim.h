// zlib, which SwiftNIO's HTTP compression already requires on every build host.
#include <zlib.h>
