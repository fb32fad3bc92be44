// zlib's gzip reader, for pre-trained vector files that come gzip-compressed (GloVe and fastText ship
// them so). zlib's header is plain C and imports cleanly beside Foundation.
#include <zlib.h>
