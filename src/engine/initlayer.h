/* initlayer.h — the mount points an image lacks, in a layer of their own.
 *
 * Every container gets /proc, /dev and /sys mounted and /etc/hostname,
 * /etc/hosts and /etc/resolv.conf bound from its folder.  When the image
 * has no such file or folder, the runtime makes the mount point in the
 * rootfs, and overlayfs copies /etc up into the container's upper layer:
 * four inodes per container (and four to free at rm), and entries in
 * `diff`.  docker keeps these mount points in an "init" layer per
 * container; here one is shared by all the containers of an image:
 * <root>/snapshots/<top chain hex>-init, the top lower layer of their
 * overlays, made on first use.  The image store keeps it as long as the
 * snapshot it sits on (vs_store_check).
 *
 * Only what the image lacks is made, as overlayfs would show the image
 * (whiteouts and opaque folders count); an /etc that is not a folder is
 * left to the runtime. */
#pragma once

#include "../basic/error.h"
#include "../image/store.h"

/* The init layer's path for an image whose snapshots are layers (bottom
 * first, as vs_image lists them), made if missing.  *ret is malloc'd. */
int vs_init_layer (vs_store *s, const vs_image *img, char **ret, vs_error *err);
