/* bazel run //allocator/pool:size_classes [-- layout=3.8 | --threshold=256]
 *
 * Prints which block size and size class each small request gets in the
 * chosen layout (size_class.h). A bad parameter is one line and exit 2. */
#include <stdio.h>

#include "allocator/pool/size_class.h"

int main(int argc, char **argv) {
  return pool_size_classes_main(argc, argv, stdout, stderr);
}
