/* distribution.c — pull images from a registry into the store, push them back. */
#include "distribution.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../basic/cleanup.h"
#include "digest.h"
#include "manifest.h"
#include "reference.h"

#define MAX_DOC (4u << 20)

const char *
vs_registry_endpoint (const char *registry)
{
  return strcmp (registry, "docker.io") == 0 ? "registry-1.docker.io" : registry;
}

static void
emit_layer (const vs_transfer_opts *o, size_t i, const char *digest, int64_t size, const char *status)
{
  if (o->events && o->events->layer)
    o->events->layer (o->events->user, i, digest, size, status);
}

static void
emit_msg (const vs_transfer_opts *o, const char *fmt, ...)
{
  char line[1024];
  va_list ap;
  if (o->events == NULL || o->events->message == NULL)
    return;
  va_start (ap, fmt);
  vsnprintf (line, sizeof line, fmt, ap);
  va_end (ap);
  o->events->message (o->events->user, line);
}

/* Fetch the listed blobs into the store's ingest files and commit them. */
struct fetch_ctx
{
  const vs_transfer_opts *o;
  size_t *map; /* batch index → layer index for the events */
};

static void
fetch_progress (void *user, size_t index, int64_t done, int64_t total)
{
  struct fetch_ctx *c = user;
  if (c->o->events && c->o->events->bytes)
    c->o->events->bytes (c->o->events->user, c->map[index], done, total);
}

/* ---- layers: downloads and unpacks overlap ----
 *
 * Every layer whose snapshot is missing gets a thread that unpacks it.  When
 * its blob is being downloaded, the thread reads the growing download file
 * (pread behind the writer, waiting when it catches up), so decompressing
 * and writing files overlap the transfer; the diff_id check at the end of
 * the unpack covers the content, the blob digest check after the download
 * covers the blob.  A failed download makes its readers fail. */

struct download
{
  vs_blob_fetch *f;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int state;             /* 0 running, 1 complete, -1 failed */
};

struct layer_job
{
  vs_store *s;
  vs_image_layer *l;
  struct download *dl;   /* NULL: the blob is in the store */
  int64_t pos;
  pthread_t th;
  bool started;
  int ret;
  vs_error err;
};

static int
download_state (struct download *d)
{
  int st;
  pthread_mutex_lock (&d->mu);
  st = d->state;
  pthread_mutex_unlock (&d->mu);
  return st;
}

static void
download_wait (struct download *d)
{
  struct timespec until;
  clock_gettime (CLOCK_REALTIME, &until);
  until.tv_nsec += 5 * 1000 * 1000;
  if (until.tv_nsec >= 1000000000)
    {
      until.tv_sec++;
      until.tv_nsec -= 1000000000;
    }
  pthread_mutex_lock (&d->mu);
  if (d->state == 0)
    pthread_cond_timedwait (&d->cv, &d->mu, &until);
  pthread_mutex_unlock (&d->mu);
}

static void
download_finish (struct download *d, int state)
{
  pthread_mutex_lock (&d->mu);
  d->state = state;
  pthread_cond_broadcast (&d->cv);
  pthread_mutex_unlock (&d->mu);
}

/* vs_unpack_read_fn over a file that is still being written. */
static ssize_t
follow_read (void *user, void *buf, size_t len, char *msg, size_t msglen)
{
  struct layer_job *j = user;
  for (;;)
    {
      int st = download_state (j->dl); /* before the read: all data up to st is there */
      ssize_t n = pread (j->dl->f->fd, buf, len, j->pos);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int e = errno;
          snprintf (msg, msglen, "read download of %s: %s", j->dl->f->digest, strerror (e));
          return -e;
        }
      if (n > 0)
        {
          j->pos += n;
          return n;
        }
      if (st > 0)
        return 0;
      if (st < 0)
        {
          snprintf (msg, msglen, "download of %s failed", j->dl->f->digest);
          return -ECANCELED;
        }
      download_wait (j->dl);
    }
}

static void *
layer_thread (void *arg)
{
  struct layer_job *j = arg;
  int64_t size = -1;

  if (j->dl)
    {
      /* the first bytes tell gzip from the rest */
      struct stat st;
      while (download_state (j->dl) == 0 && fstat (j->dl->f->fd, &st) == 0 && st.st_size < 2)
        download_wait (j->dl);
      j->ret = vs_store_snapshot_make_stream (j->s, j->l->chain_id, j->l->blob, j->l->diff_id, j->dl->f->fd,
                                              follow_read, j, &size, &j->err);
    }
  else
    j->ret = vs_store_snapshot_make (j->s, j->l->chain_id, j->l->blob, j->l->diff_id, &size, &j->err);
  if (j->ret == 0 && size >= 0)
    j->l->size = size;
  return NULL;
}

/* Fetch the blobs in f (those not complete in ingest/ already) and unpack
 * the layers marked in todo, at the same time; then verify and commit the
 * blobs.  map[k]: the layer index of f[k] for progress events (SIZE_MAX for
 * the config).  On failure, snapshots this call made are removed again. */
static int
fetch_and_unpack (vs_store *s, vs_registry *r, const char *repo, vs_blob_fetch *f, size_t *map, size_t n,
                  vs_image *img, const bool *todo, const vs_transfer_opts *o, vs_error *err)
{
  size_t nl = img ? img->n_layers : 0, todo_n = 0;
  struct download *dls = calloc (n ? n : 1, sizeof *dls);
  struct layer_job *jobs = calloc (nl ? nl : 1, sizeof *jobs);
  vs_blob_fetch *need = calloc (n ? n : 1, sizeof *need);
  size_t *needmap = calloc (n ? n : 1, sizeof *needmap), *needidx = calloc (n ? n : 1, sizeof *needidx);
  struct fetch_ctx ctx = { .o = o, .map = needmap };
  int ret = 0, dl_ret = 0;

  if (dls == NULL || jobs == NULL || need == NULL || needmap == NULL || needidx == NULL)
    {
      ret = vs_fail (err, ENOMEM, "pull from %s", repo);
      goto out;
    }
  for (size_t k = 0; k < n; k++)
    {
      f[k].fd = -1;
      dls[k].f = &f[k];
      pthread_mutex_init (&dls[k].mu, NULL);
      pthread_cond_init (&dls[k].cv, NULL);
    }
  for (size_t k = 0; k < n && ret == 0; k++)
    {
      ret = vs_store_ingest_open (s, f[k].digest, &f[k].fd, &f[k].offset, err);
      if (ret == 0 && f[k].size >= 0 && f[k].offset > f[k].size)
        {
          /* longer than announced: start again */
          if (ftruncate (f[k].fd, 0) < 0)
            ret = vs_fail (err, errno, "reset download of %s", f[k].digest);
          f[k].offset = 0;
        }
      if (ret == 0 && f[k].size >= 0 && f[k].offset == f[k].size)
        {
          /* complete from an earlier run: keep it if it is right, else fetch it again */
          vs_error ignore;
          if (vs_store_ingest_commit (s, f[k].digest, f[k].fd, &ignore) < 0)
            {
              closep (&f[k].fd);
              ret = vs_store_ingest_open (s, f[k].digest, &f[k].fd, &f[k].offset, err);
            }
        }
      if (ret == 0 && (f[k].size < 0 || f[k].offset < f[k].size))
        {
          needidx[todo_n] = k;
          needmap[todo_n] = map[k];
          need[todo_n++] = f[k];
        }
      else if (ret == 0)
        dls[k].state = 1; /* complete from an earlier run */
    }
  if (ret < 0)
    goto out;

  /* unpackers, reading downloads as they grow */
  for (size_t i = 0; i < nl; i++)
    {
      struct layer_job *j = &jobs[i];
      if (!todo[i])
        continue;
      *j = (struct layer_job) { .s = s, .l = &img->layers[i] };
      for (size_t k = 0; k < n; k++)
        if (strcmp (f[k].digest, img->layers[i].blob) == 0)
          j->dl = &dls[k];
      emit_layer (o, i, img->layers[i].blob, img->layers[i].blob_size, "Extracting");
      j->started = pthread_create (&j->th, NULL, layer_thread, j) == 0;
      if (!j->started)
        {
          j->ret = vs_fail (&j->err, EAGAIN, "start unpacking layer %s", img->layers[i].blob);
          break;
        }
    }

  if (todo_n > 0)
    dl_ret = vs_registry_get_blobs (r, repo, need, todo_n, o->parallel > 0 ? o->parallel : 4, fetch_progress, &ctx,
                                    err);
  for (size_t t = 0; t < todo_n; t++)
    {
      f[needidx[t]].result = need[t].result;
      download_finish (&dls[needidx[t]], need[t].result == 0 ? 1 : -1);
    }
  for (size_t k = 0; k < n; k++)
    if (dls[k].state == 0)
      download_finish (&dls[k], dl_ret == 0 ? 1 : -1);
  /* verify and commit the blobs while the unpackers finish */
  for (size_t k = 0; k < n && dl_ret == 0; k++)
    {
      if (vs_store_blob_exists (s, f[k].digest))
        continue;
      dl_ret = vs_store_ingest_commit (s, f[k].digest, f[k].fd, err);
      if (dl_ret < 0)
        dl_ret = vs_wrap (err, dl_ret, "repository %s", repo);
      else if (map[k] != SIZE_MAX)
        emit_layer (o, map[k], f[k].digest, f[k].size, "Download complete");
    }
  ret = dl_ret;
  for (size_t i = 0; i < nl; i++)
    {
      struct layer_job *j = &jobs[i];
      if (j->started)
        pthread_join (j->th, NULL);
      if (j->ret < 0 && ret == 0)
        {
          *err = j->err;
          ret = vs_wrap (err, j->ret, "repository %s", repo);
        }
    }
  if (ret < 0)
    {
      /* what this call unpacked is an orphan now: remove it */
      for (size_t i = 0; i < nl; i++)
        if (jobs[i].started && jobs[i].ret == 0)
          vs_store_snapshot_drop_unused (s, img->layers[i].chain_id);
    }
  else
    for (size_t i = 0; i < nl; i++)
      if (jobs[i].started)
        emit_layer (o, i, img->layers[i].blob, img->layers[i].blob_size, "Pull complete");

out:
  for (size_t k = 0; dls && k < n; k++)
    {
      closep (&f[k].fd);
      pthread_mutex_destroy (&dls[k].mu);
      pthread_cond_destroy (&dls[k].cv);
    }
  free (dls);
  free (jobs);
  free (need);
  free (needmap);
  free (needidx);
  return ret;
}

/* GET a manifest (following an index to the platform's entry).
 * top_digest: digest of what the tag pointed at. */
static int
get_image_manifest (vs_store *s, vs_registry *r, const vs_ref *ref, const vs_transfer_opts *o, char top_digest[72],
                    char manifest_digest[72], vs_manifest *m, char **index_body, size_t *index_len,
                    vs_error *err)
{
  _cleanup_free_ char *body = NULL, *ctype = NULL;
  size_t len = 0;
  const char *kind;
  int ret;

  ret = vs_registry_get_manifest (r, ref->repo, ref->digest ? ref->digest : ref->tag, &body, &len, &ctype, top_digest,
                                  err);
  if (ret < 0)
    return ret;
  kind = vs_manifest_kind (body, len, ctype, err);
  if (kind == NULL)
    return -EINVAL;
  if (strcmp (kind, VS_MT_OCI_INDEX) == 0 || strcmp (kind, VS_MT_DOCKER_LIST) == 0)
    {
      vs_index ix = { 0 };
      const vs_descriptor *d;
      _cleanup_free_ char *mbody = NULL, *mtype = NULL;
      size_t mlen = 0;
      ret = vs_index_parse (body, len, &ix, err);
      if (ret < 0)
        return ret;
      d = vs_index_pick (&ix, o->platform ? o->platform : vs_platform_default (), err);
      if (d == NULL)
        {
          vs_index_free (&ix);
          return -ENOENT;
        }
      ret = vs_registry_get_manifest (r, ref->repo, d->digest, &mbody, &mlen, &mtype, manifest_digest, err);
      vs_index_free (&ix);
      if (ret < 0)
        return ret;
      kind = vs_manifest_kind (mbody, mlen, mtype, err);
      if (kind == NULL)
        return -EINVAL;
      if (strcmp (kind, VS_MT_OCI_MANIFEST) != 0 && strcmp (kind, VS_MT_DOCKER_MANIFEST) != 0)
        return vs_fail (err, 0, "manifest %s in the index of %s: media type %s is not an image manifest",
                        manifest_digest, ref->repo, kind);
      *index_body = TAKE_PTR (body);
      *index_len = len;
      ret = vs_manifest_parse (mbody, mlen, m, err);
      if (ret == 0)
        ret = vs_store_blob_put (s, mbody, mlen, manifest_digest, NULL, err);
      return ret;
    }
  memcpy (manifest_digest, top_digest, 72);
  ret = vs_manifest_parse (body, len, m, err);
  if (ret == 0)
    ret = vs_store_blob_put (s, body, len, manifest_digest, NULL, err);
  return ret;
}

int
vs_image_pull (vs_store *s, const char *reference, const vs_transfer_opts *o, char id[72], vs_error *err)
{
  _cleanup_ref_ vs_ref ref = { 0 };
  _cleanup_registry_ vs_registry *r = NULL;
  _cleanup_manifest_ vs_manifest m = { 0 };
  _cleanup_image_config_ vs_image_config cfg = { 0 };
  _cleanup_image_ vs_image img = { 0 };
  _cleanup_free_ char *index_body = NULL, *cfg_body = NULL, *name = NULL, *repo_name = NULL, *repo_digest = NULL;
  _cleanup_free_ bool *todo = NULL;
  _cleanup_free_ vs_blob_fetch *fetch = NULL;
  _cleanup_free_ size_t *map = NULL;
  char top_digest[72] = "", manifest_digest[72] = "", index_digest[72] = "";
  char (*chains)[72] = NULL;
  size_t index_len = 0, cfg_len = 0, nfetch = 0;
  bool downloaded = false;
  int ret;

  ret = vs_ref_parse (reference, &ref, err);
  if (ret < 0)
    return ret;
  name = ref.tag ? vs_ref_name (&ref) : NULL;
  repo_name = vs_ref_repo_name (&ref);
  if (repo_name == NULL)
    return vs_fail (err, ENOMEM, "pull %s", reference);
  ret = vs_registry_open (vs_registry_endpoint (ref.registry), &o->registry, &r, err);
  if (ret < 0)
    return ret;
  ret = get_image_manifest (s, r, &ref, o, top_digest, manifest_digest, &m, &index_body, &index_len, err);
  if (ret < 0)
    return ret;
  emit_msg (o, "%s: Pulling from %s", ref.tag ? ref.tag : ref.digest, ref.repo);
  if (index_body)
    {
      ret = vs_store_blob_put (s, index_body, index_len, top_digest, index_digest, err);
      if (ret < 0)
        return ret;
    }

  /* the config */
  if (!vs_store_blob_exists (s, m.config.digest))
    {
      vs_blob_fetch f = { .digest = m.config.digest, .size = m.config.size };
      size_t none = SIZE_MAX;
      if (m.config.size > (int64_t) MAX_DOC)
        return vs_fail (err, EFBIG, "config %s of %s: %lld bytes is too large", m.config.digest, reference,
                        (long long) m.config.size);
      ret = fetch_and_unpack (s, r, ref.repo, &f, &none, 1, NULL, NULL, &(vs_transfer_opts) { .parallel = 1 }, err);
      if (ret < 0)
        return ret;
      downloaded = true;
    }
  ret = vs_store_blob_read (s, m.config.digest, MAX_DOC, &cfg_body, &cfg_len, err);
  if (ret == 0)
    ret = vs_image_config_parse (cfg_body, cfg_len, &cfg, err);
  if (ret < 0)
    return vs_wrap (err, ret, "image %s", reference);
  if (cfg.n_diff_ids != m.n_layers)
    return vs_fail (err, 0, "image %s: the manifest has %zu layers but the config lists %zu diff_ids", reference,
                    m.n_layers, cfg.n_diff_ids);

  /* the image as the store will record it */
  snprintf (img.id, sizeof img.id, "%s", m.config.digest);
  snprintf (img.manifest, sizeof img.manifest, "%s", manifest_digest);
  img.manifest_type = strdup (m.media_type);
  img.created = cfg.created;
  img.n_layers = m.n_layers;
  img.layers = calloc (m.n_layers ? m.n_layers : 1, sizeof *img.layers);
  chains = calloc (m.n_layers ? m.n_layers : 1, sizeof *chains);
  todo = calloc (m.n_layers ? m.n_layers : 1, sizeof *todo);
  fetch = calloc (m.n_layers ? m.n_layers : 1, sizeof *fetch);
  map = calloc (m.n_layers ? m.n_layers : 1, sizeof *map);
  if (img.manifest_type == NULL || img.layers == NULL || chains == NULL || todo == NULL || fetch == NULL || map == NULL)
    {
      free (chains);
      return vs_fail (err, ENOMEM, "pull %s", reference);
    }
  vs_chain_ids (cfg.diff_ids, cfg.n_diff_ids, chains);
  if (o->events && o->events->start)
    o->events->start (o->events->user, m.n_layers);
  for (size_t i = 0; i < m.n_layers; i++)
    {
      vs_image_layer *l = &img.layers[i];
      snprintf (l->blob, sizeof l->blob, "%s", m.layers[i].digest);
      snprintf (l->diff_id, sizeof l->diff_id, "%s", cfg.diff_ids[i]);
      snprintf (l->chain_id, sizeof l->chain_id, "%s", chains[i]);
      l->media_type = strdup (m.layers[i].media_type);
      l->blob_size = m.layers[i].size;
      l->size = vs_store_layer_size (s, l->chain_id);
      if (l->media_type == NULL)
        {
          free (chains);
          return vs_fail (err, ENOMEM, "pull %s", reference);
        }
      if (l->size < 0)
        vs_store_snapshot_drop_unused (s, l->chain_id); /* a killed pull's: size unknown, unpack again */
      todo[i] = !vs_store_snapshot_exists (s, l->chain_id) || l->size < 0;
      /* a blob used twice (an empty layer, say) is fetched once */
      bool listed = false;
      for (size_t k = 0; k < nfetch; k++)
        listed |= strcmp (fetch[k].digest, l->blob) == 0;
      if (!listed && !vs_store_blob_exists (s, l->blob))
        {
          fetch[nfetch] = (vs_blob_fetch) { .digest = l->blob, .size = l->blob_size };
          map[nfetch++] = i;
          emit_layer (o, i, l->blob, l->blob_size, "Pulling fs layer");
        }
      else if (!todo[i])
        emit_layer (o, i, l->blob, l->blob_size, "Already exists");
    }
  free (chains);
  downloaded |= nfetch > 0;
  ret = fetch_and_unpack (s, r, ref.repo, fetch, map, nfetch, &img, todo, o, err);

  if (ret < 0)
    return vs_wrap (err, ret, "pull %s", reference);
  for (size_t i = 0; i < img.n_layers; i++)
    img.size += img.layers[i].size > 0 ? img.layers[i].size : 0;

  if (asprintf (&repo_digest, "%s@%s", repo_name, top_digest) < 0)
    return vs_fail (err, ENOMEM, "pull %s", reference);
  {
    vs_image old = { 0 };
    vs_error ignore;
    bool same = name && vs_store_image_get (s, name, &old, &ignore) == 0 && strcmp (old.id, img.id) == 0;
    vs_image_free (&old);
    _cleanup_free_ char *fam = vs_ref_familiar (name ? name : repo_digest);
    const char *shown = fam ? fam : name ? name : repo_digest;
    if (same && !downloaded)
      emit_msg (o, "Digest: %s\nStatus: Image is up to date for %s", top_digest, shown);
    else
      emit_msg (o, "Digest: %s\nStatus: Downloaded newer image for %s", top_digest, shown);
  }
  ret = vs_store_image_add (s, &img, name, repo_digest, index_body ? index_digest : NULL, err);
  if (ret < 0)
    return ret;
  memcpy (id, img.id, 72);
  return 0;
}

static void
push_progress (void *user, size_t index, int64_t done, int64_t total)
{
  const vs_transfer_opts *o = user;
  if (o->events && o->events->bytes)
    o->events->bytes (o->events->user, index, done, total);
}

/* Another repository on the same registry this image came from: blobs can
 * be mounted from there instead of uploaded. */
static const char *
mount_source (const vs_image *img, const vs_ref *dest, char *buf, size_t len)
{
  for (char **p = img->repo_digests; p && *p; p++)
    {
      vs_ref from = { 0 };
      vs_error ignore;
      const char *ret = NULL;
      if (vs_ref_parse (*p, &from, &ignore) == 0 && strcmp (from.registry, dest->registry) == 0
          && strcmp (from.repo, dest->repo) != 0)
        {
          snprintf (buf, len, "%s", from.repo);
          ret = buf;
        }
      vs_ref_free (&from);
      if (ret)
        return ret;
    }
  return NULL;
}

int
vs_image_push (vs_store *s, const char *what, const char *reference, const vs_transfer_opts *o, char digest[72],
               vs_error *err)
{
  _cleanup_ref_ vs_ref ref = { 0 };
  _cleanup_registry_ vs_registry *r = NULL;
  _cleanup_image_ vs_image img = { 0 };
  _cleanup_free_ char *body = NULL;
  char mount_buf[256];
  const char *mount_from;
  size_t len = 0;
  int ret;

  ret = vs_store_image_get (s, what, &img, err);
  if (ret < 0)
    return ret;
  ret = vs_ref_parse (reference ? reference : what, &ref, err);
  if (ret < 0)
    return ret;
  ret = vs_store_blob_read (s, img.manifest, MAX_DOC, &body, &len, err);
  if (ret < 0)
    return vs_wrap (err, ret, "push %s", what);
  ret = vs_registry_open (vs_registry_endpoint (ref.registry), &o->registry, &r, err);
  if (ret < 0)
    return ret;
  mount_from = mount_source (&img, &ref, mount_buf, sizeof mount_buf);
  emit_msg (o, "The push refers to repository [%s/%s]", ref.registry, ref.repo);
  if (o->events && o->events->start)
    o->events->start (o->events->user, img.n_layers + 1);
  for (size_t i = 0; i <= img.n_layers; i++)
    {
      const char *blob = i < img.n_layers ? img.layers[i].blob : img.id;
      _cleanup_close_ int fd = -1;
      int64_t size;
      bool skipped = false;

      ret = vs_store_blob_open (s, blob, &fd, &size, err);
      if (ret < 0)
        return vs_wrap (err, ret, "push %s", what);
      emit_layer (o, i, blob, size, "Preparing");
      ret = vs_registry_put_blob (r, ref.repo, blob, fd, size, mount_from, &skipped, push_progress, (void *) o, i, err);
      if (ret < 0)
        return ret;
      emit_layer (o, i, blob, size, skipped ? "Layer already exists" : "Pushed");
    }
  ret = vs_registry_put_manifest (r, ref.repo, ref.tag ? ref.tag : img.manifest, body, len, img.manifest_type, err);
  if (ret < 0)
    return ret;
  emit_msg (o, "%s: digest: %s size: %zu", ref.tag ? ref.tag : "", img.manifest, len);
  if (digest)
    memcpy (digest, img.manifest, 72);
  return 0;
}
